// SPDX-License-Identifier: Apache-2.0
/**
 * The audit event model of {@code docs/audit-schema.md} (a sealed interface of records), the
 * {@link dev.fumidai.audit.AuditSink} SPI with its {@link dev.fumidai.audit.AuditPolicy}, and the sinks that
 * need nothing beyond the core.
 */
package dev.fumidai.audit;
