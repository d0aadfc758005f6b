// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerificationException.Kind;
import dev.fumidai.ssh.internal.keys.SshKeygen;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security checklist R16 and R17 with keys, certificates and known_hosts files made by the installed
 * OpenSSH {@code ssh-keygen} during the test, and OpenSSH reading the entries we write.
 */
@Tag("interop")
class HostKeyVerificationInteropTest {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    private SshPublicKey pub(String name) throws Exception {
        return SshPublicKeys.parseText(Files.readString(dir.resolve(name)));
    }

    private HostKeyCheck check(String host, int port, String pubFile) throws Exception {
        return HostKeyFixtures.check(host, port, pub(pubFile));
    }

    private String keyText(String pubFile) throws Exception {
        String[] w = Files.readString(dir.resolve(pubFile)).trim().split(" ");
        return w[0] + " " + w[1];
    }

    @Test
    void r16HashedKnownHostsFromSshKeygenAndTofuEntriesOpenSshCanFind() throws Exception {
        SshKeygen.generate(dir, "host_ed25519", "-t", "ed25519");
        SshKeygen.generate(dir, "host_ecdsa", "-t", "ecdsa", "-b", "384");
        SshKeygen.generate(dir, "host_rsa", "-t", "rsa", "-b", "3072");
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "alpha,beta " + keyText("host_ed25519.pub") + "\n[gamma]:2022 " + keyText("host_ecdsa.pub")
                + "\nalpha " + keyText("host_rsa.pub"));
        SshKeygen.run(dir, "-q", "-H", "-f", kh.toString());
        String hashed = Files.readString(kh);
        assertTrue(!hashed.contains("alpha") && !hashed.contains("gamma"), hashed);

        KnownHostsVerifier v = KnownHostsVerifier.of(kh);
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("alpha", 22, "host_ed25519.pub")).verifiedBy());
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("beta", 22, "host_ed25519.pub")).verifiedBy());
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("alpha", 22, "host_rsa.pub")).verifiedBy());
        assertEquals(VerifiedBy.KNOWN_HOSTS, v.verify(check("gamma", 2022, "host_ecdsa.pub")).verifiedBy());
        assertEquals(Kind.UNKNOWN, assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("gamma", 22, "host_ecdsa.pub"))).kind());

        // What TOFU writes, OpenSSH finds (ssh-keygen -F looks names up like ssh does).
        Path tofuFile = dir.resolve("tofu_known_hosts");
        TrustOnFirstUseVerifier tofu = TrustOnFirstUseVerifier.acceptNewAndRecord(tofuFile);
        assertTrue(tofu.verify(check("delta.example", 2200, "host_ed25519.pub")).recorded());
        assertTrue(tofu.verify(check("epsilon", 22, "host_rsa.pub")).recorded());
        String found = SshKeygen.run(dir, "-F", "[delta.example]:2200", "-f", tofuFile.toString());
        assertTrue(found.contains(keyText("host_ed25519.pub")), found);
        found = SshKeygen.run(dir, "-F", "epsilon", "-f", tofuFile.toString());
        assertTrue(found.contains(keyText("host_rsa.pub")), found);
    }

    @Test
    void r17HostCertificatesSignedWithSshKeygen() throws Exception {
        SshKeygen.generate(dir, "ca", "-t", "ed25519");
        SshKeygen.generate(dir, "ca_rsa", "-t", "rsa", "-b", "2048");
        SshKeygen.generate(dir, "host", "-t", "ecdsa", "-b", "256");
        Instant now = Instant.now();
        String validity = STAMP.format(now.minusSeconds(300)) + ":" + STAMP.format(now.plusSeconds(3600));
        sign("ok", "ca", "-I", "ok", "-h", "-n", "web1,web1.internal", "-V", validity);
        sign("noprincipals", "ca", "-I", "none", "-h", "-V", validity);
        sign("wrong", "ca", "-I", "wrong", "-h", "-n", "web2", "-V", validity);
        sign("expired", "ca", "-I", "expired", "-h", "-n", "web1", "-V",
                STAMP.format(now.minusSeconds(7200)) + ":" + STAMP.format(now.minusSeconds(3600)));
        sign("future", "ca", "-I", "future", "-h", "-n", "web1", "-V",
                STAMP.format(now.plusSeconds(3600)) + ":" + STAMP.format(now.plusSeconds(7200)));
        sign("user", "ca", "-I", "user", "-n", "web1", "-V", validity);
        sign("rsaca", "ca_rsa", "-I", "rsa", "-h", "-n", "web1", "-V", validity);

        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "@cert-authority web*,!web9 " + keyText("ca.pub") + "\n@cert-authority db* "
                + keyText("ca_rsa.pub") + "\n");
        KnownHostsVerifier v = KnownHostsVerifier.of(kh);
        assertEquals(VerifiedBy.CA, v.verify(check("web1", 22, "ok-cert.pub")).verifiedBy());
        assertEquals(VerifiedBy.CA, v.verify(check("web1.internal", 22, "ok-cert.pub")).verifiedBy());
        // As in OpenSSH, a pattern is matched against "[web1]:2222" for another port: web* does not match it.
        assertEquals(Kind.CERTIFICATE_INVALID, assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("web1", 2222, "ok-cert.pub"))).kind());
        for (String bad : new String[] {"noprincipals", "wrong", "expired", "future", "user"}) {
            HostKeyVerificationException e = assertThrows(HostKeyVerificationException.class,
                    () -> v.verify(check("web1", 22, bad + "-cert.pub")), bad);
            assertEquals(Kind.CERTIFICATE_INVALID, e.kind(), bad + ": " + e.getMessage());
        }
        // CA trusted for db*, not for web1.
        assertEquals(Kind.CERTIFICATE_INVALID, assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("web1", 22, "rsaca-cert.pub"))).kind());
        // Negated pattern: the CA is not trusted for web9.
        assertThrows(HostKeyVerificationException.class, () -> v.verify(check("web9", 22, "ok-cert.pub")));

        Files.writeString(kh, "@revoked * " + keyText("ca.pub") + "\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(Kind.REVOKED, assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("web1", 22, "ok-cert.pub"))).kind());
    }

    private void sign(String name, String ca, String... args) throws Exception {
        Files.copy(dir.resolve("host.pub"), dir.resolve(name + ".pub"));
        String[] all = new String[args.length + 4];
        all[0] = "-q";
        all[1] = "-s";
        all[2] = ca;
        System.arraycopy(args, 0, all, 3, args.length);
        all[all.length - 1] = name + ".pub";
        SshKeygen.run(dir, all);
    }
}
