// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that a logical tunnel session closed ({@code session.end}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param hops the hop chain
 * @param startedAt when it started
 * @param durationMs how long
 * @param bytesUp bytes sent toward targets
 * @param bytesDown bytes received from targets
 */
public record SessionEnded(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        List<HopInfo> hops,
        Instant startedAt,
        long durationMs,
        long bytesUp,
        long bytesDown) implements AuditEvent {

    public SessionEnded {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.SESSION_END;
    }
}
