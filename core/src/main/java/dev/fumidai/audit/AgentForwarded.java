// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that agent forwarding was requested or used ({@code agent.forward}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param hops the hop chain
 * @param connectionId the hop connection
 */
public record AgentForwarded(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        List<HopInfo> hops,
        String connectionId) implements AuditEvent {

    public AgentForwarded {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.AGENT_FORWARD;
    }
}
