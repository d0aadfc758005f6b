// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SshPublicKeysTest {

    private static final byte[] DATA = "exchange hash stand-in".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"})
    void parsesSshKeygenPublicKeysWithTheFingerprintSshKeygenPrints(String name) throws Exception {
        String pub = Fixtures.text("id_" + name + ".pub");
        SshPublicKey key = SshPublicKeys.parseText(pub);
        assertEquals(Fixtures.text("id_" + name + ".fp").trim(), key.fingerprint());
        byte[] blob = Base64.getDecoder().decode(pub.split(" ")[1]);
        assertArrayEquals(blob, key.encoded());
        assertEquals(pub.split(" ")[0], key.keyType());
        assertEquals(key, SshPublicKeys.parse(blob));
        assertEquals(SshPublicKeys.toText(key), pub.split(" ")[0] + " " + pub.split(" ")[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"})
    void verifiesSignaturesMadeBySshKeygen(String name) throws Exception {
        byte[] message = Fixtures.bytes("message.txt");
        SshSig sig = SshSig.parse(Fixtures.text("id_" + name + ".sig"), message);
        SshPublicKey key = SshPublicKeys.parse(sig.publicKey());
        String algorithm = sig.signatureAlgorithm();
        assertTrue(key.verify(algorithm, sig.signedData(), sig.signatureBlob()), algorithm);

        byte[] tampered = sig.signedData();
        tampered[tampered.length - 1] ^= 1;
        assertFalse(key.verify(algorithm, tampered, sig.signatureBlob()));
        byte[] badSig = sig.signatureBlob();
        badSig[badSig.length - 3] ^= 0x10;
        assertFalse(key.verify(algorithm, sig.signedData(), badSig));
    }

    @Test
    void ed25519SignedByTheJdkVerifiesAndNamesOnlyItsAlgorithm() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        PlainSshPublicKey key = SshPublicKeys.fromJavaKey(pair.getPublic());
        assertEquals("ssh-ed25519", key.keyType());
        byte[] blob = SshSignatures.sign(pair.getPrivate(), "ssh-ed25519", DATA);
        assertTrue(key.verify("ssh-ed25519", DATA, blob));
        assertTrue(key.verify("ssh-ed25519-cert-v01@openssh.com", DATA, blob), "cert algorithm signs with plain");
        assertFalse(key.verify("ecdsa-sha2-nistp256", DATA, blob));
        assertEquals(key, SshPublicKeys.parse(key.encoded()));
    }

    @ParameterizedTest
    @CsvSource({"secp256r1,ecdsa-sha2-nistp256", "secp384r1,ecdsa-sha2-nistp384", "secp521r1,ecdsa-sha2-nistp521"})
    void ecdsaSignedByTheJdkVerifies(String curve, String type) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        KeyPair pair = g.generateKeyPair();
        PlainSshPublicKey key = SshPublicKeys.fromJavaKey(pair.getPublic());
        assertEquals(type, key.keyType());
        assertEquals(key, SshPublicKeys.parse(key.encoded()));
        for (int i = 0; i < 20; i++) { // exercise r and s of varying lengths (leading zero bytes)
            byte[] data = (i + "data").getBytes(StandardCharsets.UTF_8);
            byte[] blob = SshSignatures.sign(pair.getPrivate(), type, data);
            assertTrue(key.verify(type, data, blob));
            assertFalse(key.verify(type, DATA, blob));
        }
        byte[] blob = SshSignatures.sign(pair.getPrivate(), type, DATA);
        assertFalse(key.verify("ssh-ed25519", DATA, blob));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-sha2-256", "rsa-sha2-512", "ssh-rsa"})
    void rsaSignedByTheJdkVerifiesOnlyUnderItsOwnAlgorithm(String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        PlainSshPublicKey key = SshPublicKeys.fromJavaKey(pair.getPublic());
        assertEquals("ssh-rsa", key.keyType());
        byte[] blob = SshSignatures.sign(pair.getPrivate(), algorithm, DATA);
        assertTrue(key.verify(algorithm, DATA, blob));
        for (String other : new String[] {"rsa-sha2-256", "rsa-sha2-512", "ssh-rsa"}) {
            if (!other.equals(algorithm)) {
                assertFalse(key.verify(other, DATA, blob), "blob for " + algorithm + " accepted as " + other);
                // Relabelling the blob must not help either: the hash differs.
                byte[] raw = innerSignature(blob);
                assertFalse(key.verify(other, DATA, SshSignatures.encodeBlob(other, raw)));
            }
        }
    }

    @Test
    void rsaSignatureShorterThanTheModulusIsLeftPaddedAsOpenSshDoes() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        KeyPair pair = g.generateKeyPair();
        PlainSshPublicKey key = SshPublicKeys.fromJavaKey(pair.getPublic());
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(pair.getPrivate());
        for (int i = 0; i < 5000; i++) {
            byte[] data = ("m" + i).getBytes(StandardCharsets.UTF_8);
            s.update(data);
            byte[] raw = s.sign();
            if (raw[0] == 0) {
                byte[] shortened = Arrays.copyOfRange(raw, 1, raw.length);
                assertTrue(key.verify("rsa-sha2-256", data, SshSignatures.encodeBlob("rsa-sha2-256", shortened)));
                return;
            }
        }
        throw new AssertionError("no signature with a leading zero byte in 5000 tries");
    }

    @Test
    void rejectsMalformedKeys() throws Exception {
        byte[] ed = SshPublicKeys.parseText(Fixtures.text("id_ed25519.pub")).encoded();
        for (int cut = 0; cut < ed.length; cut++) {
            byte[] truncated = Arrays.copyOf(ed, cut);
            assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(truncated), "cut at " + cut);
        }
        byte[] trailing = Arrays.copyOf(ed, ed.length + 1);
        assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(trailing));

        byte[] unknown = new SshWireWriter().string("ssh-dss").mpint(BigInteger.TEN).toByteArray();
        assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(unknown));

        byte[] hugeLength = new SshWireWriter().uint32(0xffffffffL).toByteArray();
        assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(hugeLength));
    }

    @Test
    void rejectsAnEcdsaPointOffTheCurveAndACurveNameMismatch() throws Exception {
        EcdsaSshPublicKey key = (EcdsaSshPublicKey) SshPublicKeys.parseText(Fixtures.text("id_ecdsa256.pub"));
        SshWireReader r = new SshWireReader(key.encoded());
        r.readString();
        r.readString();
        byte[] q = r.readString();
        q[q.length - 1] ^= 1;
        byte[] offCurve = new SshWireWriter().string("ecdsa-sha2-nistp256").string("nistp256").string(q).toByteArray();
        InvalidSshKeyException e = assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(offCurve));
        assertTrue(e.getMessage().contains("not on the curve"), e.getMessage());

        q[q.length - 1] ^= 1;
        byte[] wrongName = new SshWireWriter().string("ecdsa-sha2-nistp256").string("nistp384").string(q).toByteArray();
        assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(wrongName));
    }

    @Test
    void rejectsTinyRsaModuliAndEvenExponents() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(512);
        java.security.interfaces.RSAPublicKey small =
                (java.security.interfaces.RSAPublicKey) g.generateKeyPair().getPublic();
        byte[] blob = new SshWireWriter().string("ssh-rsa").mpint(small.getPublicExponent()).mpint(small.getModulus())
                .toByteArray();
        InvalidSshKeyException e = assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(blob));
        assertTrue(e.getMessage().contains("512 bits"), e.getMessage());
        assertThrows(InvalidSshKeyException.class,
                () -> RsaSshPublicKey.fromComponents(BigInteger.ONE.shiftLeft(2047).add(BigInteger.ONE),
                        BigInteger.valueOf(65536)));
    }

    @Test
    void malformedSignatureBlobsAreFalseNotExceptions() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        PlainSshPublicKey key = SshPublicKeys.fromJavaKey(pair.getPublic());
        byte[] blob = SshSignatures.sign(pair.getPrivate(), "ssh-ed25519", DATA);
        for (int cut = 0; cut < blob.length; cut++) {
            assertFalse(key.verify("ssh-ed25519", DATA, Arrays.copyOf(blob, cut)));
        }
        assertFalse(key.verify("ssh-ed25519", DATA, Arrays.copyOf(blob, blob.length + 1)));
        assertFalse(key.verify("ssh-ed25519", DATA, new byte[0]));
    }

    @Test
    void typeWordMustMatchTheBlob() {
        String pub = Fixtures.text("id_ed25519.pub");
        String lying = pub.replaceFirst("ssh-ed25519", "ssh-rsa");
        assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parseText(lying));
        assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parseText("ssh-ed25519 !!notbase64"));
    }

    @Test
    void fingerprintIsSha256WithoutPadding() throws Exception {
        SshPublicKey key = SshPublicKeys.parseText(Fixtures.text("id_ed25519.pub"));
        assertTrue(key.fingerprint().startsWith("SHA256:"));
        assertEquals(7 + 43, key.fingerprint().length());
        assertInstanceOf(Ed25519SshPublicKey.class, key);
    }

    private static byte[] innerSignature(byte[] blob) throws Exception {
        SshWireReader r = new SshWireReader(blob);
        r.readString();
        return r.readString();
    }
}
