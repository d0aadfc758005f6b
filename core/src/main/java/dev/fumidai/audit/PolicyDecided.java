// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that a rule engine allowed or denied ({@code policy.decision}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param ruleId the rule
 * @param decision allow or deny
 * @param target what was asked for, or null
 */
public record PolicyDecided(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        String ruleId,
        String decision,
        @Nullable TargetInfo target) implements AuditEvent {

    public PolicyDecided {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public EventType type() {
        return EventType.POLICY_DECISION;
    }
}
