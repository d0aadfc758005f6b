// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

import dev.fumidai.ssh.internal.names.SshNames;

/**
 * Checks host and user names taken from a config with {@link SshNames} ({@code docs/security.md}, CVE-2023-51385
 * class), reporting a refusal as {@link SshConfigException} like every other config error.
 */
final class SafeNames {

    private SafeNames() {
    }

    static String requireSafe(String value, String what) {
        if (value == null) {
            throw new SshConfigException(what + " must be 1.." + SshNames.MAX_LENGTH + " characters");
        }
        try {
            return SshNames.requireSafe(value, what);
        } catch (IllegalArgumentException e) {
            throw new SshConfigException(e.getMessage());
        }
    }

    /** Like {@link #requireSafe} but for host names, which may be IPv6 literals (colons are fine already). */
    static String requireSafeHost(String value, String what) {
        return requireSafe(value, what);
    }
}
