// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that a sink started recording ({@code audit.start}).
 *
 * @param header the envelope
 * @param sinkName the sink
 */
public record AuditStarted(
        EventHeader header,
        String sinkName) implements AuditEvent {

    public AuditStarted {
        java.util.Objects.requireNonNull(header, "header");
    }

    @Override
    public EventType type() {
        return EventType.AUDIT_START;
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
