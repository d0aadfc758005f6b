// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks AES-CTR + HMAC packets larger than the cipher's scratch chunk against the JDK primitives used out of
 * place, over several packets (the CTR stream continues), and that sealing and opening in place no longer
 * allocates a copy of the packet.
 */
class CipherMacPacketCipherTest {

    private static final byte[] KEY = new Random(1).ints(16).collect(() -> new byte[16], (b, i) -> { }, (a, b) -> { });

    private static byte[] bytes(int seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Builds a plaintext packet (length, padding length, payload, padding) with room for the tag. */
    private static byte[] packet(int payload, boolean etm, int tag, int seed) {
        int unpadded = (etm ? 0 : 4) + 1 + payload;
        int pad = 16 - unpadded % 16;
        pad = pad < 4 ? pad + 16 : pad;
        int packetLength = 1 + payload + pad;
        byte[] a = new byte[4 + packetLength + tag];
        byte[] random = bytes(seed, packetLength - 1);
        System.arraycopy(random, 0, a, 5, random.length);
        a[0] = (byte) (packetLength >>> 24);
        a[1] = (byte) (packetLength >>> 16);
        a[2] = (byte) (packetLength >>> 8);
        a[3] = (byte) packetLength;
        a[4] = (byte) pad;
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {CipherAlgorithms.HMAC_SHA2_256_ETM, CipherAlgorithms.HMAC_SHA2_512,
            CipherAlgorithms.HMAC_SHA2_256})
    void largePacketsMatchTheJdkPrimitivesOutOfPlace(String macName) throws Exception {
        CipherAlgorithms.MacSpec macSpec = CipherAlgorithms.mac(macName).orElseThrow();
        CipherAlgorithms.CipherSpec aes = CipherAlgorithms.cipher(CipherAlgorithms.AES128_CTR).orElseThrow();
        byte[] key = bytes(2, 16);
        byte[] iv = bytes(3, 16);
        byte[] macKey = bytes(4, macSpec.keyLength());
        PacketCipher sealer = CipherAlgorithms.create(aes, macSpec, key, iv, macKey, true);
        PacketCipher opener = CipherAlgorithms.create(aes, macSpec, key, iv, macKey, false);
        Cipher reference = Cipher.getInstance("AES/CTR/NoPadding");
        reference.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        Mac mac = Mac.getInstance(macSpec.jcaName());
        mac.init(new SecretKeySpec(macKey, macSpec.jcaName()));
        int tag = macSpec.keyLength();
        // Sizes around and well beyond the 16 KiB chunk, and one small packet between them.
        int[] payloads = {40_000, 100, 16 * 1024 - 5, 16 * 1024 + 7, 200_000};
        for (int seq = 0; seq < payloads.length; seq++) {
            byte[] plain = packet(payloads[seq], macSpec.etm(), tag, seq);
            int total = plain.length - tag;
            int packetLength = total - 4;
            byte[] expected = plain.clone();
            byte[] sequence = {0, 0, 0, (byte) seq};
            mac.update(sequence);
            if (macSpec.etm()) {
                reference.update(plain, 4, packetLength, expected, 4);
                mac.update(expected, 0, total);
            } else {
                mac.update(plain, 0, total);
                reference.update(plain, 0, total, expected, 0);
            }
            mac.doFinal(expected, total);

            byte[] a = new byte[plain.length + 8];
            System.arraycopy(plain, 0, a, 3, plain.length);
            sealer.seal(seq, a, 3, packetLength);
            assertArrayEquals(expected, Arrays.copyOfRange(a, 3, 3 + plain.length), "sealed packet " + seq);
            assertEquals(packetLength, opener.decryptLength(seq, a, 3));
            opener.open(seq, a, 3, packetLength);
            assertArrayEquals(Arrays.copyOfRange(plain, 0, total), Arrays.copyOfRange(a, 3, 3 + total),
                    "opened packet " + seq);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {CipherAlgorithms.HMAC_SHA2_256_ETM, CipherAlgorithms.HMAC_SHA2_256})
    void aFlippedTagBitFailsTheLargePacket(String macName) throws Exception {
        CipherAlgorithms.MacSpec macSpec = CipherAlgorithms.mac(macName).orElseThrow();
        CipherAlgorithms.CipherSpec aes = CipherAlgorithms.cipher(CipherAlgorithms.AES256_CTR).orElseThrow();
        byte[] key = bytes(5, 32);
        byte[] iv = bytes(6, 16);
        byte[] macKey = bytes(7, 32);
        PacketCipher sealer = CipherAlgorithms.create(aes, macSpec, key, iv, macKey, true);
        PacketCipher opener = CipherAlgorithms.create(aes, macSpec, key, iv, macKey, false);
        byte[] a = packet(50_000, macSpec.etm(), 32, 9);
        int packetLength = a.length - 32 - 4;
        sealer.seal(0, a, 0, packetLength);
        a[a.length - 1] ^= 0x40;
        int length = opener.decryptLength(0, a, 0);
        assertThrows(GeneralSecurityException.class, () -> opener.open(0, a, 0, length));
    }

    /**
     * JDK 17's {@code Cipher.update} copies its whole input into a new array when input and output are the
     * same array at the same offset; the cipher works through a scratch chunk instead. Before, a 32 KiB
     * packet's seal and open allocated about 64 KiB; now only the JDK's small per-call objects remain.
     */
    @ParameterizedTest
    @ValueSource(strings = {CipherAlgorithms.HMAC_SHA2_256_ETM, CipherAlgorithms.HMAC_SHA2_512})
    void sealAndOpenInPlaceDoNotCopyThePacket(String macName) throws Exception {
        CipherAlgorithms.MacSpec macSpec = CipherAlgorithms.mac(macName).orElseThrow();
        CipherAlgorithms.CipherSpec aes = CipherAlgorithms.cipher(CipherAlgorithms.AES128_CTR).orElseThrow();
        PacketCipher sealer = CipherAlgorithms.create(aes, macSpec, KEY, new byte[16], new byte[64], true);
        PacketCipher opener = CipherAlgorithms.create(aes, macSpec, KEY, new byte[16], new byte[64], false);
        byte[] a = packet(32 * 1024, macSpec.etm(), macSpec.keyLength(), 1);
        int packetLength = a.length - macSpec.keyLength() - 4;
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int packets = 50;
        for (int i = 0; i < 5; i++) {
            sealer.seal(i, a, 0, packetLength);
            opener.open(i, a, 0, opener.decryptLength(i, a, 0));
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 5; i < 5 + packets; i++) {
            sealer.seal(i, a, 0, packetLength);
            opener.open(i, a, 0, opener.decryptLength(i, a, 0));
        }
        long perPacket = (threads.getThreadAllocatedBytes(thread) - before) / packets;
        assertTrue(perPacket < 8 * 1024, "seal+open of a 32 KiB packet allocated " + perPacket + " bytes");
    }
}
