// SPDX-License-Identifier: Apache-2.0
/**
 * The verifier of tamper-evident audit logs: {@link dev.fumidai.audit.verify.AuditLogVerifier} as a library call
 * and {@link dev.fumidai.audit.verify.VerifyCommand} as a command.
 */
package dev.fumidai.audit.verify;
