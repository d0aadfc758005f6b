// SPDX-License-Identifier: Apache-2.0
/**
 * The verifier of tamper-evident audit logs: {@link dev.fumidai.audit.verify.AuditLogVerifier} as a library call
 * and {@link dev.fumidai.audit.verify.VerifyCommand} as a command.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.audit.verify;

import org.jspecify.annotations.NullMarked;
