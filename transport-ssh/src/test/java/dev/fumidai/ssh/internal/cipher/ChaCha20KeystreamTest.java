// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the ChaCha20 keystreams of {@link ChaCha20Poly1305PacketCipher} against RFC 8439's vectors (§2.3.2,
 * §2.4.2, Appendix A.1 and A.2; hex copied from the RFC's text and checked with pyca/cryptography).
 *
 * <p>The packet cipher reaches only nonces of the form {@code 0^8 ‖ uint32 sequence}. The vectors whose nonce has
 * that form (all of A.1 and A.2) run through both keystreams, the JDK's and ours ({@link ChaCha20}), with the
 * nonce given as the sequence number, which checks the nonce and counter mapping of the class comment; a counter
 * above 0 is reached by taking that many 64-byte blocks of keystream first, in random pieces. §2.3.2 and §2.4.2 use nonces
 * outside that form and run, with the A vectors, through the JDK's RFC 8439 {@code ChaCha20} directly (to check
 * that the provider is RFC 8439's) and through {@link ChaCha20} directly (whose 64-bit counter reaches them).
 */
class ChaCha20KeystreamTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String KEY_0 = "00".repeat(32);
    private static final String KEY_1 = "00".repeat(31) + "01";
    private static final String KEY_RANGE = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private static final String KEY_A23 = "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0";
    private static final String IETF = "416e79207375626d697373696f6e20746f20746865204945544620696e74656e6465642062"
            + "792074686520436f6e7472696275746f7220666f72207075626c69636174696f6e20617320616c6c206f72207061727420"
            + "6f6620616e204945544620496e7465726e65742d4472616674206f722052464320616e6420616e792073746174656d656e"
            + "74206d6164652077697468696e2074686520636f6e74657874206f6620616e204945544620616374697669747920697320"
            + "636f6e7369646572656420616e20224945544620436f6e747269627574696f6e222e20537563682073746174656d656e74"
            + "7320696e636c756465206f72616c2073746174656d656e747320696e20494554462073657373696f6e732c206173207765"
            + "6c6c206173207772697474656e20616e6420656c656374726f6e696320636f6d6d756e69636174696f6e73206d61646520"
            + "617420616e792074696d65206f7220706c6163652c207768696368206172652061646472657373656420746f";
    private static final String IETF_CT = "a3fbf07df3fa2fde4f376ca23e82737041605d9f4f4f57bd8cff2c1d4b7955ec2a97948b"
            + "d3722915c8f3d337f7d370050e9e96d647b7c39f56e031ca5eb6250d4042e02785ececfa4b4bb5e8ead0440e20b6e8db09d8"
            + "81a7c6132f420e52795042bdfa7773d8a9051447b3291ce1411c680465552aa6c405b7764d5e87bea85ad00f8449ed8f72d0"
            + "d662ab052691ca66424bc86d2df80ea41f43abf937d3259dc4b2d0dfb48a6c9139ddd7f76966e928e635553ba76c5c879d7b"
            + "35d49eb2e62b0871cdac638939e25e8a1e0ef9d5280fa8ca328b351c3c765989cbcf3daa8b6ccc3aaf9f3979c92b3720fc88"
            + "dc95ed84a1be059c6499b9fda236e7e818b04b0bc39c1e876b193bfe5569753f88128cc08aaa9b63d1a16f80ef2554d7189c"
            + "411f5869ca52c5b83fa36ff216b9c1d30062bebcfd2dc5bce0911934fda79a86f6e698ced759c3ff9b6477338f3da4f9cd85"
            + "14ea9982ccafb341b2384dd902f3d1ab7ac61dd29c6f21ba5b862f3730e37cfdc4fd806c22f221";
    private static final String JABBERWOCKY = "2754776173206272696c6c69672c20616e642074686520736c6974687920746f76"
            + "65730a446964206779726520616e642067696d626c6520696e2074686520776162653a0a416c6c206d696d73792077657265"
            + "2074686520626f726f676f7665732c0a416e6420746865206d6f6d65207261746873206f757467726162652e";
    private static final String JABBERWOCKY_CT = "62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf16"
            + "6d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553ebf39c6402c42234e32a356b3e764312a61a5532"
            + "055716ead6962568f87d3f3f7704c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1";
    private static final String SUNSCREEN = HEX.formatHex(("Ladies and Gentlemen of the class of '99: If I could"
            + " offer you only one tip for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII));

    /** RFC 8439 vectors with a nonce {@code 0^8 ‖ uint32}: name, key, sequence (nonce 8-11), counter, in, out. */
    static Stream<Arguments> packetNonceVectors() {
        return Stream.of(
                Arguments.of("A.1 #1", KEY_0, 0, 0, "00".repeat(64),
                        "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                                + "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"),
                Arguments.of("A.1 #2", KEY_0, 0, 1, "00".repeat(64),
                        "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
                                + "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f"),
                Arguments.of("A.1 #3", KEY_1, 0, 1, "00".repeat(64),
                        "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
                                + "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0"),
                Arguments.of("A.1 #4", "00ff" + "00".repeat(30), 0, 2, "00".repeat(64),
                        "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca"
                                + "13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096"),
                Arguments.of("A.1 #5", KEY_0, 2, 0, "00".repeat(64),
                        "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7"
                                + "8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d"),
                Arguments.of("A.2 #1", KEY_0, 0, 0, "00".repeat(64),
                        "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                                + "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"),
                Arguments.of("A.2 #2", KEY_1, 2, 1, IETF, IETF_CT),
                Arguments.of("A.2 #3", KEY_A23, 2, 42, JABBERWOCKY, JABBERWOCKY_CT));
    }

    /** Every RFC 8439 ChaCha20 vector: name, key, nonce, counter, in, out. */
    static Stream<Arguments> allVectors() {
        Stream<Arguments> others = Stream.of(
                Arguments.of("2.3.2", KEY_RANGE, "000000090000004a00000000", 1, "00".repeat(64),
                        "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                                + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"),
                Arguments.of("2.4.2", KEY_RANGE, "000000000000004a00000000", 1, SUNSCREEN,
                        "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab"
                                + "8f593dabcd62b3571639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e"
                                + "52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d"));
        return Stream.concat(others, packetNonceVectors().map(a -> {
            Object[] v = a.get();
            String nonce = "00".repeat(8) + String.format("%08x", (Integer) v[2]);
            return Arguments.of(v[0], v[1], nonce, v[3], v[4], v[5]);
        }));
    }

    @Test
    void theJdkChaCha20IsUsedFromJava20On() {
        assertTrue(ChaCha20Poly1305PacketCipher.jdkChaCha20Available(),
                "SunJCE's ChaCha20 is missing or failed the self-check against ours");
        assertEquals(Runtime.version().feature() >= 20, ChaCha20Poly1305PacketCipher.usesJdkChaCha20());
        java.security.Provider sunJce = java.security.Security.getProvider("SunJCE");
        assertNull(ChaCha20Poly1305PacketCipher.choose(sunJce, 17));
        assertNull(ChaCha20Poly1305PacketCipher.choose(sunJce, 19));
        assertSame(sunJce, ChaCha20Poly1305PacketCipher.choose(sunJce, 20));
        assertSame(sunJce, ChaCha20Poly1305PacketCipher.choose(sunJce, 25));
        assertNull(ChaCha20Poly1305PacketCipher.choose(null, 25));
    }

    /**
     * Runs every vector through our {@link ChaCha20} directly: RFC 8439's nonce bytes 0-3 are the original
     * cipher's counter high word and bytes 4-11 its 8-byte nonce.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("allVectors")
    void ourChaCha20MatchesEveryVector(String name, String key, String nonce, int counter, String in, String out) {
        byte[] n = HEX.parseHex(nonce);
        long high = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(n, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getInt());
        ChaCha20 chacha = new ChaCha20(HEX.parseHex(key), 0);
        for (int piece : new int[] {1, 7, 64, 1000}) {
            chacha.start(n, 4, high << 32 | Integer.toUnsignedLong(counter));
            byte[] data = HEX.parseHex(in);
            for (int done = 0; done < data.length; done += piece) {
                chacha.apply(data, done, Math.min(piece, data.length - done), data, done);
            }
            assertEquals(out, HEX.formatHex(data), "in pieces of " + piece);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allVectors")
    void theJdkProviderIsRfc8439ChaCha20(String name, String key, String nonce, int counter, String in, String out)
            throws Exception {
        Cipher c = Cipher.getInstance("ChaCha20", "SunJCE");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HEX.parseHex(key), "ChaCha20"),
                new ChaCha20ParameterSpec(HEX.parseHex(nonce), counter));
        assertEquals(out, HEX.formatHex(c.doFinal(HEX.parseHex(in))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packetNonceVectors")
    void theJdkKeystreamMapsTheSequenceNumberToTheRfcNonce(String name, String key, int sequence, int counter,
            String in, String out) {
        check(true, key, sequence, counter, in, out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packetNonceVectors")
    void ourKeystreamMapsTheSequenceNumberToTheRfcNonce(String name, String key, int sequence,
            int counter, String in, String out) {
        check(false, key, sequence, counter, in, out);
    }

    @Test
    void onlyTheLow32BitsOfTheSequenceNumberCount() {
        byte[] key = HEX.parseHex(KEY_A23);
        for (boolean jdk : new boolean[] {true, false}) {
            for (long high : new long[] {1L << 32, -1L << 32, Long.MIN_VALUE}) {
                byte[] a = new byte[100];
                byte[] b = new byte[100];
                ChaCha20Poly1305PacketCipher.Keystream s = ChaCha20Poly1305PacketCipher.keystream(jdk, key, 0);
                s.start(7);
                s.apply(a, 0, 100, a, 0);
                s.start(high | 7);
                s.apply(b, 0, 100, b, 0);
                assertEquals(HEX.formatHex(a), HEX.formatHex(b), "jdk " + jdk + ", high bits " + high);
            }
        }
    }

    private static void check(boolean jdk, String key, int sequence, int counter, String in, String out) {
        byte[] k = new byte[40];
        System.arraycopy(HEX.parseHex(key), 0, k, 5, 32);
        ChaCha20Poly1305PacketCipher.Keystream stream = ChaCha20Poly1305PacketCipher.keystream(jdk, k, 5);
        Random random = new Random(sequence * 31L + counter);
        for (int round = 0; round < 3; round++) {
            stream.start(sequence & 0xffffffffL);
            int skip = counter * 64;
            byte[] skipped = new byte[skip];
            for (int done = 0; done < skip;) {
                int n = Math.min(skip - done, 1 + random.nextInt(100));
                stream.apply(skipped, done, n, skipped, done);
                done += n;
            }
            byte[] data = HEX.parseHex(in);
            for (int done = 0; done < data.length;) {
                int n = Math.min(data.length - done, 1 + random.nextInt(130));
                stream.apply(data, done, n, data, done);
                done += n;
            }
            assertEquals(out, HEX.formatHex(data), "round " + round);
        }
    }
}
