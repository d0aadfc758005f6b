// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Matches host names against the host field of a known_hosts line as OpenSSH does ({@code sshd(8)}
 * "SSH_KNOWN_HOSTS FILE FORMAT", {@code match.c}, {@code hostfile.c}).
 *
 * <ul>
 *   <li>A plain field is a comma-separated list of patterns; {@code *} matches any run of characters
 *       (dots included), {@code ?} exactly one. A pattern prefixed with {@code !} negates: if it matches,
 *       the line does not apply even when another pattern matches.</li>
 *   <li>Comparison ignores ASCII case: OpenSSH lowercases the host name and the patterns.</li>
 *   <li>A hashed field {@code |1|base64(salt)|base64(HMAC-SHA1(salt, name))} stands for exactly one name.</li>
 *   <li>The name looked up is {@code host} for port 22 and {@code [host]:port} otherwise.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class HostPatterns {

    /** Prefix of a hashed host field ({@code HASH_MAGIC} in OpenSSH {@code hostfile.h}). */
    public static final String HASH_MAGIC = "|1|";
    /** Length of the HMAC-SHA1 salt and digest in a hashed field (OpenSSH requires exactly SHA-1's 20 bytes). */
    public static final int HASH_LENGTH = 20;

    /** Says how a host field relates to a name. */
    public enum Match {
        /** A positive pattern (or the hash) matched and no negated pattern did. */
        MATCH,
        /** Nothing matched. */
        NO_MATCH,
        /** A negated pattern matched: the line must not apply to this name. */
        NEGATED
    }

    private HostPatterns() {
    }

    /** Returns the name to look up for a host and port: {@code host} for port 22, {@code [host]:port} otherwise. */
    public static String lookupName(String host, int port) {
        String lower = host.toLowerCase(Locale.ROOT);
        return port == 22 || port <= 0 ? lower : "[" + lower + "]:" + port;
    }

    /** Matches a name (already in lookup form) against a whole host field, hashed or a pattern list. */
    public static Match matchField(String field, String name) {
        if (field.startsWith(HASH_MAGIC)) {
            return matchesHashed(field, name) ? Match.MATCH : Match.NO_MATCH;
        }
        return matchList(field, name);
    }

    /** Matches a name against a comma-separated pattern list with negation ({@code match_hostname}). */
    public static Match matchList(String patternList, String name) {
        String lowerName = name.toLowerCase(Locale.ROOT);
        boolean matched = false;
        for (String pattern : patternList.split(",", -1)) {
            boolean negated = pattern.startsWith("!");
            String p = (negated ? pattern.substring(1) : pattern).toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (wildcardMatch(p, lowerName)) {
                if (negated) {
                    return Match.NEGATED;
                }
                matched = true;
            }
        }
        return matched ? Match.MATCH : Match.NO_MATCH;
    }

    /**
     * Matches {@code *} and {@code ?} wildcards (OpenSSH {@code match_pattern}); iterative with backtracking
     * to the last star, so time is O(pattern × text) at worst and there is no recursion a long name could
     * exhaust.
     */
    public static boolean wildcardMatch(String pattern, String text) {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = -1;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starT = t;
            } else if (starP >= 0) {
                p = starP + 1;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** Returns whether a hashed field {@code |1|salt|hash} stands for {@code name}; a malformed field never matches. */
    public static boolean matchesHashed(String field, String name) {
        String[] parts = field.substring(HASH_MAGIC.length()).split("\\|", -1);
        if (parts.length != 2) {
            return false;
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = Base64.getDecoder().decode(parts[0]);
            expected = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (salt.length != HASH_LENGTH || expected.length != HASH_LENGTH) {
            return false;
        }
        return MessageDigest.isEqual(expected, hmacSha1(salt, name.toLowerCase(Locale.ROOT)));
    }

    /** Returns whether a host field is a well-formed hashed field. */
    public static boolean isWellFormedHash(String field) {
        if (!field.startsWith(HASH_MAGIC)) {
            return false;
        }
        String[] parts = field.substring(HASH_MAGIC.length()).split("\\|", -1);
        try {
            return parts.length == 2 && Base64.getDecoder().decode(parts[0]).length == HASH_LENGTH
                    && Base64.getDecoder().decode(parts[1]).length == HASH_LENGTH;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Returns the hashed field {@code |1|salt|hash} for a name, as {@code ssh-keygen -H} writes it. */
    public static String hash(String name, byte[] salt) {
        if (salt.length != HASH_LENGTH) {
            throw new IllegalArgumentException("salt must be " + HASH_LENGTH + " bytes");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        return HASH_MAGIC + b64.encodeToString(salt) + "|"
                + b64.encodeToString(hmacSha1(salt, name.toLowerCase(Locale.ROOT)));
    }

    private static byte[] hmacSha1(byte[] salt, String name) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is mandatory in every JDK", e);
        }
    }
}
