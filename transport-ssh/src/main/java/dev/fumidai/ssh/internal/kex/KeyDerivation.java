// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Derives keys from the shared secret and exchange hash (RFC 4253 §7.2):
 * {@code K1 = HASH(K || H || X || session_id)}, extended by {@code HASH(K || H || K1 || ...)}.
 */
public final class KeyDerivation {

    /** Letters for the six keys of RFC 4253 §7.2. */
    public static final char IV_CLIENT_TO_SERVER = 'A';
    public static final char IV_SERVER_TO_CLIENT = 'B';
    public static final char KEY_CLIENT_TO_SERVER = 'C';
    public static final char KEY_SERVER_TO_CLIENT = 'D';
    public static final char MAC_CLIENT_TO_SERVER = 'E';
    public static final char MAC_SERVER_TO_CLIENT = 'F';

    private KeyDerivation() {
    }

    /**
     * Returns {@code length} bytes of key material.
     *
     * @param encodedSecret K as encoded in the exchange hash (mpint or string, with its length field)
     */
    public static byte[] derive(String hashAlgorithm, byte[] encodedSecret, byte[] exchangeHash, char letter,
            byte[] sessionId, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance(hashAlgorithm);
            md.update(encodedSecret);
            md.update(exchangeHash);
            md.update((byte) letter);
            md.update(sessionId);
            byte[] out = md.digest();
            while (out.length < length) {
                md.update(encodedSecret);
                md.update(exchangeHash);
                md.update(out);
                byte[] more = md.digest();
                byte[] longer = java.util.Arrays.copyOf(out, out.length + more.length);
                System.arraycopy(more, 0, longer, out.length, more.length);
                java.util.Arrays.fill(out, (byte) 0);
                out = longer;
            }
            byte[] result = java.util.Arrays.copyOf(out, length);
            java.util.Arrays.fill(out, (byte) 0);
            return result;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
