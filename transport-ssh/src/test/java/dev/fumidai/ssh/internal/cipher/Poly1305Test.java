// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@link Poly1305} against RFC 8439: the example of §2.5.2 and the eleven vectors of Appendix A.3 (the
 * same as RFC 7539's; the hex below is pyca/cryptography's conversion of them, {@code cryptography_vectors/
 * poly1305/rfc7539.txt}, checked against the RFC's text). Vectors 4 to 11 are the edge cases: an accumulator
 * that needs the final subtraction of p, limbs that carry all the way round, r or s at the top of their range.
 * Each vector is also fed in every two-piece split and byte by byte, which moves the blocks between the buffered
 * path, the two-block step and the single-block step.
 */
class Poly1305Test {

    private static final HexFormat HEX = HexFormat.of();
    private static final String IETF = "416e79207375626d697373696f6e20746f20746865204945544620696e74656e6465642062"
            + "792074686520436f6e7472696275746f7220666f72207075626c69636174696f6e20617320616c6c206f72207061727420"
            + "6f6620616e204945544620496e7465726e65742d4472616674206f722052464320616e6420616e792073746174656d656e"
            + "74206d6164652077697468696e2074686520636f6e74657874206f6620616e204945544620616374697669747920697320"
            + "636f6e7369646572656420616e20224945544620436f6e747269627574696f6e222e20537563682073746174656d656e74"
            + "7320696e636c756465206f72616c2073746174656d656e747320696e20494554462073657373696f6e732c206173207765"
            + "6c6c206173207772697474656e20616e6420656c656374726f6e696320636f6d6d756e69636174696f6e73206d61646520"
            + "617420616e792074696d65206f7220706c6163652c207768696368206172652061646472657373656420746f";
    private static final String JABBERWOCKY = "2754776173206272696c6c69672c20616e642074686520736c6974687920746f76"
            + "65730a446964206779726520616e642067696d626c6520696e2074686520776162653a0a416c6c206d696d73792077657265"
            + "2074686520626f726f676f7665732c0a416e6420746865206d6f6d65207261746873206f757467726162652e";

    static Stream<Arguments> rfc8439() {
        return Stream.of(
                Arguments.of("2.5.2", "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
                        HEX.formatHex("Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII)),
                        "a8061dc1305136c6c22b8baf0c0127a9"),
                Arguments.of("A.3 #1", "00".repeat(32), "00".repeat(64), "00".repeat(16)),
                Arguments.of("A.3 #2", "00".repeat(16) + "36e5f6b5c5e06070f0efca96227a863e", IETF,
                        "36e5f6b5c5e06070f0efca96227a863e"),
                Arguments.of("A.3 #3", "36e5f6b5c5e06070f0efca96227a863e" + "00".repeat(16), IETF,
                        "f3477e7cd95417af89a6b8794c310cf0"),
                Arguments.of("A.3 #4", "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
                        JABBERWOCKY, "4541669a7eaaee61e708dc7cbcc5eb62"),
                Arguments.of("A.3 #5", "02" + "00".repeat(31), "ff".repeat(16), "03" + "00".repeat(15)),
                Arguments.of("A.3 #6", "02" + "00".repeat(15) + "ff".repeat(16), "02" + "00".repeat(15),
                        "03" + "00".repeat(15)),
                Arguments.of("A.3 #7", "01" + "00".repeat(31),
                        "ff".repeat(16) + "f0" + "ff".repeat(15) + "11" + "00".repeat(15), "05" + "00".repeat(15)),
                Arguments.of("A.3 #8", "01" + "00".repeat(31),
                        "ff".repeat(16) + "fb" + "fe".repeat(15) + "01".repeat(16), "00".repeat(16)),
                Arguments.of("A.3 #9", "02" + "00".repeat(31), "fd" + "ff".repeat(15), "fa" + "ff".repeat(15)),
                Arguments.of("A.3 #10", "0100000000000000040000000000000000000000000000000000000000000000",
                        "e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000"
                                + "0000000000000000000000000000000001000000000000000000000000000000",
                        "14000000000000005500000000000000"),
                Arguments.of("A.3 #11", "0100000000000000040000000000000000000000000000000000000000000000",
                        "e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000"
                                + "0000000000000000",
                        "13000000000000000000000000000000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc8439")
    void matchesTheRfcVectorInOnePiece(String name, String key, String message, String tag) {
        byte[] m = HEX.parseHex(message);
        assertEquals(tag, mac(HEX.parseHex(key), m, 0, m.length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc8439")
    void matchesTheRfcVectorInEveryTwoPieceSplitAndByteByByte(String name, String key, String message, String tag) {
        byte[] k = HEX.parseHex(key);
        byte[] m = HEX.parseHex(message);
        Poly1305 poly = new Poly1305();
        byte[] out = new byte[16];
        for (int split = 0; split <= m.length; split++) {
            poly.init(k, 0);
            poly.update(m, 0, split);
            poly.update(m, split, m.length - split);
            poly.doFinal(out, 0);
            assertEquals(tag, HEX.formatHex(out), "split at " + split);
        }
        poly.init(k, 0);
        for (int i = 0; i < m.length; i++) {
            poly.update(m, i, 1);
        }
        poly.doFinal(out, 0);
        assertEquals(tag, HEX.formatHex(out), "byte by byte");
    }

    @Test
    void readsKeyAndMessageAtOffsetsAndWritesTheTagAtAnOffset() {
        byte[] key = HEX.parseHex("ee85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] msg = ("xyz" + "Cryptographic Forum Research Group").getBytes(StandardCharsets.US_ASCII);
        Poly1305 poly = new Poly1305();
        poly.init(key, 1);
        poly.update(msg, 3, msg.length - 3);
        byte[] out = new byte[20];
        poly.doFinal(out, 3);
        assertEquals("000000" + "a8061dc1305136c6c22b8baf0c0127a9" + "00", HEX.formatHex(out));
    }

    @Test
    void startsAfreshOnEveryInit() {
        byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] msg = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        Poly1305 poly = new Poly1305();
        poly.init(HEX.parseHex("ff".repeat(32)), 0);
        poly.update(msg, 0, 5); // left buffered and unfinished
        poly.init(key, 0);
        poly.update(msg, 0, msg.length);
        byte[] out = new byte[16];
        poly.doFinal(out, 0);
        assertEquals("a8061dc1305136c6c22b8baf0c0127a9", HEX.formatHex(out));
    }

    @Test
    void aChangedMessageByteChangesTheTag() {
        byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] msg = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        String tag = mac(key, msg, 0, msg.length);
        for (int i = 0; i < msg.length; i++) {
            msg[i] ^= 0x20;
            assertNotEquals(tag, mac(key, msg, 0, msg.length), "byte " + i);
            msg[i] ^= 0x20;
        }
    }

    static String mac(byte[] key, byte[] m, int off, int len) {
        Poly1305 poly = new Poly1305();
        poly.init(key, 0);
        poly.update(m, off, len);
        byte[] out = new byte[16];
        poly.doFinal(out, 0);
        return HEX.formatHex(out);
    }
}
