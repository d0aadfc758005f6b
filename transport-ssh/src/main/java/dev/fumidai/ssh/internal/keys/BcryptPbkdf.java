// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Derives keys with {@code bcrypt_pbkdf}, the KDF of encrypted {@code openssh-key-v1} private keys (OpenSSH
 * {@code PROTOCOL.key}; the function is OpenBSD's {@code bcrypt_pbkdf(3)}: PBKDF2-like rounds whose PRF is a
 * Blowfish-based "bcrypt hash" of SHA-512 digests, with the output bytes spread across blocks).
 *
 * <p>Neither the JDK nor {@code bcprov} provides it, so it is written here from the published algorithm.
 * Blowfish's initial state is the fractional hexadecimal digits of π (Schneier 1993); rather than embed a
 * table, the digits are computed once with Machin's formula ({@link #initialState}).
 *
 * <p>Thread-safe: every call works on its own state.
 */
final class BcryptPbkdf {

    /** Words of Blowfish state: 18 P-array entries and 4 S-boxes of 256. */
    private static final int STATE_WORDS = 18 + 4 * 256;
    /** Output size of one bcrypt hash, in bytes (OpenBSD {@code BCRYPT_HASHSIZE}). */
    private static final int HASH_SIZE = 32;
    /** The 32-byte block bcrypt_hash encrypts 64 times (OpenBSD {@code bcrypt_pbkdf.c}). */
    private static final byte[] MAGIC = "OxychromaticBlowfishSwatDynamite".getBytes(StandardCharsets.US_ASCII);
    /** Upper bound on rounds accepted from a key file; OpenSSH's default is 16 and ssh-keygen -a rarely exceeds 500. */
    static final int MAX_ROUNDS = 100_000;

    private static volatile int[] initial;

    private BcryptPbkdf() {
    }

    /** Derives {@code keyLength} bytes from a passphrase and salt with the given number of rounds. */
    static byte[] derive(byte[] passphrase, byte[] salt, int rounds, int keyLength) {
        try {
            return derive(passphrase, salt, rounds, keyLength, KdfDeadline.NONE);
        } catch (PrivateKeyException e) {
            throw new IllegalStateException("a deadline that never passes passed", e);
        }
    }

    /**
     * Derives {@code keyLength} bytes from a passphrase and salt with the given number of rounds, checking the
     * deadline after every round (one round is one bcrypt hash: milliseconds).
     */
    static byte[] derive(byte[] passphrase, byte[] salt, int rounds, int keyLength, KdfDeadline deadline)
            throws PrivateKeyException {
        if (rounds < 1 || rounds > MAX_ROUNDS || keyLength < 1 || keyLength > HASH_SIZE * HASH_SIZE
                || salt.length == 0 || salt.length > 1024) {
            throw new IllegalArgumentException("bcrypt_pbkdf parameters out of range");
        }
        MessageDigest sha512 = sha512();
        byte[] sha2pass = sha512.digest(passphrase);
        int stride = (keyLength + HASH_SIZE - 1) / HASH_SIZE;
        byte[] key = new byte[keyLength];
        byte[] countSalt = Arrays.copyOf(salt, salt.length + 4);
        int[] state = new int[STATE_WORDS];
        byte[] out = new byte[HASH_SIZE];
        byte[] tmp = new byte[HASH_SIZE];
        int remaining = keyLength;
        try {
            for (int count = 1; remaining > 0; count++) {
                countSalt[salt.length] = (byte) (count >>> 24);
                countSalt[salt.length + 1] = (byte) (count >>> 16);
                countSalt[salt.length + 2] = (byte) (count >>> 8);
                countSalt[salt.length + 3] = (byte) count;
                byte[] sha2salt = sha512.digest(countSalt);
                bcryptHash(state, sha2pass, sha2salt, tmp);
                System.arraycopy(tmp, 0, out, 0, HASH_SIZE);
                for (int r = 1; r < rounds; r++) {
                    deadline.check();
                    sha2salt = sha512.digest(tmp);
                    bcryptHash(state, sha2pass, sha2salt, tmp);
                    for (int j = 0; j < HASH_SIZE; j++) {
                        out[j] ^= tmp[j];
                    }
                }
                int written = 0;
                for (int i = 0; i < HASH_SIZE; i++) {
                    int dest = i * stride + (count - 1);
                    if (dest >= keyLength) {
                        break;
                    }
                    key[dest] = out[i];
                    written++;
                }
                remaining -= written;
            }
        } catch (PrivateKeyException | RuntimeException e) {
            Arrays.fill(key, (byte) 0);
            throw e;
        } finally {
            Arrays.fill(sha2pass, (byte) 0);
            Arrays.fill(out, (byte) 0);
            Arrays.fill(tmp, (byte) 0);
            Arrays.fill(state, 0);
        }
        return key;
    }

