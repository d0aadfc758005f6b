// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.names;

/**
 * Checks user and hop names before use: no control or white-space characters, no shell metacharacters, no
 * leading {@code -} (security-checklist A4; OpenSSH 9.6 bans the same characters after CVE-2023-51385). The one
 * copy of this rule: hop builders and the ssh_config reader both use it.
 */
public final class SshNames {

    /** Longest user name accepted (Linux {@code LOGIN_NAME_MAX} is 256 with the NUL). */
    public static final int MAX_LENGTH = 255;
    private static final String FORBIDDEN = "'`\"$\\;&<>|(){},*?[]!~#%^ ";

    private SshNames() {
    }

    /** Returns the name, or throws {@link IllegalArgumentException} saying which character is not allowed. */
    public static String requireSafe(String value, String what) {
        java.util.Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_LENGTH + " characters");
        }
        if (value.charAt(0) == '-') {
            throw new IllegalArgumentException(what + " must not start with '-': \"" + value + "\"");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || FORBIDDEN.indexOf(c) >= 0) {
                throw new IllegalArgumentException(what + " holds a forbidden character at " + i + ": \""
                        + value.replaceAll("\\p{Cntrl}", "?") + "\"");
            }
        }
        return value;
    }
}
