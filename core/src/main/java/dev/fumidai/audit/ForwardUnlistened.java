// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that a forward listener was removed ({@code forward.unlisten}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param listener the listener
 * @param target where it forwarded
 * @param hops the hop chain
 * @param startedAt when it was bound
 * @param durationMs how long it listened
 * @param connections connections it accepted
 */
public record ForwardUnlistened(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        Listener listener,
        @Nullable TargetInfo target,
        List<HopInfo> hops,
        Instant startedAt,
        long durationMs,
        long connections) implements AuditEvent {

    public ForwardUnlistened {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.FORWARD_UNLISTEN;
    }
}
