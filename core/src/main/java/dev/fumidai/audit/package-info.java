// SPDX-License-Identifier: Apache-2.0
/**
 * The audit event model of {@code docs/audit-schema.md} (a sealed interface of records), the
 * {@link dev.fumidai.audit.AuditSink} SPI with its {@link dev.fumidai.audit.AuditPolicy}, and the sinks that
 * need nothing beyond the core.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.audit;

import org.jspecify.annotations.NullMarked;
