package dev.fumidai.ssh.config;

/**
 * Checks host and user names taken from a config or a command line: no control or white-space characters, no
 * shell metacharacters, no leading {@code -} (security-checklist A4, CVE-2023-51385 class). Mirrors the
 * package-private {@code dev.fumidai.ssh.SshNames}, which this package cannot reach.
 */
final class SafeNames {

    static final int MAX_LENGTH = 255;
    private static final String FORBIDDEN = "'`\"$\\;&<>|(){},*?[]!~#%^ ";

    private SafeNames() {
    }

    static String requireSafe(String value, String what) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new SshConfigException(what + " must be 1.." + MAX_LENGTH + " characters");
        }
        if (value.charAt(0) == '-') {
            throw new SshConfigException(what + " must not start with '-': \"" + value + "\"");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || FORBIDDEN.indexOf(c) >= 0) {
                throw new SshConfigException(what + " holds a forbidden character at " + i + ": \""
                        + value.replaceAll("\\p{Cntrl}", "?") + "\"");
            }
        }
        return value;
    }

    /** Like {@link #requireSafe} but for host names, which may be IPv6 literals (colons are fine already). */
    static String requireSafeHost(String value, String what) {
        return requireSafe(value, what);
    }
}
