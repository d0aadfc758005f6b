// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.RemoteForward;
import dev.fumidai.RemoteForwardRefusedException;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.audit.ForwardListened;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.ssh.RemoteForwardChecks;
import dev.fumidai.testing.EchoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link JumpHost#remoteForward} against real OpenSSH daemons: the second of two bastions
 * ({@code AllowTcpForwarding yes}, {@code GatewayPorts no}) listens on port 0 and on a fixed free port, data goes
 * both ways through it (SHA-256 checked), and after close nothing listens there any more (checked by connecting
 * from this side of the server); the first bastion ({@code AllowTcpForwarding local}) refuses, and the refusal is
 * a {@link RemoteForwardRefusedException} naming it.
 */
@Tag("interop")
class JumpHostRemoteForwardIT {

    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static OpenSshChain chain;
    static EchoServer echo;

    @BeforeAll
    static void start() throws Exception {
        echo = EchoServer.start();
        chain = OpenSshChain.start(dir, 2, List.of("127.0.0.1:9"), i -> i == 1
                ? List.of("AllowTcpForwarding yes", "GatewayPorts no", "AllowStreamLocalForwarding yes",
                        "StreamLocalBindUnlink yes", "LogLevel INFO") : List.of("LogLevel INFO"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (chain != null) {
            chain.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void portZeroThroughTwoHops() throws Exception {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:remote").auditSink(sink).build()) {
            RemoteForward f = jh.remoteForward("127.0.0.1", 0, Target.of("127.0.0.1", echo.port()), T);
            int port = f.remotePort();
            assertTrue(port > 0, "allocated port: " + port);
            RemoteForwardChecks.echoThrough(port, 4_000_000, 11);
            f.close();
            RemoteForwardChecks.assertNotListening(port);
            ForwardListened listen = sink.await(ForwardListened.class, T);
            assertEquals(ListenerKind.REMOTE, listen.listener().kind());
            assertEquals(port, listen.listener().port());
            assertEquals(2, listen.hops().size());
            ForwardOpened open = sink.await(ForwardOpened.class, T);
            assertEquals("127.0.0.1", open.source().address(), "originator reported by sshd");
        } catch (AssertionError | Exception e) {
            throw new AssertionError(e + "\n" + chain.logs(), e);
        }
    }

    @Test
    void fixedPort() throws Exception {
        int fixed = OpenSshDaemon.freePort();
        try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:remote").build()) {
            try (RemoteForward f = jh.remoteForward("127.0.0.1", fixed, Target.of("127.0.0.1", echo.port()), T)) {
                assertEquals(fixed, f.remotePort());
                RemoteForwardChecks.echoThrough(fixed, 1_000_000, 12);
                RemoteForwardChecks.echoThrough(fixed, 1, 13);
            }
            RemoteForwardChecks.assertNotListening(fixed);
        }
    }

    @Test
    void unixSocketOnTheHop() throws Exception {
        Path socket = dir.resolve("remote-forward.sock");
        try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:remote").build()) {
            RemoteForward f = jh.remoteForwardUnix(socket.toString(), Target.of("127.0.0.1", echo.port()))
                    .get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(socket.toString(), f.remoteSocketPath());
            byte[] data = new byte[300_000];
            new java.util.Random(14).nextBytes(data);
            try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(socket))) {
                ch.write(java.nio.ByteBuffer.wrap(data));
                java.nio.ByteBuffer back = java.nio.ByteBuffer.allocate(data.length);
                while (back.hasRemaining() && ch.read(back) >= 0) {
                    // reads until all came back
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(data, back.array());
            }
            f.close();
            // Gone on the server: the socket file is removed or refuses connections.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                        java.net.UnixDomainSocketAddress.of(socket))) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the hop still listens on " + socket);
                    }
                    Thread.sleep(20);
                } catch (java.io.IOException e) {
                    break; // refused, or no such file
                }
            }
        }
    }

    @Test
    void refusedWhenOnlyLocalForwardingIsAllowed() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(Route.of(List.of(chain.hop(0, b -> b)))).actor("test:remote")
                .build()) {
            Exception e = assertThrows(Exception.class,
                    () -> jh.remoteForward("127.0.0.1", 0, Target.of("127.0.0.1", echo.port()), T));
            RemoteForwardRefusedException r = assertInstanceOf(RemoteForwardRefusedException.class, e);
            assertTrue(r.getMessage().contains("bastion1"), r.getMessage());
        }
    }
}
