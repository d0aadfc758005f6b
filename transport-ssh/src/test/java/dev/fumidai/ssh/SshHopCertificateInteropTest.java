// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.Target;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.audit.Outcome;
import dev.fumidai.spi.HopSession;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * Authenticates an {@link SshHop} to MINA SSHD with an OpenSSH user certificate that {@code ssh-keygen -s}
 * signs in the test: the server trusts only the CA, not the key, and the audit event carries the certificate.
 */
@Tag("interop")
class SshHopCertificateInteropTest {

    /** Lends its HopContext (direct TCP upstream, recording audit emitter); its own server is not started. */
    final SshHopSessionTest helper = new SshHopSessionTest();

    @TempDir
    Path dir;

    String caFingerprint;
    SshServer certServer;

    @BeforeEach
    void signCertificate() throws Exception {
        Path ca = copy("keys/ca_ed25519", "ca");
        caFingerprint = SshPublicKeys.parseText(new String(getClass()
                .getResourceAsStream("/dev/fumidai/ssh/keys/ca_ed25519.pub").readAllBytes(), StandardCharsets.UTF_8))
                .fingerprint();
        Path key = copy("privkeys/ecdsa256_openssh", "id_ecdsa");
        copy("privkeys/ecdsa256.pub", "id_ecdsa.pub");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-s", ca.toString(), "-I", "ops@test", "-n", "ops",
                "-z", "42", "-V", "-5m:+1h", dir.resolve("id_ecdsa.pub").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "ssh-keygen -s failed: " + out);
        assertTrue(Files.exists(dir.resolve("id_ecdsa-cert.pub")));

        KeyPair hostKey = KeyPairGenerator.getInstance("EC").generateKeyPair();
        certServer = SshServer.setUpDefaultServer();
        certServer.setHost("127.0.0.1");
        certServer.setPort(0);
        certServer.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
        // Trust the CA only: a certificate signed by it is accepted, the bare key is not.
        certServer.setPublickeyAuthenticator((user, k, session) -> k instanceof OpenSshCertificate c
                && caFingerprint.equals(SshHopMinaTest.fingerprint(c.getCaPubKey())));
        certServer.start();
        hostFingerprint = SshPublicKeys.fromJavaKey(hostKey.getPublic()).fingerprint();
        identity = key;
    }

    String hostFingerprint;
    Path identity;

    Path copy(String resource, String name) throws Exception {
        Path target = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/dev/fumidai/ssh/" + resource)) {
            Files.copy(in, target);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        return target;
    }

    @AfterEach
    void stopCertServer() throws Exception {
        certServer.stop(true);
        helper.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    SshHop hop() {
        int port = ((java.net.InetSocketAddress) certServer.getBoundAddresses().iterator().next()).getPort();
        return SshHop.builder().address(Target.of("127.0.0.1", port))
                .hostKeyVerifier(PinnedFingerprintVerifier.of(hostFingerprint)).name("bastion").user("ops")
                .identity(identity).build();
    }

    @Test
    void authenticatesWithAUserCertificate() throws Exception {
        HopSession session = hop().connect(helper.context()).get(30, TimeUnit.SECONDS);
        try {
            AuthAttempted ok = null;
            for (AuditEvent e : helper.events) {
                if (e instanceof AuthAttempted a && a.outcome() == Outcome.SUCCESS) {
                    ok = a;
                }
            }
            assertNotNull(ok, helper.events::toString);
            assertEquals(CredentialType.CERTIFICATE, ok.credential().type());
            assertEquals("ops@test", ok.credential().cert().keyId());
            assertEquals(42, ok.credential().cert().serial());
            assertEquals(caFingerprint, ok.credential().cert().caFingerprint());
            assertEquals(List.of("ops"), ok.credential().cert().principals());
        } finally {
            session.close().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void certificateFileNamesACertificateKeptAwayFromItsKey() throws Exception {
        // CertificateFile: the certificate lives elsewhere and under another name; without the option the bare
        // key alone is offered and the CA-only server refuses it.
        Path elsewhere = Files.createDirectories(dir.resolve("certs")).resolve("ops.cert");
        Files.move(dir.resolve("id_ecdsa-cert.pub"), elsewhere);
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> hop().connect(helper.context()).get(30, TimeUnit.SECONDS));
        assertTrue(String.valueOf(refused.getCause()).contains("tried [publickey"), refused::toString);
        helper.events.clear();
        HopSession session = hop().toBuilder().certificate(elsewhere).build().connect(helper.context())
                .get(30, TimeUnit.SECONDS);
        try {
            assertTrue(helper.events.stream().anyMatch(e -> e instanceof AuthAttempted a
                    && a.outcome() == Outcome.SUCCESS && a.credential().type() == CredentialType.CERTIFICATE),
                    helper.events::toString);
        } finally {
            session.close().get(10, TimeUnit.SECONDS);
        }
    }
}
