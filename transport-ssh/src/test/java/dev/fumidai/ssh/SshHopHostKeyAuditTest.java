// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopHostKeyException;
import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.keys.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks that every way a host key can fail a real handshake with MINA SSHD ends in a {@code hop.hostkey} audit
 * event with its own reason (issue 10 item 4, security checklist R15–R17), and that the application gets a
 * {@link HopHostKeyException} that names the hop, with a verdict saying why. Verdicts and reasons are compared
 * as the strings a caller and a SIEM see.
 */
class SshHopHostKeyAuditTest {

    static final Duration T = Duration.ofSeconds(20);
    static final String HOP = "bastion";

    @TempDir
    Path dir;

    InMemoryAuditSink sink;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        sink = InMemoryAuditSink.create();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** Starts a MINA server with the host key, an optional host certificate and optional signature factories. */
    SshServer server(KeyPair hostKey, byte[] certificate, List<NamedFactory<Signature>> signatures) throws Exception {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        if (certificate != null) {
            org.apache.sshd.common.config.keys.OpenSshCertificate minaCert =
                    (org.apache.sshd.common.config.keys.OpenSshCertificate) org.apache.sshd.common.config.keys
                            .PublicKeyEntry.parsePublicKeyEntry("ecdsa-sha2-nistp256-cert-v01@openssh.com "
                                    + Base64.getEncoder().encodeToString(certificate))
                            .resolvePublicKey(null, null, null);
            sshd.setHostKeyCertificateProvider(session -> List.of(minaCert));
        }
        if (signatures != null) {
            sshd.setSignatureFactories(signatures);
        }
        sshd.setPasswordAuthenticator((user, password, session) -> false);
        sshd.setPublickeyAuthenticator((user, key, session) -> false);
        sshd.start();
        toClose.add(() -> sshd.stop(true));
        return sshd;
    }

    /** Connects through one hop named "bastion" and returns the failure the application sees. */
    HopHostKeyException refused(SshServer server, HostKeyVerifier verifier) throws Exception {
        SshHop hop = SshHop.builder().address(Target.of("127.0.0.1", server.getPort())).hostKeyVerifier(verifier)
                .name(HOP).user("ops").identity(SshHopMinaTest.fixture("ed25519_openssh")).build();
        JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:hostkey").auditSink(sink)
                .handshakeTimeout(T).build();
        toClose.add(jh);
        HopHostKeyException e = assertThrows(HopHostKeyException.class,
                () -> jh.connect(Target.of("127.0.0.1", 9), T));
        assertTrue(e.getMessage().startsWith("ssh hop \"" + HOP + "\""), e.getMessage());
        assertEquals(HOP, e.hopName());
        assertEquals(0, e.hopIndex());
        return e;
    }

    /** Returns the single hop.hostkey event after checking its outcome, reason and the key it names. */
    HostKeyChecked audited(String outcome, String reason, String fingerprint) throws Exception {
        HostKeyChecked event = sink.await(HostKeyChecked.class, T);
        assertEquals(outcome, event.outcome().name().toLowerCase(java.util.Locale.ROOT), event.toString());
        assertNotNull(event.reason(), event.toString());
        assertEquals(reason, event.reason().code().wireName(), event.toString());
        assertNotNull(event.hostKey(), "the refused key is in the event: " + event);
        assertEquals(fingerprint, event.hostKey().fingerprint());
        assertEquals(null, event.hostKey().verifiedBy(), "a refused key was verified by nothing");
        assertEquals(1, sink.events(HostKeyChecked.class).size(), sink.events(HostKeyChecked.class).toString());
        assertTrue(sink.events(AuthAttempted.class).isEmpty(), "no credential offered to an unverified server");
        return event;
    }

    static String fingerprint(KeyPair pair) throws Exception {
        return SshPublicKeys.fromJavaKey(pair.getPublic()).fingerprint();
    }

