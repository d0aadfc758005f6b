// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.engines.ChaChaEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Compares our {@link ChaCha20} with Bouncy Castle's original ChaCha20 ({@link ChaChaEngine}) on random keys and
 * nonces, starting counters (among them ones just below 2^32, where the 64-bit counter carries into state word
 * 13), lengths of 0 to 70000 bytes, in random pieces, in place and out of place: every
 * number of lanes from 1 to {@link ChaCha20#LANES} and every partial-block position is reached.
 */
class ChaCha20Properties {

    private static final HexFormat HEX = HexFormat.of();

    static Gen<Long> counters() {
        return Gens.of(0L, 1L, 0xffffffffL - 70, 0xfffffffeL, 0xffffffffL, (1L << 40) - 3)
                .mix(Gens.longs(0, 1L << 40), 50);
    }

    @Test
    void agreesWithBouncyCastle() {
        PropertyCheck.forAll(300, Gens.ints(0, 70000), counters(), Gens.booleans(), Gens.longs(),
                this::agreesWithBouncyCastle);
    }

    @Test
    void agreesWithBouncyCastleOnShortRuns() {
        PropertyCheck.forAll(1000, Gens.ints(0, 300), counters(), Gens.booleans(), Gens.longs(),
                this::agreesWithBouncyCastle);
    }

    private void agreesWithBouncyCastle(int length, long counter, boolean inPlace, long seed) {
        Random random = new Random(seed);
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] nonce = new byte[8];
        random.nextBytes(nonce);
        byte[] input = new byte[length];
        random.nextBytes(input);

        byte[] expected = reference(key, nonce, counter, input);

        ChaCha20 ours = new ChaCha20(key, 0);
        ours.start(nonce, 0, counter);
        int off = random.nextInt(5);
        byte[] out = new byte[off + length];
        byte[] in = new byte[off + length];
        System.arraycopy(input, 0, in, off, length);
        for (int done = 0; done < length;) {
            int n = Math.min(length - done, random.nextBoolean() ? random.nextInt(70) : random.nextInt(9000));
            if (inPlace) {
                ours.apply(in, off + done, n, in, off + done);
            } else {
                ours.apply(in, off + done, n, out, off + done);
            }
            done += n;
        }
        byte[] actual = java.util.Arrays.copyOfRange(inPlace ? in : out, off, off + length);
        assertEquals(HEX.formatHex(expected), HEX.formatHex(actual));
    }

    /**
     * Encrypts with Bouncy Castle's {@link ChaChaEngine} from counter 0, or, for a later starting counter (which
     * that engine cannot seek to), block by block with the JDK's RFC 8439 ChaCha20: the original cipher's block
     * with 64-bit counter c and nonce N is RFC 8439's with counter {@code (int) c} and nonce
     * {@code le32(c >>> 32) ‖ N}.
     */
    static byte[] reference(byte[] key, byte[] nonce, long counter, byte[] input) {
        byte[] out = new byte[input.length];
        if (counter == 0) {
            ChaChaEngine engine = new ChaChaEngine();
            engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
            engine.processBytes(input, 0, input.length, out, 0);
            return out;
        }
        try {
            javax.crypto.spec.SecretKeySpec k = new javax.crypto.spec.SecretKeySpec(key, "ChaCha20");
            byte[] n = new byte[12];
            System.arraycopy(nonce, 0, n, 4, 8);
            for (int off = 0, block = 0; off < input.length; off += 64, block++) {
                long c = counter + block;
                java.nio.ByteBuffer.wrap(n, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) (c >>> 32));
                // A new instance per block: Java 17's SunJCE refuses an init with the previous key and nonce.
                javax.crypto.Cipher jdk = javax.crypto.Cipher.getInstance("ChaCha20", "SunJCE");
                jdk.init(javax.crypto.Cipher.ENCRYPT_MODE, k, new javax.crypto.spec.ChaCha20ParameterSpec(n, (int) c));
                int len = Math.min(64, input.length - off);
                jdk.doFinal(input, off, len, out, off);
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
