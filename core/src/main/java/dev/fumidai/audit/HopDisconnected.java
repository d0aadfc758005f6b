// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Records that a hop connection went down ({@code hop.disconnect}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param hopIndex position in the route
 * @param hop the hop
 * @param connectionId the hop connection
 * @param startedAt when it connected
 * @param durationMs how long it was up
 */
public record HopDisconnected(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        int hopIndex,
        HopInfo hop,
        String connectionId,
        Instant startedAt,
        long durationMs) implements AuditEvent {

    public HopDisconnected {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public EventType type() {
        return EventType.HOP_DISCONNECT;
    }
}
