// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that a forward listener was bound, or failed to bind ({@code forward.listen}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param listener the listener
 * @param target where it forwards
 * @param hops the hop chain
 */
public record ForwardListened(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        Listener listener,
        @Nullable TargetInfo target,
        List<HopInfo> hops) implements AuditEvent {

    public ForwardListened {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.FORWARD_LISTEN;
    }
}