    Path knownHosts(String content) throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void verifierThatThrowsIsAnErrorNotADecision() throws Exception {
        KeyPair hostKey = ec();
        IllegalStateException bug = new IllegalStateException("verifier bug");
        HopHostKeyException e = refused(server(hostKey, null, null), check -> {
            throw bug;
        });
        assertEquals("VERIFIER_ERROR", e.verdict().name());
        assertEquals(fingerprint(hostKey), e.fingerprint());
        Throwable t = e;
        while (t != null && t != bug) {
            t = t.getCause();
        }
        assertEquals(bug, t, "the verifier's exception is in the causes");
        audited("error", "hostkey_verifier_error", fingerprint(hostKey));
    }

    @Test
    void verifierErrorThatIsNotAnExceptionIsCaughtToo() throws Exception {
        KeyPair hostKey = ec();
        HopHostKeyException e = refused(server(hostKey, null, null), check -> {
            throw new StackOverflowError("simulated");
        });
        assertEquals("VERIFIER_ERROR", e.verdict().name());
        audited("error", "hostkey_verifier_error", fingerprint(hostKey));
    }

    @Test
    void nullVerdictIsAnError() throws Exception {
        KeyPair hostKey = ec();
        HopHostKeyException e = refused(server(hostKey, null, null), check -> null);
        assertEquals("NO_VERDICT", e.verdict().name());
        audited("error", "hostkey_no_verdict", fingerprint(hostKey));
    }

    @Test
    void unreadableKnownHostsIsAVerifierError() throws Exception {
        KeyPair hostKey = ec();
        Path directory = Files.createDirectory(dir.resolve("known_hosts.d"));
        HopHostKeyException e = refused(server(hostKey, null, null), KnownHostsVerifier.of(directory));
        assertEquals("VERIFIER_ERROR", e.verdict().name());
        audited("error", "hostkey_verifier_error", fingerprint(hostKey));
    }

    @Test
    void unknownKeyIsDeniedAsUnknown() throws Exception {
        KeyPair hostKey = ec();
        HopHostKeyException e = refused(server(hostKey, null, null), KnownHostsVerifier.of(knownHosts("")));
        assertEquals("UNKNOWN", e.verdict().name());
        audited("denied", "hostkey_unknown", fingerprint(hostKey));
    }

    @Test
    void changedKeyIsDeniedAsMismatch() throws Exception {
        KeyPair hostKey = ec();
        SshServer server = server(hostKey, null, null);
        String other = SshPublicKeys.toText(SshPublicKeys.fromJavaKey(ec().getPublic()));
        HopHostKeyException e = refused(server,
                KnownHostsVerifier.of(knownHosts("[" + HOP + "]:" + server.getPort() + " " + other + "\n")));
        assertEquals("MISMATCH", e.verdict().name());
        audited("denied", "hostkey_mismatch", fingerprint(hostKey));
    }

    @Test
    void keyMarkedRevokedInKnownHostsIsDeniedAsRevoked() throws Exception {
        KeyPair hostKey = ec();
        SshServer server = server(hostKey, null, null);
        String key = SshPublicKeys.toText(SshPublicKeys.fromJavaKey(hostKey.getPublic()));
        HopHostKeyException e = refused(server, KnownHostsVerifier.of(knownHosts(
                "[" + HOP + "]:" + server.getPort() + " " + key + "\n@revoked * " + key + "\n")));
        assertEquals("REVOKED", e.verdict().name());
        audited("denied", "hostkey_revoked", fingerprint(hostKey));
    }

    @Test
    void keyInAKeyRevocationListIsDeniedAsRevoked() throws Exception {
        // krl_sha256 (ssh-keygen -k, see generate-krl.sh) revokes host_ecdsa256 by its SHA-256 hash.
        Path keys = Path.of(getClass().getResource("/dev/fumidai/ssh/keys/host_ecdsa256").toURI()).getParent();
        KeyPair hostKey = new org.apache.sshd.common.keyprovider.FileKeyPairProvider(keys.resolve("host_ecdsa256"))
                .loadKeys(null).iterator().next();
        SshServer server = server(hostKey, null, null);
        String key = SshPublicKeys.toText(SshPublicKeys.fromJavaKey(hostKey.getPublic()));
        HopHostKeyException e = refused(server, KnownHostsVerifier.of(knownHosts(
                "[" + HOP + "]:" + server.getPort() + " " + key + "\n")).withRevokedHostKeys(keys.resolve("krl_sha256")));
        assertEquals("REVOKED", e.verdict().name());
        audited("denied", "hostkey_revoked", fingerprint(hostKey));
    }

