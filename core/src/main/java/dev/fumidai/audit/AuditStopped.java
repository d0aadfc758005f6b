// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that a sink stopped recording ({@code audit.stop}).
 *
 * @param header the envelope
 * @param sinkName the sink
 */
public record AuditStopped(
        EventHeader header,
        String sinkName) implements AuditEvent {

    public AuditStopped {
        java.util.Objects.requireNonNull(header, "header");
    }

    @Override
    public EventType type() {
        return EventType.AUDIT_STOP;
    }

    @Override
    public Outcome outcome() {
        return Outcome.SUCCESS;
    }

    @Override
    public @Nullable Reason reason() {
        return null;
    }
}
