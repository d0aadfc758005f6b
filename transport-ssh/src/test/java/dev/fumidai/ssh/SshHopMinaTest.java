// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopHostKeyException;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.spi.Hop;
import dev.fumidai.ssh.internal.keys.SshPrivateKeys;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Opens tunnels through {@link SshHop}s to Apache MINA SSHD 2.20 servers in the same JVM with the core's
 * {@link JumpHost}: one hop with a local forward to an echo server, a two-hop route whose second server is
 * reached through the first's {@code direct-tcpip}, a wrong key at hop 2 named as hop 2, and
 * {@code ssh://} URIs in {@code Route.parse}.
 */
class SshHopMinaTest {

    static final Duration T = Duration.ofSeconds(20);

    /** One in-JVM SSH server with its own host key, authorized key and record of direct-tcpip targets. */
    static final class Bastion implements AutoCloseable {
        final SshServer server;
        final String hostKeyFingerprint;
        final List<String> forwardedTo = new CopyOnWriteArrayList<>();

        Bastion(String authorizedFingerprint) throws Exception {
            KeyPair hostKey = KeyPairGenerator.getInstance("EC").generateKeyPair();
            hostKeyFingerprint = SshPublicKeys.fromJavaKey(hostKey.getPublic()).fingerprint();
            server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
            server.setPublickeyAuthenticator((user, key, session) -> "ops".equals(user)
                    && authorizedFingerprint.equals(fingerprint(key)));
            server.setForwardingFilter(new ForwardingFilter() {
                @Override
                public boolean canForwardAgent(org.apache.sshd.common.session.Session s, String type) {
                    return false;
                }

                @Override
                public boolean canForwardX11(org.apache.sshd.common.session.Session s, String type) {
                    return false;
                }

                @Override
                public boolean canListen(org.apache.sshd.common.util.net.SshdSocketAddress a,
                        org.apache.sshd.common.session.Session s) {
                    return false;
                }

                @Override
                public boolean canConnect(Type type, org.apache.sshd.common.util.net.SshdSocketAddress a,
                        org.apache.sshd.common.session.Session s) {
                    forwardedTo.add(a.getHostName() + ":" + a.getPort());
                    return true;
                }
            });
            server.start();
        }

        int port() {
            return ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
        }

        HostKeyVerifier pinned() {
            return PinnedFingerprintVerifier.of(hostKeyFingerprint);
        }

        @Override
        public void close() throws Exception {
            server.stop(true);
        }
    }

    static String fingerprint(PublicKey key) {
        try {
            return SshPublicKeys.fromJavaKey(key).fingerprint();
        } catch (Exception e) {
            return "unparseable";
        }
    }

    /**
     * Returns a key fixture's path, readable by its owner only: key files open to others are refused as OpenSSH
     * refuses them, and the build copies resources with the umask's mode.
     */
    static Path fixture(String name) throws Exception {
        Path p = Path.of(SshHopMinaTest.class.getResource("/dev/fumidai/ssh/privkeys/" + name).toURI());
        java.nio.file.Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                "rw-------"));
        return p;
    }

    static String fingerprintOf(String name) throws Exception {
        return SshPrivateKeys.read(fixture(name), PassphraseProvider.none()).publicKey().fingerprint();
    }

    EchoServer echo;
    InMemoryAuditSink sink;
    final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        sink = InMemoryAuditSink.create();
    }

    @AfterEach
    void stop() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            c.close();
        }
        echo.close();
    }

    <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    SshHop hop(Bastion b, String name, String key) throws Exception {
        return SshHop.builder().address(Target.of("127.0.0.1", b.port())).hostKeyVerifier(b.pinned())
                .name(name).user("ops").identity(fixture(key)).build();
    }

    JumpHost jumpHost(Hop... hops) {
        return closeLater(JumpHost.builder().route(Route.of(hops)).actor("test:ssh").auditSink(sink)
                .handshakeTimeout(T).build());
    }

    static byte[] readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void forwardThroughOneHop() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        JumpHost jh = jumpHost(hop(b1, "bastion", "ed25519_openssh"));
        byte[] data = random(1_000_000);
        try (LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()));
                Socket s = new Socket("127.0.0.1", fwd.localPort())) {
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            assertArrayEquals(data, readAll(s.getInputStream()));
            writer.join();
        }
        assertEquals(List.of("127.0.0.1:" + echo.port()), b1.forwardedTo);
        HostKeyChecked hk = sink.await(HostKeyChecked.class, T);
        assertEquals(Outcome.SUCCESS, hk.outcome());
        assertEquals(b1.hostKeyFingerprint, hk.hostKey().fingerprint());
        assertEquals(VerifiedBy.PINNED, hk.hostKey().verifiedBy());
        assertNotNull(hk.hop().crypto());
        AuthAttempted auth = sink.events(AuthAttempted.class).stream()
                .filter(a -> a.outcome() == Outcome.SUCCESS).findFirst().orElseThrow();
        assertEquals(CredentialType.PUBLICKEY, auth.credential().type());
        assertEquals(fingerprintOf("ed25519_openssh"), auth.credential().fingerprint());
        assertEquals("ops", auth.remoteLogin());
        assertFalse(auth.trivial());
    }

    @Test
    void twoHopsReachTheSecondThroughTheFirst() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        Bastion b2 = closeLater(new Bastion(fingerprintOf("ecdsa256_openssh")));
        JumpHost jh = jumpHost(hop(b1, "outer", "ed25519_openssh"), hop(b2, "inner", "ecdsa256_openssh"));
        byte[] data = random(200_000);
        try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
            Thread writer = new Thread(() -> {
                try {
                    c.outputStream().write(data);
                    c.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            assertArrayEquals(data, readAll(c.inputStream()));
            writer.join();
        }
        assertEquals(List.of("127.0.0.1:" + b2.port()), b1.forwardedTo, "hop 1 carried the SSH connection to hop 2");
        assertEquals(List.of("127.0.0.1:" + echo.port()), b2.forwardedTo, "hop 2 opened the target");
        List<HostKeyChecked> checks = sink.events(HostKeyChecked.class);
        assertEquals(Set.of(0, 1), Set.copyOf(checks.stream().map(HostKeyChecked::hopIndex).toList()));
    }

    static String pingOnCallbackThread(TunnelConnection c) {
        try (c) {
            c.outputStream().write("ping\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            c.outputStream().flush();
            byte[] echoed = c.inputStream().readNBytes(5); // blocks until the event loop delivers the echo
            return Thread.currentThread().getName() + ":" + new String(echoed, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCallbackOnTheConnectFutureMayBlockReadingTheStream() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        // One event loop: a callback run on it that blocks on a read would starve the read of its data forever.
        JumpHost jh = closeLater(JumpHost.builder().route(Route.of(hop(b1, "bastion", "ed25519_openssh")))
                .actor("test:ssh").auditSink(sink).handshakeTimeout(T).threads(1).build());
        String got = jh.connect(Target.of("127.0.0.1", echo.port())).thenApply(SshHopMinaTest::pingOnCallbackThread)
                .get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(got.startsWith("fumidai-callback-"), got);
        assertTrue(got.endsWith(":ping\n"), got);
    }

    @Test
    void futuresCompleteOnTheConfiguredCallbackExecutor() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        java.util.concurrent.ExecutorService mine = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "app-callbacks"));
        try {
            JumpHost jh = closeLater(JumpHost.builder().route(Route.of(hop(b1, "bastion", "ed25519_openssh")))
                    .actor("test:ssh").auditSink(sink).handshakeTimeout(T).threads(1).callbackExecutor(mine)
                    .build());
            String hops = jh.connectHops().thenApply(v -> Thread.currentThread().getName())
                    .get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("app-callbacks", hops);
            String got = jh.connect(Target.of("127.0.0.1", echo.port()))
                    .thenApply(SshHopMinaTest::pingOnCallbackThread)
                    .get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("app-callbacks:ping\n", got);
        } finally {
            mine.shutdownNow();
        }
    }

    @Test
    void cancelledConnectsLeaveNoStreamOpen() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        JumpHost jh = jumpHost(hop(b1, "bastion", "ed25519_openssh"));
        Target target = Target.of("127.0.0.1", echo.port());
        jh.connect(target, T).close(); // the hop session is up; every later open is a stream on it
        int n = 1_000;
        int delivered = 0;
        for (int i = 0; i < n; i++) {
            java.util.concurrent.CompletableFuture<TunnelConnection> f = jh.connect(target);
            if (!f.cancel(false) && !f.isCompletedExceptionally()) {
                // The stream opened before cancel() ran (the calling thread was descheduled in between, as on a
                // loaded machine): it was delivered, so it is the application's to close, as here.
                f.join().close();
                delivered++;
            }
        }
        // Every open finishes one way or the other (forward.open, success or failure), and each stream that
        // opened after its future was cancelled is closed again (forward.close).
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long opened;
        long tried;
        long closedStreams;
        do {
            Thread.sleep(100);
            List<dev.fumidai.audit.ForwardOpened> opens = sink.events(dev.fumidai.audit.ForwardOpened.class);
            tried = opens.size();
            opened = opens.stream().filter(o -> o.outcome() == Outcome.SUCCESS).count();
            closedStreams = sink.events(dev.fumidai.audit.ForwardClosed.class).size();
        } while ((tried < n + 1 || closedStreams < opened) && System.nanoTime() < deadline);
        assertEquals(n + 1, tried, "every connect finished opening");
        assertTrue(opened > 1, "some streams opened after their future was cancelled: " + opened);
        assertEquals(opened, closedStreams, "streams left open after " + n + " cancelled connects (" + delivered
                + " of them delivered before their cancel, and closed by the test)");
    }

    @Test
    void wrongKeyAtHopTwoNamesHopTwo() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        Bastion b2 = closeLater(new Bastion(fingerprintOf("ecdsa256_openssh")));
        JumpHost jh = jumpHost(hop(b1, "outer", "ed25519_openssh"), hop(b2, "inner", "rsa_openssh"));
        HopAuthenticationException auth = assertThrows(HopAuthenticationException.class,
                () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
        assertTrue(auth.getMessage().startsWith("ssh hop \"inner\" 127.0.0.1:" + b2.port()), auth.getMessage());
        assertEquals("inner", auth.hopName());
        assertEquals(1, auth.hopIndex());
        assertNull(auth.target(), "a hop's own failure names no target");
        assertTrue(auth.getMessage().contains("publickey"), auth.getMessage());
        assertTrue(sink.events(AuthAttempted.class).stream()
                .anyMatch(a -> a.hopIndex() == 0 && a.outcome() == Outcome.SUCCESS), "hop 1 unaffected");
    }

    @Test
    void wrongHostKeyFailsTheHandshake() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        SshHop hop = SshHop.builder().address(Target.of("127.0.0.1", b1.port()))
                .hostKeyVerifier(PinnedFingerprintVerifier.of("SHA256:" + "A".repeat(43))).name("bastion").user("ops")
                .identity(fixture("ed25519_openssh")).build();
        JumpHost jh = jumpHost(hop);
        HopHostKeyException cause = assertThrows(HopHostKeyException.class,
                () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
        assertTrue(cause.getMessage().startsWith("ssh hop \"bastion\""), cause.getMessage());
        assertEquals(b1.hostKeyFingerprint, cause.fingerprint());
        assertEquals(HopHostKeyException.Verdict.MISMATCH, cause.verdict());
        assertEquals("ecdsa-sha2-nistp256", cause.keyAlgorithm(), "the bastion's host key");
        assertEquals("bastion", cause.hopName());
        assertEquals(0, cause.hopIndex());
        assertTrue(sink.events(AuthAttempted.class).isEmpty(), "no credential offered to an unverified server");
        HostKeyChecked denied = sink.await(HostKeyChecked.class, T);
        assertEquals(Outcome.DENIED, denied.outcome());
        assertEquals(dev.fumidai.audit.ReasonCode.HOSTKEY_MISMATCH, denied.reason().code());
    }

    @Test
    void routeParseMakesAnSshHopThatVerifiesAgainstKnownHosts() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        Route route = Route.parse("ssh://ops@127.0.0.1:" + b1.port());
        Hop hop = route.hops().get(0);
        SshHop ssh = assertInstanceOf(SshHop.class, hop);
        assertEquals("ops", ssh.user());
        assertEquals(Target.of("127.0.0.1", b1.port()), ssh.address());
        assertInstanceOf(KnownHostsVerifier.class, ssh.hostKeyVerifier());
        // A fresh random host key is in nobody's known_hosts: strict checking refuses it.
        JumpHost jh = closeLater(JumpHost.builder().route(route).actor("test:ssh").auditSink(sink).build());
        HopHostKeyException e = assertThrows(HopHostKeyException.class,
                () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
        assertEquals(HopHostKeyException.Verdict.UNKNOWN, e.verdict());
        assertTrue(e.fingerprint().startsWith("SHA256:"), e.fingerprint());
    }

    @Test
    void refusedTargetNamesTheHopTheIndexAndTheTarget() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        Bastion b2 = closeLater(new Bastion(fingerprintOf("ecdsa256_openssh")));
        JumpHost jh = jumpHost(hop(b1, "outer", "ed25519_openssh"), hop(b2, "inner", "ecdsa256_openssh"));
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Target target = Target.of("127.0.0.1", closed);
        TargetUnreachableException e = assertThrows(TargetUnreachableException.class, () -> jh.connect(target, T));
        assertEquals("inner", e.hopName());
        assertEquals(1, e.hopIndex());
        assertEquals(target, e.target());
    }

    @Test
    void unsafeNamesAreRejected() {
        SshHopFactory f = new SshHopFactory();
        assertThrows(IllegalArgumentException.class, () -> f.create(java.net.URI.create("ssh://-oProxyCommand@h")));
        assertThrows(IllegalArgumentException.class, () -> f.create(java.net.URI.create("ssh://a%3Bid@h")));
        assertThrows(IllegalArgumentException.class, () -> f.create(java.net.URI.create("ssh://u:pw@h")));
        assertEquals(22, ((SshHop) f.create(java.net.URI.create("ssh://u@h"))).address().port());
    }
}
