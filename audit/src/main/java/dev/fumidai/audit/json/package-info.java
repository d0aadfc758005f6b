// SPDX-License-Identifier: Apache-2.0
/**
 * The JSON form of audit events ({@code docs/audit-schema.md}): the encoder, per-sink redaction of sensitive
 * fields, a generic decoder, and RFC 8785 canonicalisation for the integrity chain (§3).
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.audit.json;

import org.jspecify.annotations.NullMarked;
