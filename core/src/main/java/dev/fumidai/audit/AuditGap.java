// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that events were lost for a sink, so that a chain with a declared gap can be told from a tampered one ({@code audit.gap}).
 *
 * @param header the envelope
 * @param sinkName the sink that lost them
 * @param droppedCount how many
 * @param fromSeq first lost emitter sequence number
 * @param toSeq last lost emitter sequence number
 */
public record AuditGap(
        EventHeader header,
        String sinkName,
        long droppedCount,
        long fromSeq,
        long toSeq) implements AuditEvent {

    public AuditGap {
        java.util.Objects.requireNonNull(header, "header");
    }

    @Override
    public EventType type() {
        return EventType.AUDIT_GAP;
    }

    @Override
    public Outcome outcome() {
        return Outcome.ERROR;
    }

    @Override
    public @Nullable Reason reason() {
        return null;
    }
}
