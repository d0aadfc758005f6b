// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Compares {@link ChaCha20Poly1305PacketCipher}, on the JDK's ChaCha20 and on ours ({@link ChaCha20}), with the
 * implementation it replaced ({@link BouncyCastleChaCha20Poly1305Reference}, all Bouncy Castle) over runs of packets
 * of random sizes, at random offsets, with sequence numbers drawn from the whole {@code long} range and around the
 * 32-bit and 64-bit wraps, one sequence number sometimes used twice in a row (as a test or benchmark may): the
 * sealed bytes are equal, each side opens what the other sealed, and a packet with one flipped bit (in the length,
 * the payload or the tag) does not open.
 */
class ChaCha20Poly1305PacketCipherProperties {

    private static final HexFormat HEX = HexFormat.of();

    static Gen<Long> sequences() {
        return Gens.of(0L, 1L, 0xfffffffeL, 0xffffffffL, 0x100000000L, 0x100000001L, Long.MAX_VALUE, Long.MIN_VALUE,
                -2L, -1L, 0x7fffffffL, 0x80000000L)
                .mix(Gens.longs(), 50);
    }

    @Test
    void sealsLikeTheBouncyCastleImplementationAndOpensBothWays() {
        PropertyCheck.forAll(150, Gens.booleans(), sequences(), Gens.lists(Gens.ints(0, 70000), 1, 4), Gens.longs(),
                this::sealsLikeTheBouncyCastleImplementationAndOpensBothWays);
    }

    @Test
    void sealsLikeTheBouncyCastleImplementationOnSmallPackets() {
        PropertyCheck.forAll(500, Gens.booleans(), sequences(), Gens.lists(Gens.ints(0, 300), 1, 6), Gens.longs(),
                this::sealsLikeTheBouncyCastleImplementationAndOpensBothWays);
    }

    private void sealsLikeTheBouncyCastleImplementationAndOpensBothWays(boolean jdk, long firstSequence,
            List<Integer> packetLengths, long seed) throws GeneralSecurityException {
        Random random = new Random(seed);
        byte[] key = new byte[64];
        random.nextBytes(key);
        PacketCipher sealer = new ChaCha20Poly1305PacketCipher(key, jdk);
        PacketCipher opener = new ChaCha20Poly1305PacketCipher(key, jdk);
        PacketCipher referenceSealer = new BouncyCastleChaCha20Poly1305Reference(key);
        PacketCipher referenceOpener = new BouncyCastleChaCha20Poly1305Reference(key);
        long sequence = firstSequence;
        for (int packetLength : packetLengths) {
            int off = random.nextInt(20);
            byte[] plain = new byte[off + 4 + packetLength + 16 + random.nextInt(20)];
            random.nextBytes(plain);
            plain[off] = (byte) (packetLength >>> 24);
            plain[off + 1] = (byte) (packetLength >>> 16);
            plain[off + 2] = (byte) (packetLength >>> 8);
            plain[off + 3] = (byte) packetLength;

            byte[] ours = plain.clone();
            sealer.seal(sequence, ours, off, packetLength);
            byte[] reference = plain.clone();
            referenceSealer.seal(sequence, reference, off, packetLength);
            assertEquals(HEX.formatHex(reference), HEX.formatHex(ours), "sealed packet, sequence " + sequence);

            byte[] opened = reference.clone();
            assertEquals(packetLength, opener.decryptLength(sequence, opened, off));
            opener.open(sequence, opened, off, packetLength);
            assertArrayEquals(Arrays.copyOfRange(plain, off, off + 4 + packetLength),
                    Arrays.copyOfRange(opened, off, off + 4 + packetLength), "opened by ours");

            byte[] openedByReference = ours.clone();
            assertEquals(packetLength, referenceOpener.decryptLength(sequence, openedByReference, off));
            referenceOpener.open(sequence, openedByReference, off, packetLength);
            assertArrayEquals(Arrays.copyOfRange(plain, off, off + 4 + packetLength),
                    Arrays.copyOfRange(openedByReference, off, off + 4 + packetLength), "opened by the reference");

            byte[] tampered = ours.clone();
            int bit = random.nextInt((4 + packetLength + 16) * 8);
            tampered[off + bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] before = tampered.clone();
            long s = sequence;
            opener.decryptLength(s, tampered, off);
            assertThrows(GeneralSecurityException.class, () -> opener.open(s, tampered, off, packetLength),
                    "bit " + bit + " flipped");
            assertArrayEquals(before, tampered, "a packet that failed its tag is left as it was");

            if (random.nextInt(4) > 0) {
                sequence++;
            }
        }
    }
}
