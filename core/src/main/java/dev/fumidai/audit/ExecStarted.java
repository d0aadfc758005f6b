// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that a remote command started on a hop ({@code exec.start}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param hops the chain up to the hop that runs it
 * @param connectionId the hop connection
 * @param channelId the session channel
 * @param command the command line (sensitive)
 */
public record ExecStarted(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        List<HopInfo> hops,
        String connectionId,
        @Nullable String channelId,
        String command) implements AuditEvent {

    public ExecStarted {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.EXEC_START;
    }
}
