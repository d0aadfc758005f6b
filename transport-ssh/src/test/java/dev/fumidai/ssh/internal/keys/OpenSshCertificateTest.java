// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenSshCertificateTest {

    private static OpenSshCertificate cert(String file) throws Exception {
        return assertInstanceOf(OpenSshCertificate.class, SshPublicKeys.parseText(Fixtures.text(file)));
    }

    @Test
    void readsEveryFieldOfAnSshKeygenUserCertificate() throws Exception {
        OpenSshCertificate cert = cert("id_ed25519-cert.pub");
        assertEquals("ssh-ed25519-cert-v01@openssh.com", cert.keyType());
        assertEquals(OpenSshCertificate.Type.USER, cert.type());
        assertEquals("alice@example", cert.keyId());
        assertEquals(7, cert.serial());
        assertEquals(List.of("alice", "bob"), cert.principals());
        assertEquals(Instant.parse("2020-01-01T00:00:00Z").getEpochSecond(), cert.validAfter());
        assertEquals(Instant.parse("2099-12-31T00:00:00Z").getEpochSecond(), cert.validBefore());
        assertEquals(List.of("force-command", "source-address"), cert.criticalOptionNames());
        assertArrayEquals(new SshWireWriter().string("/bin/true").toByteArray(),
                cert.criticalOptions().get("force-command"));
        assertEquals(List.of("permit-X11-forwarding", "permit-agent-forwarding", "permit-port-forwarding",
                "permit-pty", "permit-user-rc"), cert.extensionNames());
        assertEquals(SshPublicKeys.parseText(Fixtures.text("ca_ed25519.pub")), cert.signatureKey());
        assertEquals("ssh-ed25519", cert.caSignatureAlgorithm());
        assertEquals(SshPublicKeys.parseText(Fixtures.text("id_ed25519.pub")), cert.publicKey());
        // ssh-keygen -L prints the plain key's fingerprint for a certificate; so do we.
        String listed = Fixtures.text("id_ed25519-cert.txt");
        assertTrue(listed.contains("ED25519-CERT " + cert.fingerprint()), listed);
        assertTrue(listed.contains("ED25519 " + cert.signatureKey().fingerprint()), listed);
    }

    @ParameterizedTest
    @CsvSource({"host_ed25519-cert.pub,ca_ed25519.pub,ssh-ed25519", "host_ecdsa256-cert.pub,ca_rsa.pub,rsa-sha2-512",
        "host_ecdsa256-sha1ca-cert.pub,ca_rsa.pub,ssh-rsa", "host_rsa-cert.pub,ca_ecdsa384.pub,ecdsa-sha2-nistp384"})
    void readsSshKeygenHostCertificatesSignedByEachCaType(String file, String ca, String caAlgorithm) throws Exception {
        OpenSshCertificate cert = cert(file);
        assertEquals(OpenSshCertificate.Type.HOST, cert.type());
        assertEquals(SshPublicKeys.parseText(Fixtures.text(ca)), cert.signatureKey());
        assertEquals(caAlgorithm, cert.caSignatureAlgorithm());
        assertTrue(cert.isValidAt(Instant.parse("2026-01-01T00:00:00Z")));
        assertFalse(cert.isValidAt(Instant.parse("2019-12-31T23:59:59Z")));
        assertFalse(cert.isValidAt(Instant.parse("2099-12-31T00:00:00Z")), "valid_before is exclusive");
        assertEquals(cert, SshPublicKeys.parse(cert.encoded()));
    }

    @Test
    void verifiesSignaturesOfTheCertifiedKey() throws Exception {
        OpenSshCertificate cert = cert("id_ed25519-cert.pub");
        SshSig sig = SshSig.parse(Fixtures.text("id_ed25519.sig"), Fixtures.bytes("message.txt"));
        assertTrue(cert.verify("ssh-ed25519-cert-v01@openssh.com", sig.signedData(), sig.signatureBlob()));
        assertTrue(cert.verify("ssh-ed25519", sig.signedData(), sig.signatureBlob()));
        assertFalse(cert.verify("ssh-ed25519", "other".getBytes(StandardCharsets.UTF_8), sig.signatureBlob()));
    }

    @Test
    void rejectsACertificateWhoseCaSignatureDoesNotVerify() throws Exception {
        byte[] blob = cert("host_ed25519-cert.pub").encoded();
        // Flip a byte in the key id region: structure stays valid, signature no longer does.
        String text = new String(blob, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("host1-id");
        blob[at] ^= 0x01;
        InvalidSshKeyException e = assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(blob));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void rejectsTruncatedAndTrailingBytes() throws Exception {
        byte[] blob = cert("host_rsa-cert.pub").encoded();
        for (int cut = 0; cut < blob.length; cut += 7) {
            byte[] truncated = java.util.Arrays.copyOf(blob, cut);
            assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(truncated));
        }
        byte[] trailing = java.util.Arrays.copyOf(blob, blob.length + 4);
        assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(trailing));
    }

    @Test
    void javaBuiltCertificatesRoundTripAndUnsortedOptionsAreRejected() throws Exception {
        KeyPair ca = TestCertificates.ed25519();
        KeyPair host = TestCertificates.ed25519();
        OpenSshCertificate cert = (OpenSshCertificate) SshPublicKeys.parse(TestCertificates.forKey(host)
                .principals("a", "b").serial(-1).validity(10, 20).signedBy(ca));
        assertEquals(-1L, cert.serial());
        assertEquals(List.of("a", "b"), cert.principals());
        assertTrue(cert.isValidAt(Instant.ofEpochSecond(10)));
        assertFalse(cert.isValidAt(Instant.ofEpochSecond(20)));

        byte[] unsorted = TestCertificates.forKey(host).criticalOption("source-address", "x")
                .criticalOption("force-command", "y").signedBy(ca);
        assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(unsorted));
        byte[] badType = TestCertificates.forKey(host).type(3).signedBy(ca);
        assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(badType));
    }

    @Test
    void rejectsACertificateSignedByACertificate() throws Exception {
        KeyPair ca = TestCertificates.ed25519();
        byte[] inner = TestCertificates.forKey(TestCertificates.ed25519()).signedBy(ca);
        // Re-sign a certificate whose signature key field holds a certificate blob.
        SshWireReader r = new SshWireReader(TestCertificates.forKey(TestCertificates.ed25519()).signedBy(ca));
        SshWireWriter w = new SshWireWriter();
        w.string(r.readString()).string(r.readString()).string(r.readString());
        w.uint64(r.readUint64()).uint32(r.readUint32()).string(r.readString()).string(r.readString());
        w.uint64(r.readUint64()).uint64(r.readUint64()).string(r.readString()).string(r.readString())
                .string(r.readString());
        w.string(inner);
        byte[] signed = w.toByteArray();
        byte[] blob = new SshWireWriter().raw(signed)
                .string(SshSignatures.sign(ca.getPrivate(), "ssh-ed25519", signed)).toByteArray();
        InvalidSshKeyException e = assertThrows(InvalidSshKeyException.class, () -> SshPublicKeys.parse(blob));
        assertTrue(e.getMessage().contains("signed by a certificate"), e.getMessage());
    }

    @Test
    void caMayBeAnyKeyType() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair ca = g.generateKeyPair();
        byte[] blob = TestCertificates.forKey(TestCertificates.ed25519()).caSignatureAlgorithm("rsa-sha2-256")
                .signedBy(ca);
        OpenSshCertificate cert = (OpenSshCertificate) SshPublicKeys.parse(blob);
        assertEquals("rsa-sha2-256", cert.caSignatureAlgorithm());
        assertEquals(Base64.getEncoder().encodeToString(blob), SshPublicKeys.toText(cert).split(" ")[1]);
    }
}
