// SPDX-License-Identifier: Apache-2.0
/**
 * The write-ahead spool for sinks with the {@code SPOOL} policy (audit schema §2).
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.audit.spool;

import org.jspecify.annotations.NullMarked;
