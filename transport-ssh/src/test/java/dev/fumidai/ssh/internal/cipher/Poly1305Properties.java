// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link Poly1305} with Bouncy Castle's {@link org.bouncycastle.crypto.macs.Poly1305} on random keys and
 * messages of 0 to 70000 bytes, fed in random pieces. Keys and messages are drawn in four styles: random bytes,
 * all 0xff (every limb at its top: r clamped to its largest value, s = 2^128 - 1, message blocks of 2^128 - 1 that
 * push the accumulator next to p), all zero, and random bytes with runs of 0xff.
 */
class Poly1305Properties {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void agreesWithBouncyCastle() {
        PropertyCheck.forAll(300, Gens.ints(0, 70000), Gens.ints(0, 3), Gens.ints(0, 3), Gens.longs(),
                this::agreesWithBouncyCastle);
    }

    @Test
    void agreesWithBouncyCastleOnShortMessages() {
        PropertyCheck.forAll(2000, Gens.ints(0, 200), Gens.ints(0, 3), Gens.ints(0, 3), Gens.longs(),
                this::agreesWithBouncyCastle);
    }

    /**
     * Every length from 0 to 1100 bytes in one piece with r at its clamped maximum and every message byte 0xff,
     * and with r at its maximum and messages of 0xff and 0x00 blocks in turn: the limb products and their high
     * halves at their largest, the accumulator's carries at every limb.
     */
    @Test
    void agreesWithBouncyCastleWithEveryLimbAtItsTop() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0xff);
        byte[] ones = new byte[1100];
        Arrays.fill(ones, (byte) 0xff);
        byte[] striped = new byte[1100];
        for (int i = 0; i < striped.length; i += 32) {
            Arrays.fill(striped, i, Math.min(striped.length, i + 16), (byte) 0xff);
        }
        for (byte[] message : new byte[][] {ones, striped}) {
            for (int length = 0; length <= message.length; length++) {
                org.bouncycastle.crypto.macs.Poly1305 reference = new org.bouncycastle.crypto.macs.Poly1305();
                reference.init(new KeyParameter(key));
                reference.update(message, 0, length);
                byte[] expected = new byte[16];
                reference.doFinal(expected, 0);
                Poly1305 ours = new Poly1305();
                ours.init(key, 0);
                ours.update(message, 0, length);
                byte[] actual = new byte[16];
                ours.doFinal(actual, 0);
                assertEquals(HEX.formatHex(expected), HEX.formatHex(actual), "length " + length);
            }
        }
    }

    private void agreesWithBouncyCastle(int length, int keyStyle, int messageStyle, long seed) {
        Random random = new Random(seed);
        byte[] key = fill(new byte[32], keyStyle, random);
        int off = random.nextInt(9);
        byte[] message = new byte[off + length + random.nextInt(9)];
        fill(message, messageStyle, random);

        org.bouncycastle.crypto.macs.Poly1305 reference = new org.bouncycastle.crypto.macs.Poly1305();
        reference.init(new KeyParameter(key));
        reference.update(message, off, length);
        byte[] expected = new byte[16];
        reference.doFinal(expected, 0);

        Poly1305 ours = new Poly1305();
        ours.init(key, 0);
        for (int done = 0; done < length;) {
            int n = Math.min(length - done, random.nextBoolean() ? 1 + random.nextInt(40) : random.nextInt(9000));
            ours.update(message, off + done, n);
            done += n;
        }
        byte[] actual = new byte[16];
        ours.doFinal(actual, 0);
        assertEquals(HEX.formatHex(expected), HEX.formatHex(actual));
    }

    private static byte[] fill(byte[] a, int style, Random random) {
        switch (style) {
            case 0 -> random.nextBytes(a);
            case 1 -> Arrays.fill(a, (byte) 0xff);
            case 2 -> Arrays.fill(a, (byte) 0);
            default -> {
                random.nextBytes(a);
                for (int i = 0; i < a.length; i += 1 + random.nextInt(64)) {
                    Arrays.fill(a, i, Math.min(a.length, i + random.nextInt(48)), (byte) 0xff);
                }
            }
        }
        return a;
    }
}
