// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.bouncycastle.crypto.generators.MLKEMKeyPairGenerator;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;

/**
 * Checks the ML-KEM-768 that mlkem768x25519-sha256 uses (Bouncy Castle's, FIPS 203) against the accumulated
 * pq-crystals vectors of C2SP CCTV (https://c2sp.org/CCTV/ML-KEM, section "Accumulated pq-crystals vectors",
 * FIPS 203 final with k appended to d): 10 000 key generations, encapsulations and decapsulations (one with a
 * random, invalid ciphertext) driven by a SHAKE-128 stream over the empty string, whose outputs hash (SHAKE-128,
 * 32 bytes) to the published value. Then the first of those key pairs goes through our hybrid agreement: Q_C
 * starts with that encapsulation key and K is string(SHA-256(K_PQ || K_CL)) for that ciphertext.
 */
class MlKemKnownAnswerTest {

    static final HexFormat HEX = HexFormat.of();
    /** CCTV ML-KEM README: "The resulting hashes for 10 000 consecutive tests", ML-KEM-768. */
    static final String ACCUMULATED_10000 = "f959d18d3d1180121433bf0e05f11e7908cf9d03edc150b2b07cb90bef5bc1c1";

    static byte[] squeeze(SHAKEDigest rng, int n) {
        byte[] out = new byte[n];
        rng.doOutput(out, 0, n);
        return out;
    }

    @Test
    void accumulatedVectorsMatchAndOurHybridAgreementUsesTheSameKem() throws Exception {
        SHAKEDigest rng = new SHAKEDigest(128);
        SHAKEDigest acc = new SHAKEDigest(128);
        byte[] firstD = null;
        byte[] firstZ = null;
        byte[] firstEk = null;
        byte[] firstCt = null;
        byte[] firstK = null;
        for (int i = 0; i < 10_000; i++) {
            byte[] d = squeeze(rng, 32);
            byte[] z = squeeze(rng, 32);
            byte[] m = squeeze(rng, 32);
            byte[] badCt = squeeze(rng, 1088);
            MLKEMKeyPairGenerator g = new MLKEMKeyPairGenerator();
            g.init(new MLKEMKeyGenerationParameters(RecordedKex.TapeRandom.replaying(concat(d, z)),
                    MLKEMParameters.ml_kem_768));
            AsymmetricCipherKeyPair kp = g.generateKeyPair();
            MLKEMPublicKeyParameters pub = (MLKEMPublicKeyParameters) kp.getPublic();
            MLKEMPrivateKeyParameters priv = ((MLKEMPrivateKeyParameters) kp.getPrivate())
                    .getParametersWithFormat(MLKEMPrivateKeyParameters.EXPANDED_KEY);
            byte[] ek = pub.getEncoded();
            byte[] dk = priv.getEncoded();
            SecretWithEncapsulation enc = new MLKEMGenerator(RecordedKex.TapeRandom.replaying(m))
                    .generateEncapsulated(pub);
            byte[] ct = enc.getEncapsulation();
            byte[] k = enc.getSecret();
            MLKEMExtractor extractor = new MLKEMExtractor(priv);
            assertArrayEquals(k, extractor.extractSecret(ct), "decapsulation of test " + i);
            byte[] rejected = extractor.extractSecret(badCt);
            for (byte[] b : new byte[][] {ek, dk, ct, k, rejected}) {
                acc.update(b, 0, b.length);
            }
            if (i == 0) {
                firstD = d;
                firstZ = z;
                firstEk = ek;
                firstCt = ct;
                firstK = k;
            }
        }
        assertEquals(1184, firstEk.length);
        assertEquals(ACCUMULATED_10000, HEX.formatHex(squeeze(acc, 32)));

        // Our side of mlkem768x25519-sha256 with the first vector's (d, z) and a known X25519 scalar.
        byte[] clientX = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        HybridKemAgreement ours = new HybridKemAgreement(HybridKemAgreement.Kem.MLKEM768,
                RecordedKex.TapeRandom.replaying(concat(firstD, firstZ, clientX)));
        byte[] qc = ours.clientPublic();
        assertArrayEquals(firstEk, Arrays.copyOf(qc, 1184), "Q_C = ek || X25519 public");
        byte[] serverX = new byte[32];
        serverX[0] = 9;
        serverX[31] = 0x40;
        byte[] serverPub = new byte[32];
        X25519.generatePublicKey(serverX, 0, serverPub, 0);
        byte[] kcl = new byte[32];
        X25519.calculateAgreement(serverX, 0, qc, 1184, kcl, 0);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(firstK);
        sha.update(kcl);
        assertEquals("00000020" + HEX.formatHex(sha.digest()),
                HEX.formatHex(ours.encodedSecret(concat(firstCt, serverPub))));
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
