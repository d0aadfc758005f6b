// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that a signed checkpoint over a window of a tamper-evident stream (schema §3) ({@code audit.checkpoint}).
 *
 * @param header the envelope
 * @param streamId the stream
 * @param firstSeq first stream seq covered
 * @param lastSeq last stream seq covered
 * @param chainHead hex hash of the last record covered
 * @param treeRoot hex RFC 9162 tree root, or null
 * @param keyId the signing key's fingerprint
 * @param signature base64 Ed25519 signature
 */
public record AuditCheckpoint(
        EventHeader header,
        String streamId,
        long firstSeq,
        long lastSeq,
        String chainHead,
        @Nullable String treeRoot,
        String keyId,
        String signature) implements AuditEvent {

    public AuditCheckpoint {
        java.util.Objects.requireNonNull(header, "header");
    }

    @Override
    public EventType type() {
        return EventType.AUDIT_CHECKPOINT;
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
