// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that one proxied connection closed, with its byte counts and duration ({@code forward.close}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param source the real originator
 * @param target the destination
 * @param hops the hop chain
 * @param connectionId the connection of the last hop
 * @param channelId this stream
 * @param startedAt when it opened
 * @param durationMs how long it lasted
 * @param bytesUp bytes from the source toward the target
 * @param bytesDown bytes from the target toward the source
 */
public record ForwardClosed(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        Source source,
        TargetInfo target,
        List<HopInfo> hops,
        String connectionId,
        String channelId,
        Instant startedAt,
        long durationMs,
        long bytesUp,
        long bytesDown) implements AuditEvent {

    public ForwardClosed {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.FORWARD_CLOSE;
    }
}
