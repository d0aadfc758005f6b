// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.RemoteForward;
import dev.fumidai.RemoteForwardRefusedException;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardListened;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.ForwardUnlistened;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Outcome;
import dev.fumidai.testing.EchoServer;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link JumpHost#remoteForward} against Apache MINA SSHD in the JVM: port 0 and a fixed port with data
 * both ways checked by SHA-256, the listener gone on the server after close, a refusal by the server's forwarding
 * filter as a typed exception naming the hop, and the {@code remote} listener kind in the audit records.
 */
class JumpHostRemoteForwardMinaTest {

    static final Duration T = Duration.ofSeconds(20);

    SshServer server;
    final AtomicBoolean allowListen = new AtomicBoolean(true);
    String hostKeyFingerprint;
    EchoServer echo;
    InMemoryAuditSink sink;
    JumpHost jh;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        sink = InMemoryAuditSink.create();
        KeyPair hostKey = KeyPairGenerator.getInstance("EC").generateKeyPair();
        hostKeyFingerprint = dev.fumidai.ssh.internal.keys.SshPublicKeys.fromJavaKey(hostKey.getPublic())
                .fingerprint();
        String authorized = SshHopMinaTest.fingerprintOf("ed25519_openssh");
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
        server.setPublickeyAuthenticator((user, key, session) -> "ops".equals(user)
                && authorized.equals(SshHopMinaTest.fingerprint(key)));
        server.setForwardingFilter(new ForwardingFilter() {
            @Override
            public boolean canForwardAgent(Session s, String type) {
                return false;
            }

            @Override
            public boolean canForwardX11(Session s, String type) {
                return false;
            }

            @Override
            public boolean canListen(SshdSocketAddress a, Session s) {
                return allowListen.get();
            }

            @Override
            public boolean canConnect(Type type, SshdSocketAddress a, Session s) {
                return true;
            }
        });
        server.start();
        int port = ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
        SshHop hop = SshHop.builder().address(Target.of("127.0.0.1", port))
                .hostKeyVerifier(PinnedFingerprintVerifier.of(hostKeyFingerprint)).name("mina").user("ops")
                .identity(SshHopMinaTest.fixture("ed25519_openssh")).build();
        jh = JumpHost.builder().route(Route.of(hop)).actor("test:remote").auditSink(sink).build();
    }

    @AfterEach
    void stop() throws Exception {
        jh.close();
        server.stop(true);
        echo.close();
    }

    @Test
    void portZeroReportsTheAllocatedPortAndRelaysBothWays() throws Exception {
        RemoteForward f = jh.remoteForward("127.0.0.1", 0, Target.of("127.0.0.1", echo.port()), T);
        int port = f.remotePort();
        assertTrue(port > 0, "allocated port reported: " + port);
        // No half-close against MINA: its server side of a forwarded-tcpip connection ended the channel at the
        // client's EOF and cut the echo short (seen with 2.20); JumpHostRemoteForwardIT half-closes against OpenSSH.
        RemoteForwardChecks.echoThrough(port, 2_000_000, 1, false);
        RemoteForwardChecks.echoThrough(port, 10, 2, false);
        assertEquals(2, f.acceptedConnections());
        f.close();
        RemoteForwardChecks.assertNotListening(port);
        ForwardListened listen = sink.await(ForwardListened.class, T);
        assertEquals(ListenerKind.REMOTE, listen.listener().kind());
        assertEquals(port, listen.listener().port());
        assertEquals("local", listen.target().resolvedBy());
        ForwardOpened open = sink.await(ForwardOpened.class, T);
        assertEquals(Outcome.SUCCESS, open.outcome());
        assertEquals(ListenerKind.REMOTE, open.source().listener().kind());
        assertEquals(echo.port(), open.target().port());
        ForwardClosed closed = sink.await(ForwardClosed.class, T);
        assertEquals(closed.bytesUp(), closed.bytesDown(), "an echo sends back what it got");
        assertEquals(2, sink.await(ForwardUnlistened.class, T).connections());
    }

    @Test
    void fixedPort() throws Exception {
        int fixed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            fixed = s.getLocalPort();
        }
        try (RemoteForward f = jh.remoteForward("127.0.0.1", fixed, Target.of("127.0.0.1", echo.port()), T)) {
            assertEquals(fixed, f.remotePort());
            RemoteForwardChecks.echoThrough(fixed, 500_000, 3, false);
        }
        RemoteForwardChecks.assertNotListening(fixed);
    }

    @Test
    void refusedByTheServerIsATypedErrorNamingTheHop() throws Exception {
        allowListen.set(false);
        Exception e = assertThrows(Exception.class,
                () -> jh.remoteForward("127.0.0.1", 0, Target.of("127.0.0.1", echo.port()), T));
        RemoteForwardRefusedException r = assertInstanceOf(RemoteForwardRefusedException.class, e);
        assertTrue(r.getMessage().contains("\"mina\""), r.getMessage());
        assertEquals(Outcome.FAILURE, sink.await(ForwardListened.class, T).outcome());
    }
}
