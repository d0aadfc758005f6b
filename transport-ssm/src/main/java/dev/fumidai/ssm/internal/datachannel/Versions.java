// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

/**
 * Compares the dotted version strings that select behaviour on both ends (SSM spec §8.1) and names the
 * thresholds.
 *
 * <p>Comparison is numeric, component by component; a missing trailing component counts as smaller and a
 * non-numeric component as 0, which is how the agent falls back when semver parsing fails. The plugin instead
 * refuses strings with different component counts; {@link #isFourPart} lets a client apply that rule.
 */
public final class Versions {

    /** Is the newest agent version without smux: mux needs an agent strictly newer (§8.1). */
    public static final String MUX_AFTER_AGENT = "3.0.196.0";
    /** Is the newest agent version that still runs smux keepalive (§8.1). */
    public static final String NO_KEEPALIVE_AFTER_AGENT = "3.1.1511.0";
    /** Is the oldest client version the agent serves with mux (§8.1). */
    public static final String MUX_FROM_CLIENT = "1.1.70";
    /** Is the newest client version for which the agent keeps smux keepalive on (§8.1). */
    public static final String NO_KEEPALIVE_AFTER_CLIENT = "1.2.331.0";
    /** Is the newest agent version without the TerminateSession flag in basic mode (§8.1). */
    public static final String TERMINATE_FLAG_AFTER_AGENT = "2.3.722.0";

    private Versions() {
    }

    /** Returns a negative number, zero or a positive number as {@code a} is older, equal or newer than {@code b}. */
    public static int compare(String a, String b) {
        String[] x = a == null ? new String[0] : a.trim().split("\\.");
        String[] y = b == null ? new String[0] : b.trim().split("\\.");
        int n = Math.max(x.length, y.length);
        for (int i = 0; i < n; i++) {
            if (i >= x.length) {
                return -1;
            }
            if (i >= y.length) {
                return 1;
            }
            int c = Long.compare(num(x[i]), num(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Returns whether the string has four numeric components, as the plugin requires of agent versions. */
    public static boolean isFourPart(String v) {
        return v != null && v.matches("\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}");
    }

    /** Returns whether a client should use smux with an agent of this version (§8.1, §11 item 7). */
    public static boolean clientUsesMux(String agentVersion) {
        return isFourPart(agentVersion) && compare(agentVersion, MUX_AFTER_AGENT) > 0;
    }

    /** Returns whether a client must run smux keepalive with an agent of this version (§8.1). */
    public static boolean clientNeedsKeepalive(String agentVersion) {
        return !isFourPart(agentVersion) || compare(agentVersion, NO_KEEPALIVE_AFTER_AGENT) <= 0;
    }

    private static long num(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
