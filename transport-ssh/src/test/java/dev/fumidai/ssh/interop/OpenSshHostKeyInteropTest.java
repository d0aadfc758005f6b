// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopHandshakeException;
import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerificationException;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks host-key verification end to end against the system's OpenSSH {@code sshd} with keys and host
 * certificates made by {@code ssh-keygen} (security-checklist R15–R17): the transport calls the known_hosts
 * verifier with the hop's name and port and fails the handshake, naming the hop, when it refuses.
 */
@Tag("interop")
class OpenSshHostKeyInteropTest {

    @TempDir
    Path dir;

    static final String HOST = "127.0.0.1";

    /** Makes a CA, signs the ed25519 host key with the given ssh-keygen options, returns the CA public line. */
    String certify(String... options) throws Exception {
        Path ca = dir.resolve("ca");
        if (!Files.exists(ca)) {
            ExternalServer.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
        }
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        if (!Files.exists(hostKey)) {
            ExternalServer.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        }
        List<String> cmd = new java.util.ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString(), "-h", "-I",
                "test-host"));
        cmd.addAll(List.of(options));
        cmd.add(hostKey + ".pub");
        ExternalServer.run(dir, cmd.toArray(String[]::new));
        return Files.readString(dir.resolve("ca.pub")).trim();
    }

    ExternalServer sshdWithCertificate() throws Exception {
        return OpenSshInteropTest.startSshd(dir, List.of("HostCertificate " + dir.resolve("ssh_host_ed25519_key-cert.pub")));
    }

    SshTransportReadyEvent connect(ExternalServer server, String hostKeyAlgorithm, String knownHosts) throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, knownHosts.replace("HOSTPORT", "[" + HOST + "]:" + server.port));
        SshTransportConfig config = SshTransportConfig.builder().kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256))
                .hostKeyAlgorithms(List.of(hostKeyAlgorithm)).build();
        try (SshTestClient client = new SshTestClient().connect(HOST, server.port, config, KnownHostsVerifier.of(file))) {
            SshTransportReadyEvent ready = client.awaitReady();
            assertEquals(51, client.tryNoneAuth("nobody"));
            return ready;
        }
    }

    String hostKeyLine() throws Exception {
        return Files.readString(dir.resolve("ssh_host_ed25519_key.pub")).trim();
    }

    @Test
    void knownHostsEntryForHostAndPortIsAccepted() throws Exception {
        try (ExternalServer server = OpenSshInteropTest.startSshd(dir, List.of())) {
            SshTransportReadyEvent ready = connect(server, KeyAlgorithms.SSH_ED25519, "HOSTPORT " + hostKeyLine() + "\n");
            assertEquals(VerifiedBy.KNOWN_HOSTS, ready.verdict().verifiedBy());
        }
    }

    @Test
    void r16ADifferentKeyForTheHostFailsTheHandshakeNamingTheHop() throws Exception {
        try (ExternalServer server = OpenSshInteropTest.startSshd(dir, List.of())) {
            Path other = dir.resolve("other");
            ExternalServer.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
            String line = Files.readString(dir.resolve("other.pub")).trim();
            HopHandshakeException e = assertThrows(HopHandshakeException.class,
                    () -> connect(server, KeyAlgorithms.SSH_ED25519, "HOSTPORT " + line + "\n"));
            assertTrue(e.getMessage().startsWith("ssh hop \"test\" 127.0.0.1:" + server.port + ": host key SHA256:"),
                    e.getMessage());
            assertEquals(HostKeyVerificationException.Kind.MISMATCH,
                    assertInstanceOf(HostKeyVerificationException.class, e.getCause()).kind());
        }
    }

    @Test
    void r15AnUnknownHostIsRefused() throws Exception {
        try (ExternalServer server = OpenSshInteropTest.startSshd(dir, List.of())) {
            HopHandshakeException e = assertThrows(HopHandshakeException.class,
                    () -> connect(server, KeyAlgorithms.SSH_ED25519, ""));
            assertEquals(HostKeyVerificationException.Kind.UNKNOWN,
                    ((HostKeyVerificationException) e.getCause()).kind());
        }
    }

    @Test
    void r17HostCertificateFromATrustedCaIsAccepted() throws Exception {
        String ca = certify("-n", HOST);
        try (ExternalServer server = sshdWithCertificate()) {
            SshTransportReadyEvent ready = connect(server, KeyAlgorithms.SSH_ED25519_CERT,
                    "@cert-authority HOSTPORT " + ca + "\n");
            assertEquals(KeyAlgorithms.SSH_ED25519_CERT, ready.hostKeyAlgorithm());
            assertEquals(VerifiedBy.CA, ready.verdict().verifiedBy());
        }
    }

    @Test
    void r17CertificateWithTheWrongPrincipalIsRefused() throws Exception {
        String ca = certify("-n", "somewhere.else");
        try (ExternalServer server = sshdWithCertificate()) {
            HopHandshakeException e = assertThrows(HopHandshakeException.class,
                    () -> connect(server, KeyAlgorithms.SSH_ED25519_CERT, "@cert-authority HOSTPORT " + ca + "\n"));
            assertEquals(HostKeyVerificationException.Kind.CERTIFICATE_INVALID,
                    ((HostKeyVerificationException) e.getCause()).kind());
        }
    }

    @Test
    void r17ExpiredCertificateIsRefused() throws Exception {
        String ca = certify("-n", HOST, "-V", "20200101:20200102");
        try (ExternalServer server = sshdWithCertificate()) {
            HopHandshakeException e = assertThrows(HopHandshakeException.class,
                    () -> connect(server, KeyAlgorithms.SSH_ED25519_CERT, "@cert-authority HOSTPORT " + ca + "\n"));
            assertEquals(HostKeyVerificationException.Kind.CERTIFICATE_INVALID,
                    ((HostKeyVerificationException) e.getCause()).kind());
        }
    }

    @Test
    void r17RevokedCaIsRefused() throws Exception {
        String ca = certify("-n", HOST);
        try (ExternalServer server = sshdWithCertificate()) {
            HopHandshakeException e = assertThrows(HopHandshakeException.class,
                    () -> connect(server, KeyAlgorithms.SSH_ED25519_CERT,
                            "@cert-authority HOSTPORT " + ca + "\n@revoked * " + ca + "\n"));
            assertEquals(HostKeyVerificationException.Kind.REVOKED,
                    ((HostKeyVerificationException) e.getCause()).kind());
        }
    }
}
