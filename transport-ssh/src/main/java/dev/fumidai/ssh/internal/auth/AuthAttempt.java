// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.auth;

import dev.fumidai.audit.Credential;

/**
 * Describes one authentication try as the server answered it, for the {@code auth.attempt} audit event.
 *
 * @param method the RFC 4252 method name ({@code none}, {@code publickey}, {@code password},
 *     {@code keyboard-interactive})
 * @param credential what was presented, never the secret
 * @param success whether the server answered USERAUTH_SUCCESS
 * @param partial whether the server answered USERAUTH_FAILURE with partial success (RFC 4252 §5.1)
 * @param trivial whether the server let us in without a real credential (security-checklist A1)
 * @param detail why the try failed, without secrets, or {@code null}
 */
public record AuthAttempt(String method, Credential credential, boolean success, boolean partial, boolean trivial,
        String detail) {
}
