// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that a sink is failing and its policy took over (spooling, dropping or refusing) ({@code audit.degraded}).
 *
 * @param header the envelope
 * @param sinkName the failing sink
 * @param reason why it did not succeed or why it closed, or null
 */
public record AuditDegraded(
        EventHeader header,
        String sinkName,
        @Nullable Reason reason) implements AuditEvent {

    public AuditDegraded {
        java.util.Objects.requireNonNull(header, "header");
    }

    @Override
    public EventType type() {
        return EventType.AUDIT_DEGRADED;
    }

    @Override
    public Outcome outcome() {
        return Outcome.ERROR;
    }
}
