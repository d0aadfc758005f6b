// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/**
 * Says what happens while a sink fails ({@code docs/audit-schema.md}). Every policy produces a visible
 * signal ({@code audit.degraded}, {@code audit.gap}), as PCI DSS 10.7 asks.
 */
public enum AuditPolicy {
    /**
     * No new tunnel, forward or stream opens unless its opening event was accepted by this sink; while the
     * sink fails, openings are refused with {@code AuditUnavailableException}.
     */
    FAIL_CLOSED,
    /**
     * Events the sink refuses are kept and retried with backoff; nothing is lost unless the spool itself
     * overflows, which is reported as {@code audit.gap}. The dispatcher keeps a bounded in-memory backlog;
     * the audit module adds a write-ahead file spool that survives a crash.
     */
    SPOOL,
    /** Events the sink refuses are dropped and counted; the count is reported as {@code audit.gap}. */
    BEST_EFFORT
}
