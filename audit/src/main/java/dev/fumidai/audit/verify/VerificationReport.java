// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Holds the verifier's findings and a summary per stream.
 *
 * @param findings everything found, tampering or not, in the order found
 * @param streams one summary per stream
 */
public record VerificationReport(List<Finding> findings, List<StreamSummary> streams) {

    public VerificationReport {
        findings = List.copyOf(findings);
        streams = List.copyOf(streams);
    }

    /**
     * Summarises one stream.
     *
     * @param streamId the stream
     * @param records complete records read
     * @param lastSeq the highest {@code seq} on the chain
     * @param chainHead the hash at the head of the chain
     * @param anchoredSeq the highest {@code seq} a valid checkpoint covers, 0 if none
     */
    public record StreamSummary(String streamId, long records, long lastSeq, String chainHead, long anchoredSeq) {
    }

    /** Returns whether nothing was tampered with and every record is covered by a valid checkpoint. */
    public boolean intact() {
        return findings.stream().noneMatch(f -> f.kind().isTampering() || f.kind() == FindingKind.UNANCHORED);
    }

    /** Returns the findings that are evidence of editing. */
    public List<Finding> tampering() {
        return findings.stream().filter(f -> f.kind().isTampering()).collect(Collectors.toList());
    }

    /** Returns the findings of one kind. */
    public List<Finding> of(FindingKind kind) {
        return findings.stream().filter(f -> f.kind() == kind).collect(Collectors.toList());
    }

    /** Returns whether some finding is of this kind. */
    public boolean has(FindingKind kind) {
        return findings.stream().anyMatch(f -> f.kind() == kind);
    }
}
