// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBufUtil;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks each packet cipher against known answers computed independently with pyca/cryptography (the script
 * is in {@code src/test/resources/kat/packet-ciphers.py}), then round trips and tag failures.
 */
class PacketCipherTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int SEQ = 7;

    static byte[] range(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    static PacketCipher create(String cipher, String mac, boolean encrypt) throws GeneralSecurityException {
        CipherAlgorithms.CipherSpec c = CipherAlgorithms.cipher(cipher).orElseThrow();
        CipherAlgorithms.MacSpec m = mac == null ? null : CipherAlgorithms.mac(mac).orElseThrow();
        byte[] key = c.keyLength() == 64 ? range(0, 64) : range(0, c.keyLength());
        byte[] iv = c.ivLength() == 12 ? range(100, 12) : range(200, c.ivLength());
        byte[] macKey = m == null ? null : range(0, m.keyLength());
        return CipherAlgorithms.create(c, m, key, iv, macKey, encrypt);
    }

    static Stream<Arguments> knownAnswers() {
        return Stream.of(
                Arguments.of(CipherAlgorithms.CHACHA20_POLY1305, null,
                        "0000001806050000000c7373682d7573657261757468a5a5a5a5a5a5",
                        "a39afcb22e4315434e8f592d0440ce83b2fdb25940da9593db4698266a41e4a7ffc3112a72d36f8dafaf1239"),
                Arguments.of(CipherAlgorithms.AES128_GCM, null,
                        "000000200e050000000c7373682d7573657261757468a5a5a5a5a5a5a5a5a5a5a5a5a5a5",
                        "0000002014674ea5db0ecb89f3132263e3b84a9944e0dd5a370c78ff51ca143219575256b819557eed033f0614"
                                + "ef1eafcb94461b"),
                Arguments.of(CipherAlgorithms.AES128_CTR, CipherAlgorithms.HMAC_SHA2_256,
                        "0000001c0a050000000c7373682d7573657261757468a5a5a5a5a5a5a5a5a5a5",
                        "0c971d6697ae52bb9b3fa4af10df1dec21e4525c22d334f5326e2d01263b853da47f54f42eaeb67769027d6052"
                                + "c3811bc835aa3d30043e676ee92778db572073"),
                Arguments.of(CipherAlgorithms.AES128_CTR, CipherAlgorithms.HMAC_SHA2_256_ETM,
                        "000000200e050000000c7373682d7573657261757468a5a5a5a5a5a5a5a5a5a5a5a5a5a5",
                        "0000002002921d7a9da721c8f31ea2af1d8009ea30fe968cf31e34f5326e2d01263b853df4ca30ddee41e362ae"
                                + "cd6112dbce715ea21f277e6a5eec9af21dab785ae13c0e"));
    }

    @ParameterizedTest
    @MethodSource("knownAnswers")
    void sealMatchesIndependentImplementationAndOpens(String cipher, String mac, String plainHex, String sealedHex)
            throws GeneralSecurityException {
        byte[] plain = HEX.parseHex(plainHex);
        PacketCipher sealer = create(cipher, mac, true);
        byte[] buf = Arrays.copyOf(plain, plain.length + sealer.tagLength());
        sealer.seal(SEQ, buf, 0, plain.length - 4);
        assertEquals(sealedHex, HEX.formatHex(buf));

        PacketCipher opener = create(cipher, mac, false);
        byte[] in = new byte[buf.length + 3];
        System.arraycopy(buf, 0, in, 3, buf.length);
        int length = opener.decryptLength(SEQ, in, 3);
        assertEquals(plain.length - 4, length);
        opener.open(SEQ, in, 3, length);
        assertArrayEquals(plain, Arrays.copyOfRange(in, 3, 3 + plain.length));
    }

    /**
     * Issue #14: AES-GCM opens into another array (the JDK's combined intrinsic is not used in place). Opening out
     * of place gives what opening in place gives, for every cipher (the others copy first), packet after packet,
     * at offsets, with packets as large as a channel's; a flipped bit still fails.
     */
    @ParameterizedTest
    @MethodSource("allCombinations")
    void openingIntoAnotherArrayGivesThePacketOpenedInPlace(String cipher, String mac) throws GeneralSecurityException {
        PacketCipher sealer = create(cipher, mac, true);
        PacketCipher inPlace = create(cipher, mac, false);
        PacketCipher outOfPlace = create(cipher, mac, false);
        // 4 + each is a multiple of 16; without the length field in the alignment, each + 4 is.
        int[] lengths = {60, 32 * 1024 + 12, 28};
        for (int seq = 0; seq < lengths.length; seq++) {
            int packetLength = lengths[seq] + (sealer.isLengthExcludedFromAlignment() ? 4 : 0);
            byte[] plain = range(seq, 4 + packetLength);
            Bytes.putInt(plain, 0, packetLength);
            byte[] sealed = Arrays.copyOf(plain, plain.length + sealer.tagLength());
            sealer.seal(seq, sealed, 0, packetLength);

            byte[] a = sealed.clone();
            assertEquals(packetLength, inPlace.decryptLength(seq, a, 0));
            inPlace.open(seq, a, 0, packetLength);

            byte[] src = new byte[5 + sealed.length];
            System.arraycopy(sealed, 0, src, 5, sealed.length);
            byte[] dst = new byte[3 + sealed.length];
            assertEquals(packetLength, outOfPlace.decryptLength(seq, src, 5));
            outOfPlace.open(seq, src, 5, dst, 3, packetLength);
            assertArrayEquals(plain, Arrays.copyOfRange(dst, 3, 3 + plain.length), cipher + " packet " + seq);
            assertArrayEquals(Arrays.copyOf(a, plain.length), Arrays.copyOfRange(dst, 3, 3 + plain.length));
        }
        byte[] buf = new byte[4 + 64 + sealer.tagLength()];
        buf[3] = 64;
        sealer.seal(lengths.length, buf, 0, 64);
        buf[40] ^= 1;
        outOfPlace.decryptLength(lengths.length, buf, 0);
        byte[] dst = new byte[buf.length];
        assertThrows(GeneralSecurityException.class, () -> outOfPlace.open(lengths.length, buf, 0, dst, 0, 64));
    }

    static Stream<Arguments> allCombinations() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String c : CipherAlgorithms.DEFAULT_CIPHERS) {
            if (CipherAlgorithms.cipher(c).orElseThrow().aead()) {
                b.add(Arguments.of(c, null));
            } else {
                for (String m : CipherAlgorithms.SUPPORTED_MACS) {
                    b.add(Arguments.of(c, m));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest
    @MethodSource("allCombinations")
    void consecutivePacketsRoundTripAndAFlippedBitFails(String cipher, String mac) throws GeneralSecurityException {
        PacketCipher sealer = create(cipher, mac, true);
        PacketCipher opener = create(cipher, mac, false);
        for (int seq = 0; seq < 5; seq++) {
            int packetLength = 64 + seq * 16;
            byte[] plain = range(seq, 4 + packetLength);
            plain[0] = 0;
            plain[1] = 0;
            plain[2] = (byte) (packetLength >>> 8);
            plain[3] = (byte) packetLength;
            byte[] buf = Arrays.copyOf(plain, plain.length + sealer.tagLength());
            sealer.seal(seq, buf, 0, packetLength);
            assertEquals(packetLength, opener.decryptLength(seq, buf, 0));
            opener.open(seq, buf, 0, packetLength);
            assertArrayEquals(plain, Arrays.copyOf(buf, plain.length), ByteBufUtil.hexDump(buf));
        }
        byte[] buf = new byte[4 + 64 + sealer.tagLength()];
        buf[3] = 64;
        sealer.seal(5, buf, 0, 64);
        buf[40] ^= 1;
        opener.decryptLength(5, buf, 0);
        assertThrows(GeneralSecurityException.class, () -> opener.open(5, buf, 0, 64));
    }

    @Test
    void wrongSequenceNumberFailsTheMac() throws GeneralSecurityException {
        PacketCipher sealer = create(CipherAlgorithms.CHACHA20_POLY1305, null, true);
        PacketCipher opener = create(CipherAlgorithms.CHACHA20_POLY1305, null, false);
        byte[] buf = new byte[4 + 32 + 16];
        buf[3] = 32;
        sealer.seal(1, buf, 0, 32);
        opener.decryptLength(2, buf, 0);
        assertThrows(GeneralSecurityException.class, () -> opener.open(2, buf, 0, 32));
    }
}