    /** Presents a host certificate; known_hosts trusts {@code trustedCa} for every host. */
    void certificateRefused(KeyPair hostKey, byte[] certificate, KeyPair trustedCa) throws Exception {
        certificateRefused(hostKey, certificate, trustedCa, "*", fingerprint(hostKey));
    }

    /** Presents a host certificate; known_hosts trusts {@code trustedCa} for the host pattern. */
    void certificateRefused(KeyPair hostKey, byte[] certificate, KeyPair trustedCa, String pattern,
            String expectedFingerprint) throws Exception {
        SshServer server = server(hostKey, certificate, null);
        String ca = SshPublicKeys.toText(SshPublicKeys.fromJavaKey(trustedCa.getPublic()));
        HopHostKeyException e = refused(server, KnownHostsVerifier.of(knownHosts("@cert-authority " + pattern + " "
                + ca + "\n")));
        assertEquals("CERTIFICATE_INVALID", e.verdict().name(), e.getMessage());
        assertEquals("ecdsa-sha2-nistp256-cert-v01@openssh.com", e.keyAlgorithm());
        assertEquals(expectedFingerprint, e.fingerprint());
        audited("denied", "hostkey_cert_invalid", expectedFingerprint);
    }

    static TestCertificates certificate(KeyPair hostKey) {
        long now = System.currentTimeMillis() / 1000;
        return TestCertificates.forKey(hostKey).principals(HOP).validity(now - 3600, now + 3600)
                .caSignatureAlgorithm("ecdsa-sha2-nistp256");
    }

    @Test
    void expiredCertificateIsDeniedAsInvalidCertificate() throws Exception {
        KeyPair hostKey = ec();
        KeyPair ca = ec();
        long now = System.currentTimeMillis() / 1000;
        certificateRefused(hostKey, certificate(hostKey).validity(now - 7200, now - 3600).signedBy(ca), ca);
    }

    @Test
    void certificateForAnotherPrincipalIsDeniedAsInvalidCertificate() throws Exception {
        KeyPair hostKey = ec();
        KeyPair ca = ec();
        certificateRefused(hostKey, certificate(hostKey).principals("other-host").signedBy(ca), ca);
    }

    @Test
    void certificateFromACaNotTrustedForTheHostIsDeniedAsInvalidCertificate() throws Exception {
        // The CA is known, but only for other hosts (a CA not known at all makes the key merely unknown, as
        // OpenSSH falls back to the plain key).
        KeyPair hostKey = ec();
        KeyPair ca = ec();
        certificateRefused(hostKey, certificate(hostKey).signedBy(ca), ca, "other-*", fingerprint(hostKey));
    }

    @Test
    void certificateWithABadCaSignatureIsDeniedAsInvalidCertificate() throws Exception {
        KeyPair hostKey = ec();
        KeyPair ca = ec();
        byte[] cert = certificate(hostKey).signedBy(ca);
        cert[cert.length - 3] ^= 0x01; // inside the ECDSA s value: still well-formed, no longer valid
        // A certificate that cannot be read names the SHA-256 of the blob the server sent, not the certified key.
        certificateRefused(hostKey, cert, ca, "*", SshPublicKeys.fingerprint(cert));
    }

