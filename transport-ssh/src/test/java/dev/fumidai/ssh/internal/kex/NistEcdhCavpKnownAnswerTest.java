// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks ecdh-sha2-nistp256/384/521 (RFC 5656 §4) against NIST CAVP ECC CDH primitive vectors
 * ({@code src/test/resources/kat/ecdh-cavp.txt}): with the published client key pair our Q_C is the published
 * uncompressed point, and K for the published server point is the published Z as an mpint (RFC 5656 §4 takes
 * the x-coordinate; the P-521 Z starts with a zero byte, which the mpint drops).
 */
class NistEcdhCavpKnownAnswerTest {

    static final HexFormat HEX = HexFormat.of();

    static RecordedKex vectors() throws Exception {
        try (var in = NistEcdhCavpKnownAnswerTest.class.getResourceAsStream("/kat/ecdh-cavp.txt")) {
            return RecordedKex.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1", "secp521r1"})
    void sharedSecretMatchesTheCavpVector(String curve) throws Exception {
        RecordedKex v = vectors();
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec(curve));
        ECParameterSpec params = ap.getParameterSpec(ECParameterSpec.class);
        KeyFactory kf = KeyFactory.getInstance("EC");
        KeyPair iut = new KeyPair(
                kf.generatePublic(new ECPublicKeySpec(new ECPoint(big(v, curve + ".QIUTx"), big(v, curve + ".QIUTy")),
                        params)),
                kf.generatePrivate(new ECPrivateKeySpec(big(v, curve + ".dIUT"), params)));
        int n = (params.getCurve().getField().getFieldSize() + 7) / 8;

        NistEcdhAgreement agreement = new NistEcdhAgreement(curve, new java.security.SecureRandom());
        assertEquals("04" + fixed(v, curve + ".QIUTx", n) + fixed(v, curve + ".QIUTy", n),
                HEX.formatHex(agreement.use(iut)), "Q_C is the uncompressed SEC1 point (RFC 5656 §3.1)");
        byte[] qs = HEX.parseHex("04" + fixed(v, curve + ".QCAVSx", n) + fixed(v, curve + ".QCAVSy", n));
        byte[] z = HEX.parseHex(v.get(curve + ".ZIUT"));
        assertEquals(n, z.length);
        assertEquals(HEX.formatHex(mpint(z)), HEX.formatHex(agreement.encodedSecret(qs)), "K = mpint(Z)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1", "secp521r1"})
    void aServerPointOffTheCurveIsRefused(String curve) throws Exception {
        RecordedKex v = vectors();
        NistEcdhAgreement agreement = new NistEcdhAgreement(curve, new java.security.SecureRandom());
        int n = (agreement.clientPublic().length - 1) / 2;
        byte[] qs = HEX.parseHex("04" + fixed(v, curve + ".QCAVSx", n) + fixed(v, curve + ".QCAVSy", n));
        qs[qs.length - 1] ^= 1;
        assertThrows(java.security.GeneralSecurityException.class, () -> agreement.encodedSecret(qs));
    }

    static BigInteger big(RecordedKex v, String key) {
        return new BigInteger(1, HEX.parseHex(v.get(key)));
    }

    /** Left-pads a published field element to the curve's field length. */
    static String fixed(RecordedKex v, String key, int n) {
        String h = v.get(key);
        while (h.length() < 2 * n) {
            h = "00" + h;
        }
        while (h.length() > 2 * n && h.startsWith("00")) {
            h = h.substring(2);
        }
        return h;
    }

    /** Encodes an unsigned big-endian value as an SSH mpint (RFC 4251 §5), independently of SshWire. */
    static byte[] mpint(byte[] unsigned) {
        byte[] magnitude = new BigInteger(1, unsigned).toByteArray();
        byte[] out = new byte[4 + magnitude.length];
        out[0] = (byte) (magnitude.length >>> 24);
        out[1] = (byte) (magnitude.length >>> 16);
        out[2] = (byte) (magnitude.length >>> 8);
        out[3] = (byte) magnitude.length;
        System.arraycopy(magnitude, 0, out, 4, magnitude.length);
        return out;
    }
}
