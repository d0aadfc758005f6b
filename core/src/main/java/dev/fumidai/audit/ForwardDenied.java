// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records that a connection was refused by local policy, by a fail-closed audit sink, or by the server ({@code forward.denied}).
 *
 * @param header the envelope
 * @param reason why it did not succeed or why it closed, or null
 * @param source the would-be originator
 * @param target the destination
 * @param hops the hop chain
 * @param policyRuleId the rule that denied, or null
 */
public record ForwardDenied(
        EventHeader header,
        @Nullable Reason reason,
        Source source,
        TargetInfo target,
        List<HopInfo> hops,
        @Nullable String policyRuleId) implements AuditEvent {

    public ForwardDenied {
        java.util.Objects.requireNonNull(header, "header");
        hops = hops == null ? List.of() : List.copyOf(hops);
    }

    @Override
    public EventType type() {
        return EventType.FORWARD_DENIED;
    }

    @Override
    public Outcome outcome() {
        return Outcome.DENIED;
    }
}
