// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

/** Classifies what the verifier found; {@link #isTampering()} separates evidence of editing from facts. */
public enum FindingKind {
    /** A record's content or hash differs from what was written (its hash does not match, or a checkpoint disagrees). */
    MODIFIED(true),
    /** One or more records are missing from the middle or the start of a stream. */
    DELETED(true),
    /** A record is not part of the chain: forged, duplicated, or grafted onto it. */
    INSERTED(true),
    /** Records of the chain appear in a different order than written. */
    REORDERED(true),
    /** The last records of a stream, which a signed checkpoint covers, are missing. */
    TRUNCATED(true),
    /** A complete line is not a well-formed record. */
    MALFORMED(true),
    /** A checkpoint's signature is invalid or made with a key that was not given. */
    BAD_CHECKPOINT(true),
    /** The last line of a file has no line end: a write interrupted by a crash, not tampering. */
    TORN_LINE(false),
    /** An {@code audit.gap} record declares events lost upstream of the sink: a gap, not tampering. */
    DECLARED_GAP(false),
    /** Records no signed checkpoint covers: the chain holds, but nothing proves they were not appended later. */
    UNANCHORED(false);

    private final boolean tampering;

    FindingKind(boolean tampering) {
        this.tampering = tampering;
    }

    /** Returns whether this kind is evidence that the log was edited after writing. */
    public boolean isTampering() {
        return tampering;
    }
}
