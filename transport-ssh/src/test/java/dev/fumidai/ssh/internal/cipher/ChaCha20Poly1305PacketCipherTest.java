// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks both keystreams of {@link ChaCha20Poly1305PacketCipher} (the JDK's, {@code true}, and ours, {@link ChaCha20})
 * on the independent known answer of {@link PacketCipherTest} (pyca/cryptography, {@code kat/packet-ciphers.py}),
 * on tampered tags, and on one sequence number sealed twice in a row.
 */
class ChaCha20Poly1305PacketCipherTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String PLAIN = "0000001806050000000c7373682d7573657261757468a5a5a5a5a5a5";
    private static final String SEALED = "a39afcb22e4315434e8f592d0440ce83b2fdb25940da9593db4698266a41e4a7"
            + "ffc3112a72d36f8dafaf1239";

    @ParameterizedTest(name = "jdk {0}")
    @ValueSource(booleans = {true, false})
    void sealsTheKnownAnswerAndOpensIt(boolean jdk) throws GeneralSecurityException {
        byte[] plain = HEX.parseHex(PLAIN);
        byte[] buf = Arrays.copyOf(plain, plain.length + 16);
        new ChaCha20Poly1305PacketCipher(PacketCipherTest.range(0, 64), jdk).seal(7, buf, 0, plain.length - 4);
        assertEquals(SEALED, HEX.formatHex(buf));
        PacketCipher opener = new ChaCha20Poly1305PacketCipher(PacketCipherTest.range(0, 64), jdk);
        assertEquals(plain.length - 4, opener.decryptLength(7, buf, 0));
        opener.open(7, buf, 0, plain.length - 4);
        assertEquals(PLAIN, HEX.formatHex(Arrays.copyOf(buf, plain.length)));
    }

    @ParameterizedTest(name = "jdk {0}")
    @ValueSource(booleans = {true, false})
    void everyFlippedTagBitFailsAndLeavesThePacketAsItWas(boolean jdk) {
        byte[] sealed = HEX.parseHex(SEALED);
        PacketCipher opener = new ChaCha20Poly1305PacketCipher(PacketCipherTest.range(0, 64), jdk);
        for (int bit = 0; bit < 128; bit++) {
            byte[] buf = sealed.clone();
            buf[sealed.length - 16 + bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] before = buf.clone();
            int length = opener.decryptLength(7, buf, 0);
            assertEquals(0x18, length);
            assertThrows(GeneralSecurityException.class, () -> opener.open(7, buf, 0, length), "tag bit " + bit);
            assertArrayEquals(before, buf, "tag bit " + bit);
        }
    }

    @ParameterizedTest(name = "jdk {0}")
    @ValueSource(booleans = {true, false})
    void aTagOfAnotherPacketFails(boolean jdk) throws GeneralSecurityException {
        byte[] key = PacketCipherTest.range(0, 64);
        PacketCipher sealer = new ChaCha20Poly1305PacketCipher(key, jdk);
        byte[] a = new byte[4 + 32 + 16];
        a[3] = 32;
        byte[] b = a.clone();
        b[10] = 1;
        sealer.seal(3, a, 0, 32);
        sealer.seal(4, b, 0, 32);
        System.arraycopy(b, 36, a, 36, 16);
        PacketCipher opener = new ChaCha20Poly1305PacketCipher(key, jdk);
        opener.decryptLength(3, a, 0);
        assertThrows(GeneralSecurityException.class, () -> opener.open(3, a, 0, 32));
    }

    /**
     * Java 17's SunJCE refuses to init a ChaCha20 cipher with the key and nonce of its previous init; the JDK
     * keystream inits with another nonce in between. Without that, the second seal throws.
     */
    @ParameterizedTest(name = "jdk {0}")
    @ValueSource(booleans = {true, false})
    void sealsOneSequenceNumberTwiceInARowTheSameWay(boolean jdk) throws GeneralSecurityException {
        PacketCipher sealer = new ChaCha20Poly1305PacketCipher(PacketCipherTest.range(0, 64), jdk);
        PacketCipher opener = new ChaCha20Poly1305PacketCipher(PacketCipherTest.range(0, 64), jdk);
        byte[] plain = HEX.parseHex(PLAIN);
        for (int i = 0; i < 3; i++) {
            byte[] buf = Arrays.copyOf(plain, plain.length + 16);
            sealer.seal(7, buf, 0, plain.length - 4);
            assertEquals(SEALED, HEX.formatHex(buf), "seal " + i);
            opener.decryptLength(7, buf, 0);
            opener.open(7, buf, 0, plain.length - 4);
            assertEquals(PLAIN, HEX.formatHex(Arrays.copyOf(buf, plain.length)), "open " + i);
        }
    }

    @ParameterizedTest(name = "jdk {0}")
    @ValueSource(booleans = {true, false})
    void refusesAKeyOfAnotherLength(boolean jdk) {
        assertThrows(IllegalArgumentException.class, () -> new ChaCha20Poly1305PacketCipher(new byte[32], jdk));
    }
}
