// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that one proxied connection was opened through the route, or failed to open ({@code forward.open}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param source the real originator
 * @param target the destination
 * @param hops the hop chain
 * @param connectionId the connection of the last hop
 * @param channelId this stream
 */
public record ForwardOpened(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        Source source,
        TargetInfo target,
        List<HopInfo> hops,
        String connectionId,
        @Nullable String channelId) implements AuditEvent {

    public ForwardOpened {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.FORWARD_OPEN;
    }
}
