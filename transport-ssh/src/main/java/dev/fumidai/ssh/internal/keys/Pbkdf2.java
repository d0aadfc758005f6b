// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Derives keys with PBKDF2 (RFC 8018 §5.2) over HMAC (RFC 2104) built on a JDK {@link MessageDigest}, for
 * encrypted PKCS#8 keys.
 *
 * <p>Written here rather than taken from {@code SecretKeyFactory} for two reasons: the iteration loop checks a
 * {@link KdfDeadline} (the JDK's cannot be interrupted), and the passphrase and HMAC pads live only in arrays
 * this class zeroes (the JDK's PBKDF2 and HMAC keep copies inside their key and MAC objects until they are
 * collected). The digests' own internal state is the JDK's; Java cannot reach it.
 *
 * <p>Thread-safe: every call works on its own state.
 */
final class Pbkdf2 {

    /** Iterations between two looks at the clock. */
    private static final int CHECK_EVERY = 1024;

    private Pbkdf2() {
    }

    /**
     * Derives {@code keyLength} bytes.
     *
     * @param digest the HMAC's hash, as the JDK names it ({@code SHA-1}, {@code SHA-256}, {@code SHA-384},
     *        {@code SHA-512})
     * @param password the passphrase bytes (UTF-8, as OpenSSL and the JDK feed them); not modified
     */
    static byte[] derive(String digest, byte[] password, byte[] salt, int iterations, int keyLength,
            KdfDeadline deadline) throws PrivateKeyException {
        if (iterations < 1 || keyLength < 1) {
            throw new IllegalArgumentException("PBKDF2 parameters out of range");
        }
        MessageDigest inner = digest(digest);
        MessageDigest outer = digest(digest);
        int blockSize = digest.equals("SHA-384") || digest.equals("SHA-512") ? 128 : 64;
        byte[] pad = new byte[blockSize];
        byte[] hashedKey = null;
        try {
            if (password.length > blockSize) {
                hashedKey = inner.digest(password);
                System.arraycopy(hashedKey, 0, pad, 0, hashedKey.length);
            } else {
                System.arraycopy(password, 0, pad, 0, password.length);
            }
            for (int i = 0; i < blockSize; i++) {
                pad[i] ^= 0x36;
            }
            inner.update(pad);
            for (int i = 0; i < blockSize; i++) {
                pad[i] ^= 0x36 ^ 0x5c;
            }
            outer.update(pad);
        } finally {
            Arrays.fill(pad, (byte) 0);
            if (hashedKey != null) {
                Arrays.fill(hashedKey, (byte) 0);
            }
        }
        int hLen = inner.getDigestLength();
        byte[] key = new byte[keyLength];
        byte[] u = new byte[hLen];
        byte[] t = new byte[hLen];
        byte[] block = new byte[4];
        try {
            for (int index = 1, done = 0; done < keyLength; index++) {
                block[0] = (byte) (index >>> 24);
                block[1] = (byte) (index >>> 16);
                block[2] = (byte) (index >>> 8);
                block[3] = (byte) index;
                hmac(inner, outer, u, salt, block);
                System.arraycopy(u, 0, t, 0, hLen);
                for (int j = 1; j < iterations; j++) {
                    if (j % CHECK_EVERY == 0) {
                        deadline.check();
                    }
                    hmac(inner, outer, u, u, null);
                    for (int k = 0; k < hLen; k++) {
                        t[k] ^= u[k];
                    }
                }
                int n = Math.min(hLen, keyLength - done);
                System.arraycopy(t, 0, key, done, n);
                done += n;
            }
            return key;
        } catch (PrivateKeyException | RuntimeException e) {
            Arrays.fill(key, (byte) 0);
            throw e;
        } finally {
            Arrays.fill(u, (byte) 0);
            Arrays.fill(t, (byte) 0);
            inner.reset();
            outer.reset();
        }
    }

    /** Writes HMAC(key, a || b) into {@code out}; {@code inner} and {@code outer} hold the keyed pads. */
    private static void hmac(MessageDigest inner, MessageDigest outer, byte[] out, byte[] a, byte[] b) {
        try {
            MessageDigest i = (MessageDigest) inner.clone();
            i.update(a);
            if (b != null) {
                i.update(b);
            }
            i.digest(out, 0, out.length);
            MessageDigest o = (MessageDigest) outer.clone();
            o.update(out);
            o.digest(out, 0, out.length);
        } catch (CloneNotSupportedException | java.security.DigestException e) {
            throw new IllegalStateException("the JDK's " + inner.getAlgorithm() + " cannot be cloned", e);
        }
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is mandatory in every JDK", e);
        }
    }
}