    @Test
    void badSignatureOverTheExchangeHashIsDenied() throws Exception {
        KeyPair hostKey = ec();
        // The server signs an exchange hash with one bit flipped: a valid signature, but not over H.
        NamedFactory<Signature> real = BuiltinSignatures.nistp256;
        NamedFactory<Signature> lying = new NamedFactory<>() {
            @Override
            public String getName() {
                return real.getName();
            }

            @Override
            public Signature create() {
                Signature s = real.create();
                return new Signature() {
                    @Override
                    public String getAlgorithm() {
                        return s.getAlgorithm();
                    }

                    @Override
                    public void initVerifier(SessionContext c, java.security.PublicKey key) throws Exception {
                        s.initVerifier(c, key);
                    }

                    @Override
                    public void initSigner(SessionContext c, java.security.PrivateKey key) throws Exception {
                        s.initSigner(c, key);
                    }

                    @Override
                    public void update(SessionContext c, byte[] hash, int off, int len) throws Exception {
                        byte[] copy = java.util.Arrays.copyOfRange(hash, off, off + len);
                        copy[0] ^= 0x01;
                        s.update(c, copy, 0, len);
                    }

                    @Override
                    public boolean verify(SessionContext c, byte[] sig) throws Exception {
                        return s.verify(c, sig);
                    }

                    @Override
                    public byte[] sign(SessionContext c) throws Exception {
                        return s.sign(c);
                    }
                };
            }
        };
        SshServer server = server(hostKey, null, List.of(lying));
        HopHostKeyException e = refused(server, PinnedFingerprintVerifier.of(fingerprint(hostKey)));
        assertEquals("BAD_SIGNATURE", e.verdict().name());
        assertEquals(fingerprint(hostKey), e.fingerprint());
        audited("denied", "hostkey_bad_signature", fingerprint(hostKey));
    }

    @Test
    void anotherKeyAtAKeyReExchangeIsDeniedAsMismatch() throws Exception {
        KeyPair first = ec();
        KeyPair second = ec();
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        // The first key exchange (no session id yet) gets the first key, every re-exchange the second.
        sshd.setKeyPairProvider(new KeyPairProvider() {
            @Override
            public Iterable<KeyPair> loadKeys(SessionContext session) {
                return List.of(session == null || session.getSessionId() == null ? first : second);
            }
        });
        sshd.setPublickeyAuthenticator((user, key, session) -> true);
        sshd.setForwardingFilter(org.apache.sshd.server.forward.AcceptAllForwardingFilter.INSTANCE);
        sshd.start();
        toClose.add(() -> sshd.stop(true));
        dev.fumidai.testing.EchoServer echo = dev.fumidai.testing.EchoServer.start();
        toClose.add(echo);
        SshHop hop = SshHop.builder().address(Target.of("127.0.0.1", sshd.getPort()))
                .hostKeyVerifier(PinnedFingerprintVerifier.of(fingerprint(first))).name(HOP).user("ops")
                .identity(SshHopMinaTest.fixture("ed25519_openssh"))
                .transportConfig(SshTransportConfig.builder().rekeyBytes(64 * 1024).build()).build();
        JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:hostkey").auditSink(sink)
                .handshakeTimeout(T).build();
        toClose.add(jh);
        try (dev.fumidai.TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
            // 1 MiB passes the 64 KiB rekey limit; the stream ends (or fails) once the new key is refused.
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < 64; i++) {
                c.outputStream().write(chunk);
            }
            c.outputStream().flush();
            c.inputStream().readAllBytes();
        } catch (java.io.IOException expected) {
            // the connection was closed under the stream: what the application sees of a refused re-exchange
        }
        long deadline = System.nanoTime() + T.toNanos();
        while (sink.events(HostKeyChecked.class).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20); // bounded polling for the dispatcher to deliver the second record
        }
        List<HostKeyChecked> events = sink.events(HostKeyChecked.class);
        assertEquals(2, events.size(), events.toString());
        assertEquals(Outcome.SUCCESS, events.get(0).outcome());
        HostKeyChecked refused = events.get(1);
        assertEquals(Outcome.DENIED, refused.outcome(), refused.toString());
        assertEquals("hostkey_mismatch", refused.reason().code().wireName());
        assertEquals(fingerprint(second), refused.hostKey().fingerprint());
        assertEquals(null, refused.hostKey().verifiedBy());
        assertEquals(events.get(0).connectionId(), refused.connectionId());
    }
}
