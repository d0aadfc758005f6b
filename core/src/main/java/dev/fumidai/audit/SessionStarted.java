// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that a logical tunnel session over the full hop chain is ready ({@code session.start}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param source who started it
 * @param hops the hop chain, first to last
 */
public record SessionStarted(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        Source source,
        List<HopInfo> hops) implements AuditEvent {

    public SessionStarted {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.SESSION_START;
    }
}
