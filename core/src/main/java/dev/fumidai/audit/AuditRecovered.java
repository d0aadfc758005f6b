// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that a failing sink works again ({@code audit.recovered}).
 *
 * @param header the envelope
 * @param sinkName the sink
 * @param droppedCount events lost while it failed
 */
public record AuditRecovered(
        EventHeader header,
        String sinkName,
        long droppedCount) implements AuditEvent {

    public AuditRecovered {
        java.util.Objects.requireNonNull(header, "header");
    }

    @Override
    public EventType type() {
        return EventType.AUDIT_RECOVERED;
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