    private static void bcryptHash(int[] state, byte[] sha2pass, byte[] sha2salt, byte[] out) {
        System.arraycopy(initialState(), 0, state, 0, STATE_WORDS);
        expandState(state, sha2salt, sha2pass);
        for (int i = 0; i < 64; i++) {
            expand0State(state, sha2salt);
            expand0State(state, sha2pass);
        }
        int[] cdata = new int[8];
        int[] pos = {0};
        for (int i = 0; i < 8; i++) {
            cdata[i] = streamToWord(MAGIC, pos);
        }
        int[] lr = new int[2];
        for (int i = 0; i < 64; i++) {
            for (int b = 0; b < 8; b += 2) {
                lr[0] = cdata[b];
                lr[1] = cdata[b + 1];
                encipher(state, lr);
                cdata[b] = lr[0];
                cdata[b + 1] = lr[1];
            }
        }
        for (int i = 0; i < 8; i++) { // little-endian output, as bcrypt_pbkdf.c writes it
            out[4 * i + 3] = (byte) (cdata[i] >>> 24);
            out[4 * i + 2] = (byte) (cdata[i] >>> 16);
            out[4 * i + 1] = (byte) (cdata[i] >>> 8);
            out[4 * i] = (byte) cdata[i];
        }
    }

    /** Blowfish_expandstate: keys the P-array with {@code key}, then re-encrypts the state mixing in {@code data}. */
    private static void expandState(int[] state, byte[] data, byte[] key) {
        int[] pos = {0};
        for (int i = 0; i < 18; i++) {
            state[i] ^= streamToWord(key, pos);
        }
        pos[0] = 0;
        int[] lr = new int[2];
        for (int i = 0; i < STATE_WORDS; i += 2) {
            lr[0] ^= streamToWord(data, pos);
            lr[1] ^= streamToWord(data, pos);
            encipher(state, lr);
            state[i] = lr[0];
            state[i + 1] = lr[1];
        }
    }

    /** Blowfish_expand0state: the standard Blowfish key schedule with {@code key}. */
    private static void expand0State(int[] state, byte[] key) {
        int[] pos = {0};
        for (int i = 0; i < 18; i++) {
            state[i] ^= streamToWord(key, pos);
        }
        int[] lr = new int[2];
        for (int i = 0; i < STATE_WORDS; i += 2) {
            encipher(state, lr);
            state[i] = lr[0];
            state[i + 1] = lr[1];
        }
    }

    private static void encipher(int[] s, int[] lr) {
        int l = lr[0] ^ s[0];
        int r = lr[1];
        for (int i = 1; i <= 16; i += 2) {
            r ^= f(s, l) ^ s[i];
            l ^= f(s, r) ^ s[i + 1];
        }
        lr[0] = r ^ s[17];
        lr[1] = l;
    }

    private static int f(int[] s, int x) {
        return ((s[18 + (x >>> 24)] + s[18 + 256 + ((x >>> 16) & 0xff)]) ^ s[18 + 512 + ((x >>> 8) & 0xff)])
                + s[18 + 768 + (x & 0xff)];
    }

    /** Reads 4 bytes big-endian from {@code data}, wrapping around at its end (OpenBSD {@code Blowfish_stream2word}). */
    private static int streamToWord(byte[] data, int[] pos) {
        int word = 0;
        int j = pos[0];
        for (int i = 0; i < 4; i++) {
            if (j >= data.length) {
                j = 0;
            }
            word = (word << 8) | (data[j] & 0xff);
            j++;
        }
        pos[0] = j;
        return word;
    }

    /**
     * Returns Blowfish's initial P-array and S-boxes: the first 1042 32-bit words of the fractional part of π
     * in hexadecimal, computed as π = 16·atan(1/5) − 4·atan(1/239) in fixed point with 64 guard bits.
     */
    static int[] initialState() {
        int[] s = initial;
        if (s == null) {
            int bits = STATE_WORDS * 32 + 64;
            BigInteger one = BigInteger.ONE.shiftLeft(bits);
            BigInteger pi = arctanInverse(5, one).shiftLeft(4).subtract(arctanInverse(239, one).shiftLeft(2));
            BigInteger fraction = pi.subtract(BigInteger.valueOf(3).shiftLeft(bits)).shiftRight(64);
            s = new int[STATE_WORDS];
            for (int i = 0; i < STATE_WORDS; i++) {
                s[i] = fraction.shiftRight((STATE_WORDS - 1 - i) * 32).intValue();
            }
            initial = s;
        }
        return s;
    }

    private static BigInteger arctanInverse(int x, BigInteger one) {
        BigInteger x2 = BigInteger.valueOf((long) x * x);
        BigInteger term = one.divide(BigInteger.valueOf(x));
        BigInteger sum = BigInteger.ZERO;
        for (int k = 0; term.signum() != 0; k++) {
            BigInteger part = term.divide(BigInteger.valueOf(2L * k + 1));
            sum = (k & 1) == 0 ? sum.add(part) : sum.subtract(part);
            term = term.divide(x2);
        }
        return sum;
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is mandatory in every JDK", e);
        }
    }
}
