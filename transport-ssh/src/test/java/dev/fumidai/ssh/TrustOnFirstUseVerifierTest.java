// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static dev.fumidai.ssh.HostKeyFixtures.IN_2026;
import static dev.fumidai.ssh.HostKeyFixtures.check;
import static dev.fumidai.ssh.HostKeyFixtures.key;
import static dev.fumidai.ssh.HostKeyFixtures.keyText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerificationException.Kind;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.keys.TestCertificates;
import dev.fumidai.ssh.internal.knownhosts.HostPatterns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustOnFirstUseVerifierTest {

    @TempDir
    Path dir;

    @Test
    void recordsAnUnknownHostOnceAsAHashedLineThenVerifiesIt() throws Exception {
        Path file = dir.resolve("ssh").resolve("known_hosts");
        TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file);
        HostKeyVerdict first = v.verify(check("host1", 2222, "host_ed25519.pub"));
        assertEquals(VerifiedBy.TOFU, first.verifiedBy());
        assertTrue(first.recorded());
        assertEquals(key("host_ed25519.pub").fingerprint(), first.fingerprint());

        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        String[] words = lines.get(0).split(" ");
        assertEquals(3, words.length);
        assertEquals(HostPatterns.Match.MATCH, HostPatterns.matchField(words[0], "[host1]:2222"));
        assertFalse(lines.get(0).contains("host1"), "the host name is hashed");
        assertEquals(keyText("host_ed25519.pub"), words[1] + " " + words[2]);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        HostKeyVerdict second = v.verify(check("host1", 2222, "host_ed25519.pub"));
        assertEquals(VerifiedBy.KNOWN_HOSTS, second.verifiedBy());
        assertFalse(second.recorded());
        assertEquals(1, Files.readAllLines(file).size());
        // The strict verifier agrees with what was written.
        assertEquals(VerifiedBy.KNOWN_HOSTS,
                KnownHostsVerifier.of(file).verify(check("host1", 2222, "host_ed25519.pub")).verifiedBy());
    }

    @Test
    void hashKnownHostsNoRecordsThePlainNameThatOpenSshReadsBack() throws Exception {
        Path file = dir.resolve("plain_known_hosts");
        TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file).withHashedHostNames(false);
        assertTrue(v.verify(check("host2", 2222, "host_ed25519.pub")).recorded());
        assertTrue(v.verify(check("host3", 22, "host_ed25519.pub")).recorded());
        assertEquals(List.of("[host2]:2222 " + keyText("host_ed25519.pub"), "host3 " + keyText("host_ed25519.pub")),
                Files.readAllLines(file));
        assertEquals(VerifiedBy.KNOWN_HOSTS,
                KnownHostsVerifier.of(file).verify(check("host2", 2222, "host_ed25519.pub")).verifiedBy());
        assertTrue(TrustOnFirstUseVerifier.acceptNewAndRecord(file).isHashingHostNames(), "hashed by default");
    }

    @Test
    void stillRejectsMismatchRevokedAndNewTypesWithoutWriting() throws Exception {
        Path file = dir.resolve("known_hosts");
        SshPublicKey other = SshPublicKeys.fromJavaKey(TestCertificates.ed25519().getPublic());
        String content = "host1 " + SshPublicKeys.toText(other) + "\n@revoked host2 " + keyText("host_ed25519.pub")
                + "\nhost3 " + keyText("host_rsa.pub") + "\n";
        Files.writeString(file, content);
        TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file);
        assertEquals(Kind.MISMATCH, assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("host1", 22, "host_ed25519.pub"))).kind());
        assertEquals(Kind.REVOKED, assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("host2", 22, "host_ed25519.pub"))).kind());
        HostKeyVerificationException newType = assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("host3", 22, "host_ed25519.pub")));
        assertEquals(Kind.MISMATCH, newType.kind());
        assertTrue(newType.getMessage().contains("not recorded"), newType.getMessage());
        assertEquals(content, Files.readString(file));
    }

    @Test
    void invalidCertificateFromATrustedCaIsNotRecorded() throws Exception {
        Path file = dir.resolve("known_hosts");
        String content = "@cert-authority * " + keyText("ca_ed25519.pub") + "\n";
        Files.writeString(file, content);
        TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file).withClock(IN_2026);
        assertEquals(VerifiedBy.CA, v.verify(check("host1", 22, "host_ed25519-cert.pub")).verifiedBy());
        assertEquals(Kind.CERTIFICATE_INVALID, assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("host1", 22, "host_ed25519-expired-cert.pub"))).kind());
        assertEquals(content, Files.readString(file));
    }

    /**
     * Issue #10, must hold 6: a host matched by {@code @cert-authority} is known, so trust on first use cannot
     * downgrade it to a raw key (a plain key, or a certificate from another CA); hosts the CA line does not
     * match are still recorded.
     */
    @Test
    void aHostTrustedThroughACertificateAuthorityIsKnownAndNeverDowngradedToARawKey() throws Exception {
        Path file = dir.resolve("known_hosts");
        String content = "@cert-authority *.corp " + keyText("ca_ed25519.pub") + "\n";
        Files.writeString(file, content);
        TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file).withClock(IN_2026);
        HostKeyVerificationException plain = assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("db.corp", 22, "host_ed25519.pub")));
        assertEquals(Kind.MISMATCH, plain.kind());
        assertTrue(plain.getMessage().contains("@cert-authority"), plain.getMessage());
        SshPublicKey otherCaCert = SshPublicKeys.parse(TestCertificates.forKey(TestCertificates.ed25519())
                .principals("db.corp").signedBy(TestCertificates.ed25519()));
        assertEquals(Kind.MISMATCH, assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("db.corp", 22, otherCaCert))).kind());
        assertEquals(content, Files.readString(file), "nothing recorded for a CA-trusted host");
        assertTrue(v.verify(check("elsewhere", 22, "host_ed25519.pub")).recorded(), "other hosts are still TOFU");
    }

    /**
     * Issue #10, must hold 9: a host name that reaches the verifier however it was built cannot make a line we
     * write into a pattern, a negation or a forged hashed entry, in either recording mode.
     */
    @Test
    void recordedLinesNeverCarryPatternsOrForgedHashedEntries() throws Exception {
        for (boolean hashed : new boolean[] {true, false}) {
            Path file = dir.resolve("known_hosts_" + hashed);
            TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file).withHashedHostNames(hashed);
            for (String host : List.of("*", "db?", "!db", "a,b", "|1|c2FsdA==|aGFzaA==", "[db]:22", "db #x", "db\tx")) {
                assertThrows(HostKeyVerificationException.class, () -> v.verify(check(host, 22, "host_ed25519.pub")),
                        () -> "recorded " + host);
            }
            assertFalse(Files.exists(file) && Files.size(file) > 0, () -> "written: " + file);
        }
    }

    @Test
    void appendsAfterALastLineWithoutNewlineWithoutCorruptingIt() throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, "host0 " + keyText("host_rsa.pub"));
        TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file);
        assertTrue(v.verify(check("host1", 22, "host_ed25519.pub")).recorded());
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertEquals("host0 " + keyText("host_rsa.pub"), lines.get(0));
        KnownHostsVerifier strict = KnownHostsVerifier.of(file);
        assertEquals(VerifiedBy.KNOWN_HOSTS, strict.verify(check("host0", 22, "host_rsa.pub")).verifiedBy());
        assertEquals(VerifiedBy.KNOWN_HOSTS, strict.verify(check("host1", 22, "host_ed25519.pub")).verifiedBy());
    }

    @Test
    void keysInReadOnlyFilesAreHonouredAndNotCopied() throws Exception {
        Path file = dir.resolve("known_hosts");
        Path global = dir.resolve("ssh_known_hosts");
        Files.writeString(global, "host1 " + keyText("host_ed25519.pub") + "\n");
        TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file, global);
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("host1", 22, "host_ed25519.pub")).verifiedBy());
        assertFalse(Files.exists(file));
    }

    @Test
    void r16ConcurrentFirstConnectionsRecordExactlyOneEntryPerHost() throws Exception {
        Path file = dir.resolve("known_hosts");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HostKeyVerdict>> results = new ArrayList<>();
            for (int i = 0; i < threads * 4; i++) {
                String host = "host" + (i % 4);
                // Each thread has its own verifier, as separate JumpHosts would.
                TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file);
                Callable<HostKeyVerdict> task = () -> {
                    start.await();
                    return v.verify(check(host, 22, "host_ed25519.pub"));
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            int recorded = 0;
            for (Future<HostKeyVerdict> f : results) {
                if (f.get(30, TimeUnit.SECONDS).recorded()) {
                    recorded++;
                }
            }
            assertEquals(4, recorded);
            List<String> lines = Files.readAllLines(file);
            assertEquals(4, lines.size(), lines.toString());
            KnownHostsVerifier strict = KnownHostsVerifier.of(file);
            for (int h = 0; h < 4; h++) {
                assertEquals(VerifiedBy.KNOWN_HOSTS, strict.verify(check("host" + h, 22, "host_ed25519.pub"))
                        .verifiedBy());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void r16ConcurrentWritersInSeparateProcessesRecordEachHostOnce() throws Exception {
        Path file = dir.resolve("known_hosts");
        Path start = dir.resolve("go");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        List<Process> processes = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            // Each process records hostA and hostB (all race on them) and one host of its own.
            processes.add(new ProcessBuilder(javaBin, "-cp", classpath, TofuWriterProcess.class.getName(),
                    file.toString(), start.toString(), keyText("host_ed25519.pub"), "hostA", "own" + p, "hostB")
                    .redirectErrorStream(true).start());
        }
        Files.createFile(start);
        int recorded = 0;
        for (Process p : processes) {
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not finish");
            assertEquals(0, p.exitValue(), out);
            recorded += (int) out.lines().filter(l -> l.endsWith(" true")).count();
        }
        assertEquals(6, recorded, "hostA, hostB and four own hosts are each recorded once");
        List<String> lines = Files.readAllLines(file);
        assertEquals(6, lines.size(), lines.toString());
        KnownHostsVerifier strict = KnownHostsVerifier.of(file);
        for (String host : List.of("hostA", "hostB", "own0", "own1", "own2", "own3")) {
            assertEquals(VerifiedBy.KNOWN_HOSTS, strict.verify(check(host, 22, "host_ed25519.pub")).verifiedBy());
        }
    }
}
