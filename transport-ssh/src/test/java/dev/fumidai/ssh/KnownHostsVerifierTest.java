// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static dev.fumidai.ssh.HostKeyFixtures.IN_2026;
import static dev.fumidai.ssh.HostKeyFixtures.check;
import static dev.fumidai.ssh.HostKeyFixtures.key;
import static dev.fumidai.ssh.HostKeyFixtures.keyText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerificationException.Kind;
import dev.fumidai.ssh.internal.keys.OpenSshCertificate;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.keys.TestCertificates;
import dev.fumidai.ssh.internal.knownhosts.HostPatterns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Security checklist R15, R16 and R17 on known_hosts files built from ssh-keygen fixtures. */
class KnownHostsVerifierTest {

    @TempDir
    Path dir;

    private KnownHostsVerifier verifier(String... lines) throws IOException {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return KnownHostsVerifier.of(file).withClock(IN_2026);
    }

    private static HostKeyVerificationException rejects(HostKeyVerifier v, HostKeyCheck c, Kind kind) {
        HostKeyVerificationException e = assertThrows(HostKeyVerificationException.class, () -> v.verify(c));
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    @Test
    void acceptsAPlainEntryAndReportsKnownHostsWithTheFingerprint() throws Exception {
        KnownHostsVerifier v = verifier("# comment", "", "host1 " + keyText("host_ed25519.pub") + " comment here");
        HostKeyVerdict verdict = v.verify(check("host1", 22, "host_ed25519.pub"));
        assertEquals(VerifiedBy.KNOWN_HOSTS, verdict.verifiedBy());
        assertEquals(key("host_ed25519.pub").fingerprint(), verdict.fingerprint());
        assertFalse(verdict.recorded());
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("HOST1", 22, "host_ed25519.pub")).verifiedBy());
    }

    @Test
    void r16HashedEntriesWrittenBySshKeygen() throws Exception {
        Path file = dir.resolve("kh");
        Files.writeString(file, HostKeyFixtures.text("known_hosts_hashed"));
        KnownHostsVerifier v = KnownHostsVerifier.of(file);
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 22, "host_ed25519.pub")).verifiedBy());
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 2222, "host_ecdsa256.pub")).verifiedBy());
        rejects(v, check("host2", 22, "host_ed25519.pub"), Kind.UNKNOWN);
        // [host1]:2222 is recorded with an ECDSA key only: ed25519 there is a type the host is not known with.
        HostKeyVerificationException e = rejects(v, check("host1", 2222, "host_ed25519.pub"), Kind.UNKNOWN);
        assertTrue(e.getMessage().contains("known only with key types [ecdsa-sha2-nistp256]"), e.getMessage());
    }

    @Test
    void r16PortEntriesApplyOnlyToTheirPort() throws Exception {
        KnownHostsVerifier v = verifier("[host1]:2222 " + keyText("host_ed25519.pub"));
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 2222, "host_ed25519.pub")).verifiedBy());
        rejects(v, check("host1", 22, "host_ed25519.pub"), Kind.UNKNOWN);
        rejects(v, check("host1", 2223, "host_ed25519.pub"), Kind.UNKNOWN);
    }

    @Test
    void patternsCommaListsAndNegation() throws Exception {
        KnownHostsVerifier v = verifier("*.example.com,!evil.example.com,10.0.0.? " + keyText("host_ed25519.pub"));
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("a.example.com", 22, "host_ed25519.pub")).verifiedBy());
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("10.0.0.7", 22, "host_ed25519.pub")).verifiedBy());
        rejects(v, check("evil.example.com", 22, "host_ed25519.pub"), Kind.UNKNOWN);
        rejects(v, check("10.0.0.17", 22, "host_ed25519.pub"), Kind.UNKNOWN);
    }

    @Test
    void r16SeveralKeysPerHostAnyMatchAccepts() throws Exception {
        KeyPair other = TestCertificates.ed25519();
        String otherText = SshPublicKeys.toText(SshPublicKeys.fromJavaKey(other.getPublic()));
        KnownHostsVerifier v = verifier("host1 " + otherText, "host1 " + keyText("host_ed25519.pub"),
                "host1 " + keyText("host_rsa.pub"));
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 22, "host_ed25519.pub")).verifiedBy());
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 22, "host_rsa.pub")).verifiedBy());
        assertEquals(VerifiedBy.KNOWN_HOSTS,
                v.verify(check("host1", 22, SshPublicKeys.fromJavaKey(other.getPublic()))).verifiedBy());
    }

    @Test
    void r16ADifferentKeyOfTheSameTypeIsAMismatchNamingHostAndFingerprints() throws Exception {
        KeyPair other = TestCertificates.ed25519();
        SshPublicKey stored = SshPublicKeys.fromJavaKey(other.getPublic());
        KnownHostsVerifier v = verifier("host1 " + SshPublicKeys.toText(stored));
        HostKeyVerificationException e = rejects(v, check("host1", 22, "host_ed25519.pub"), Kind.MISMATCH);
        assertTrue(e.getMessage().contains("\"host1\""), e.getMessage());
        assertTrue(e.getMessage().contains(key("host_ed25519.pub").fingerprint()), e.getMessage());
        assertTrue(e.getMessage().contains(stored.fingerprint()), e.getMessage());
        assertTrue(e.getMessage().contains("known_hosts:1"), e.getMessage());
    }

    @Test
    void r16OfferedKeyTypeDiffersFromTheStoredOneIsNotAccepted() throws Exception {
        KnownHostsVerifier v = verifier("host1 " + keyText("host_rsa.pub"));
        HostKeyVerificationException e = rejects(v, check("host1", 22, "host_ed25519.pub"), Kind.UNKNOWN);
        assertTrue(e.getMessage().contains("known only with key types [ssh-rsa]"), e.getMessage());
    }

    @Test
    void r16NoTrailingNewlineAndCrLfLines() throws Exception {
        Path file = dir.resolve("kh");
        Files.writeString(file, "# first\r\nhost0 " + keyText("host_rsa.pub") + "\r\nhost1 " + keyText("host_ed25519.pub"));
        KnownHostsVerifier v = KnownHostsVerifier.of(file);
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 22, "host_ed25519.pub")).verifiedBy());
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host0", 22, "host_rsa.pub")).verifiedBy());
    }

    @Test
    void r16RevokedKeyIsRefusedEvenWhenAlsoListedAsKnown() throws Exception {
        KnownHostsVerifier v = verifier("host1 " + keyText("host_ed25519.pub"),
                "@revoked * " + keyText("host_ed25519.pub"));
        HostKeyVerificationException e = rejects(v, check("host1", 22, "host_ed25519.pub"), Kind.REVOKED);
        assertTrue(e.getMessage().contains(key("host_ed25519.pub").fingerprint()), e.getMessage());
        // A certificate for a revoked key is refused too.
        KnownHostsVerifier withCa = verifier("@cert-authority * " + keyText("ca_ed25519.pub"),
                "@revoked * " + keyText("host_ed25519.pub"));
        rejects(withCa, check("host1", 22, "host_ed25519-cert.pub"), Kind.REVOKED);
    }

    @Test
    void r17RevokedCaRefusesItsCertificates() throws Exception {
        KnownHostsVerifier v = verifier("@cert-authority * " + keyText("ca_ed25519.pub"),
                "@revoked * " + keyText("ca_ed25519.pub"));
        HostKeyVerificationException e = rejects(v, check("host1", 22, "host_ed25519-cert.pub"), Kind.REVOKED);
        assertTrue(e.getMessage().contains("CA"), e.getMessage());
    }

    @Test
    void r17ValidHostCertificatesFromATrustedCaAreAcceptedForEachCaType() throws Exception {
        KnownHostsVerifier v = verifier("@cert-authority *.example.com,host1 " + keyText("ca_ed25519.pub"),
                "@cert-authority host1 " + keyText("ca_rsa.pub"), "@cert-authority host1 " + keyText("ca_ecdsa384.pub"));
        for (String cert : new String[] {"host_ed25519-cert.pub", "host_ecdsa256-cert.pub", "host_rsa-cert.pub"}) {
            HostKeyVerdict verdict = v.verify(check("host1", 22, cert));
            assertEquals(VerifiedBy.CA, verdict.verifiedBy(), cert);
            OpenSshCertificate c = (OpenSshCertificate) key(cert);
            assertEquals(c.publicKey().fingerprint(), verdict.fingerprint());
        }
        // The second principal of the ed25519 certificate matches the pattern too.
        assertEquals(VerifiedBy.CA,
                v.verify(check("host1.example.com", 22, "host_ed25519-cert.pub")).verifiedBy());
    }

    @Test
    void r17InvalidCertificatesAreRefused() throws Exception {
        KnownHostsVerifier v = verifier("@cert-authority * " + keyText("ca_ed25519.pub"),
                "@cert-authority * " + keyText("ca_rsa.pub"));
        String[][] cases = {
            {"host_ed25519-noprincipals-cert.pub", "no principals"},
            {"host_ed25519-wrongprincipal-cert.pub", "not valid for host1"},
            {"host_ed25519-expired-cert.pub", "not valid at"},
            {"host_ed25519-future-cert.pub", "not valid at"},
            {"host_ed25519-usertype-cert.pub", "user certificate"},
            {"host_ecdsa256-sha1ca-cert.pub", "SHA-1"},
        };
        for (String[] c : cases) {
            HostKeyVerificationException e = rejects(v, check("host1", 22, c[0]), Kind.CERTIFICATE_INVALID);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("\"host1\""), e.getMessage());
        }
    }

    @Test
    void r17ExpiryFollowsTheClock() throws Exception {
        Path file = dir.resolve("kh");
        Files.writeString(file, "@cert-authority * " + keyText("ca_ed25519.pub") + "\n");
        KnownHostsVerifier v = KnownHostsVerifier.of(file);
        Clock after = Clock.fixed(Instant.parse("2099-12-31T00:00:00Z"), ZoneOffset.UTC);
        Clock before = Clock.fixed(Instant.parse("2019-12-31T23:59:59Z"), ZoneOffset.UTC);
        assertEquals(VerifiedBy.CA, v.withClock(IN_2026).verify(check("host1", 22, "host_ed25519-cert.pub")).verifiedBy());
        rejects(v.withClock(after), check("host1", 22, "host_ed25519-cert.pub"), Kind.CERTIFICATE_INVALID);
        rejects(v.withClock(before), check("host1", 22, "host_ed25519-cert.pub"), Kind.CERTIFICATE_INVALID);
    }

    @Test
    void r17CaTrustedOnlyForAnotherPatternIsRefused() throws Exception {
        KnownHostsVerifier v = verifier("@cert-authority *.example.org " + keyText("ca_ed25519.pub"));
        HostKeyVerificationException e = rejects(v, check("host1", 22, "host_ed25519-cert.pub"),
                Kind.CERTIFICATE_INVALID);
        assertTrue(e.getMessage().contains("only for hosts '*.example.org'"), e.getMessage());
        KnownHostsVerifier negated = verifier("@cert-authority *,!host1 " + keyText("ca_ed25519.pub"));
        rejects(negated, check("host1", 22, "host_ed25519-cert.pub"), Kind.CERTIFICATE_INVALID);
    }

    @Test
    void r17CertificateFromAnUnknownCaIsUnknown() throws Exception {
        KnownHostsVerifier v = verifier("@cert-authority * " + keyText("ca_ed25519.pub"));
        rejects(v, check("host1", 22, "host_ed25519-otherca-cert.pub"), Kind.UNKNOWN);
    }

    @Test
    void r17DowngradeFallbackAcceptsTheCertifiedKeyOnlyWhenItIsStoredPlain() throws Exception {
        // Documented fallback (as OpenSSH): a cert whose CA is not trusted is checked as its plain key.
        KnownHostsVerifier plainStored = verifier("host1 " + keyText("host_ed25519.pub"));
        assertEquals(VerifiedBy.KNOWN_HOSTS,
                plainStored.verify(check("host1", 22, "host_ed25519-otherca-cert.pub")).verifiedBy());
        // But an invalid certificate from a trusted CA is not rescued by the plain entry.
        KnownHostsVerifier both = verifier("host1 " + keyText("host_ed25519.pub"),
                "@cert-authority * " + keyText("ca_ed25519.pub"));
        rejects(both, check("host1", 22, "host_ed25519-expired-cert.pub"), Kind.CERTIFICATE_INVALID);
        // And a plain key is never accepted because its CA is trusted: @cert-authority only vouches for certs.
        KnownHostsVerifier caOnly = verifier("@cert-authority * " + keyText("ca_ed25519.pub"));
        rejects(caOnly, check("host1", 22, "host_ed25519.pub"), Kind.UNKNOWN);
        rejects(caOnly, check("host1", 22, "ca_ed25519.pub"), Kind.UNKNOWN);
    }

    @Test
    void hostCertificateWithCriticalOptionsIsRefused() throws Exception {
        KeyPair ca = TestCertificates.ed25519();
        byte[] blob = TestCertificates.forKey(TestCertificates.ed25519()).criticalOption("force-command", "x")
                .signedBy(ca);
        KnownHostsVerifier v = verifier("@cert-authority * "
                + SshPublicKeys.toText(SshPublicKeys.fromJavaKey(ca.getPublic())));
        HostKeyCheck c = new HostKeyCheck("host1", 22, "ssh-ed25519-cert-v01@openssh.com", blob);
        HostKeyVerificationException e = rejects(v, c, Kind.CERTIFICATE_INVALID);
        assertTrue(e.getMessage().contains("critical options"), e.getMessage());
    }

    @Test
    void multipleFilesCountTogetherAndMissingFilesAreEmpty() throws Exception {
        Path user = dir.resolve("user_known_hosts");
        Path global = dir.resolve("global_known_hosts");
        Files.writeString(global, "host1 " + keyText("host_ed25519.pub") + "\n");
        KnownHostsVerifier v = KnownHostsVerifier.of(user, global, dir.resolve("missing"));
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 22, "host_ed25519.pub")).verifiedBy());
        Files.writeString(user, "@revoked host1 " + keyText("host_ed25519.pub") + "\n");
        rejects(v, check("host1", 22, "host_ed25519.pub"), Kind.REVOKED);
    }

    @Test
    void r15UnreadableFileRejectsWithTheErrorAsCause() throws Exception {
        Path notAFile = Files.createDirectory(dir.resolve("known_hosts_dir"));
        KnownHostsVerifier v = KnownHostsVerifier.of(notAFile);
        HostKeyVerificationException e = rejects(v, check("host1", 22, "host_ed25519.pub"), Kind.VERIFIER_ERROR);
        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(e.getMessage().contains(notAFile.toString()), e.getMessage());
    }

    @Test
    void r15MalformedRevocationOrCaLineRejectsEverything() throws Exception {
        KnownHostsVerifier v = verifier("host1 " + keyText("host_ed25519.pub"), "@revoked * ssh-ed25519 AAAAbroken");
        HostKeyVerificationException e = rejects(v, check("host1", 22, "host_ed25519.pub"), Kind.VERIFIER_ERROR);
        assertNotNull(e.getCause());
        assertTrue(e.getMessage().contains(":2"), e.getMessage());
        KnownHostsVerifier ca = verifier("host1 " + keyText("host_ed25519.pub"), "@cert-authority *");
        rejects(ca, check("host1", 22, "host_ed25519.pub"), Kind.VERIFIER_ERROR);
    }

    @Test
    void malformedPlainLinesAndUnsupportedTypesAreSkippedAsOpenSshDoes() throws Exception {
        KnownHostsVerifier v = verifier("host1 ssh-ed25519 !!!", "host1", "host1 ssh-dss AAAAB3NzaC1kc3M=",
                "host1 sk-ssh-ed25519@openssh.com AAAA", "|1|bad|hash ssh-ed25519 AAAA", "@unknown-marker x y z",
                "host1 " + keyText("host_ed25519.pub"));
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 22, "host_ed25519.pub")).verifiedBy());
    }

    @Test
    void keyThatDoesNotFitTheNegotiatedAlgorithmIsAPolicyError() throws Exception {
        KnownHostsVerifier v = verifier("host1 " + keyText("host_ed25519.pub"));
        SshPublicKey ed = key("host_ed25519.pub");
        rejects(v, new HostKeyCheck("host1", 22, "rsa-sha2-512", ed.encoded()), Kind.POLICY);
        rejects(v, new HostKeyCheck("host1", 22, "ssh-ed25519-cert-v01@openssh.com", ed.encoded()), Kind.POLICY);
        rejects(v, new HostKeyCheck("host1", 22, "ssh-ed25519", new byte[] {0, 0, 0, 1}), Kind.POLICY);
        SshPublicKey rsa = key("host_rsa.pub");
        for (String alg : new String[] {"rsa-sha2-256", "rsa-sha2-512", "ssh-rsa"}) {
            rejects(v, new HostKeyCheck("host1", 22, alg, rsa.encoded()), Kind.UNKNOWN);
        }
    }

    @Test
    void hashedEntryForANonStandardPortIsTheHashOfTheBracketedName() throws Exception {
        byte[] salt = new byte[20];
        String field = HostPatterns.hash("[host1]:2200", salt);
        KnownHostsVerifier v = verifier(field + " " + keyText("host_ed25519.pub"));
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 2200, "host_ed25519.pub")).verifiedBy());
        rejects(v, check("host1", 22, "host_ed25519.pub"), Kind.UNKNOWN);
        assertFalse(new String(Files.readAllBytes(dir.resolve("known_hosts")), StandardCharsets.UTF_8)
                .contains("host1"));
    }

    @Test
    void r17RevokedHostKeysFromKrlFilesAreRefused() throws Exception {
        Path krl = dir.resolve("revoked.krl");
        Files.write(krl, HostKeyFixtures.bytes("krl_serial"));
        KnownHostsVerifier v = verifier("@cert-authority * " + keyText("ca_ed25519.pub"),
                "host1 " + keyText("host_rsa.pub"));
        assertEquals(VerifiedBy.CA, v.verify(check("host1", 22, "host_ed25519-cert.pub")).verifiedBy());
        KnownHostsVerifier withKrl = v.withRevokedHostKeys(krl);
        HostKeyVerificationException e = rejects(withKrl, check("host1", 22, "host_ed25519-cert.pub"), Kind.REVOKED);
        assertTrue(e.getMessage().contains(krl.toString()), e.getMessage());
        assertEquals(VerifiedBy.KNOWN_HOSTS, withKrl.verify(check("host1", 22, "host_rsa.pub")).verifiedBy());

        Files.write(krl, HostKeyFixtures.bytes("krl_explicit"));
        rejects(withKrl, check("host1", 22, "host_rsa.pub"), Kind.REVOKED);

        // R15: an unusable revocation list refuses everything.
        Files.delete(krl);
        HostKeyVerificationException missing = rejects(withKrl, check("host1", 22, "host_rsa.pub"),
                Kind.VERIFIER_ERROR);
        assertNotNull(missing.getCause());
        Files.write(krl, new byte[] {'S', 'S', 'H', 'K', 'R', 'L', '\n', 0, 0, 0});
        rejects(withKrl, check("host1", 22, "host_rsa.pub"), Kind.VERIFIER_ERROR);
    }

    @Test
    void preferredAlgorithmsFollowWhatIsRecordedForTheHost() throws Exception {
        KnownHostsVerifier v = verifier("host1 " + keyText("host_rsa.pub"), "other " + keyText("host_ecdsa256.pub"),
                "host1,host2 " + keyText("host_ed25519.pub"), "@revoked host1 " + keyText("host_ecdsa256.pub"));
        assertEquals(java.util.List.of("rsa-sha2-512", "rsa-sha2-256", "ssh-ed25519"),
                v.preferredHostKeyAlgorithms("host1", 22));
        assertEquals(java.util.List.of("ssh-ed25519"), v.preferredHostKeyAlgorithms("host2", 22));
        assertEquals(java.util.List.of(), v.preferredHostKeyAlgorithms("host1", 2222));
        KnownHostsVerifier ca = verifier("@cert-authority *.example.com " + keyText("ca_rsa.pub"),
                "a.example.com " + keyText("host_ecdsa256.pub"));
        java.util.List<String> algorithms = ca.preferredHostKeyAlgorithms("a.example.com", 22);
        assertEquals("ssh-ed25519-cert-v01@openssh.com", algorithms.get(0));
        assertTrue(algorithms.contains("rsa-sha2-512-cert-v01@openssh.com"));
        assertFalse(algorithms.contains("ssh-rsa-cert-v01@openssh.com"));
        assertEquals("ecdsa-sha2-nistp256", algorithms.get(algorithms.size() - 1));
        Path directory = Files.createDirectory(dir.resolve("unreadable"));
        assertEquals(java.util.List.of(), KnownHostsVerifier.of(directory).preferredHostKeyAlgorithms("host1", 22));
    }
}
