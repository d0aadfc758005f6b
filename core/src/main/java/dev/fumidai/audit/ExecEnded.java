// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that a remote command ended ({@code exec.end}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param hops the chain up to the hop that ran it
 * @param connectionId the hop connection
 * @param channelId the session channel
 * @param command the command line (sensitive)
 * @param exitStatus the exit status, or null
 * @param exitSignal the signal name, or null
 * @param startedAt when it started
 * @param durationMs how long
 * @param bytesUp bytes sent to it
 * @param bytesDown bytes received from it
 */
public record ExecEnded(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        List<HopInfo> hops,
        String connectionId,
        String channelId,
        String command,
        @Nullable Integer exitStatus,
        @Nullable String exitSignal,
        Instant startedAt,
        long durationMs,
        long bytesUp,
        long bytesDown) implements AuditEvent {

    public ExecEnded {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.EXEC_END;
    }
}
