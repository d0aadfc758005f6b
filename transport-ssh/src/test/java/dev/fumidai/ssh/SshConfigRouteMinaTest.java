// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.CommandHop;
import dev.fumidai.JumpHost;
import dev.fumidai.ReconnectPolicy;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.testing.EchoServer;
import dev.fumidai.testing.TcpPipe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connects through hops built from ssh_config files by {@code Route.fromSshConfig} to Apache MINA SSHD in this
 * JVM: a {@code ProxyCommand} that is a JDK-only stdio pipe, {@code ConnectTimeout} against a listener that never
 * speaks, and {@code ServerAliveInterval} against a server whose traffic stops.
 */
class SshConfigRouteMinaTest {

    static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Writes a known_hosts file holding the bastion's host key for 127.0.0.1 at a port. */
    Path knownHosts(SshHopMinaTest.Bastion b, int port) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (KeyPair kp : b.server.getKeyPairProvider().loadKeys(null)) {
            sb.append("[127.0.0.1]:").append(port).append(' ')
                    .append(SshPublicKeys.toText(SshPublicKeys.fromJavaKey(kp.getPublic()))).append('\n');
        }
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, sb);
        return kh;
    }

    Path config(String text) throws IOException {
        Path file = dir.resolve("config");
        Files.writeString(file, text);
        return file;
    }

    static String keyLines(Path knownHosts) throws Exception {
        return "  User ops\n  IdentityFile " + SshHopMinaTest.fixture("ed25519_openssh") + "\n  IdentitiesOnly yes\n"
                + "  UserKnownHostsFile " + knownHosts + "\n";
    }

    static byte[] echo(TunnelConnection c, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        c.outputStream().write(data);
        c.outputStream().flush();
        return c.inputStream().readNBytes(data.length);
    }

    @Test
    void proxyCommandCarriesTheSshHopThroughAJdkOnlyPipe() throws Exception {
        try (SshHopMinaTest.Bastion b = new SshHopMinaTest.Bastion(SshHopMinaTest.fingerprintOf("ed25519_openssh"));
                EchoServer echo = EchoServer.start()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = Path.of(TcpPipe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            Path file = config("Host mina\n  HostName 127.0.0.1\n  Port " + b.port() + "\n"
                    + keyLines(knownHosts(b, b.port())) + "  ProxyCommand " + java + " -cp " + cp + " " + TcpPipe.class.getName() + " %h %p\n");
            Route route = Route.fromSshConfig("mina", file);
            assertInstanceOf(CommandHop.class, route.hops().get(0));
            try (JumpHost jh = JumpHost.builder().route(route).actor("test:proxycommand").build();
                    TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                assertArrayEquals("through the pipe".getBytes(StandardCharsets.UTF_8), echo(c, "through the pipe"));
            }
            assertEquals(List.of("127.0.0.1:" + echo.port()), b.forwardedTo);
        }
    }

    /**
     * OpenSSH looks a {@code HostKeyAlias} up in known_hosts as the bare alias whatever the port (sshconnect.c uses
     * the alias in place of {@code [host]:port}): an entry for the bare alias verifies a server on a non-22 port.
     */
    @Test
    void hostKeyAliasIsLookedUpBareOnANon22Port() throws Exception {
        try (SshHopMinaTest.Bastion b = new SshHopMinaTest.Bastion(SshHopMinaTest.fingerprintOf("ed25519_openssh"));
                EchoServer echo = EchoServer.start()) {
            StringBuilder sb = new StringBuilder();
            for (KeyPair kp : b.server.getKeyPairProvider().loadKeys(null)) {
                sb.append("bastion-alias ")
                        .append(SshPublicKeys.toText(SshPublicKeys.fromJavaKey(kp.getPublic()))).append('\n');
            }
            Path kh = Files.writeString(dir.resolve("known_hosts_alias"), sb);
            assertTrue(b.port() != 22, "the test needs a non-22 port");
            Path file = config("Host mina\n  HostName 127.0.0.1\n  Port " + b.port() + "\n  HostKeyAlias bastion-alias\n"
                    + keyLines(kh) + "  StrictHostKeyChecking yes\n");
            try (JumpHost jh = JumpHost.builder().route(Route.fromSshConfig("mina", file))
                    .reconnectPolicy(ReconnectPolicy.none()).actor("test:hostkeyalias").build();
                    TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                assertArrayEquals("aliased".getBytes(StandardCharsets.UTF_8), echo(c, "aliased"));
            }
        }
    }

    @Test
    void connectTimeoutEndsAHandshakeThatNeverStartsAndNamesTheHop() throws Exception {
        // The kernel completes the TCP handshake for the backlog; nobody ever reads or writes.
        try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Path kh = Files.writeString(dir.resolve("kh"), "");
            Path file = config("Host silent\n  HostName 127.0.0.1\n  Port " + silent.getLocalPort()
                    + "\n  ConnectTimeout 1\n  UserKnownHostsFile " + kh + "\n  IdentityFile none\n");
            try (JumpHost jh = JumpHost.builder().route(Route.fromSshConfig("silent", file))
                    .reconnectPolicy(ReconnectPolicy.none()).actor("test:timeout").build()) {
                Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                        () -> jh.connect(Target.of("127.0.0.1", 9), T));
                Throwable t = e;
                while (t != null && !(t instanceof TunnelTimeoutException)) {
                    t = t.getCause();
                }
                assertNotNull(t, () -> "no TunnelTimeoutException in " + e);
                assertTrue(t.getMessage().startsWith("ssh hop \"127.0.0.1\" 127.0.0.1:" + silent.getLocalPort()),
                        t.getMessage());
                assertTrue(t.getMessage().contains("connect timeout of 1000 ms"), t.getMessage());
            }
        }
    }

    @Test
    void serverAliveEndsAConnectionWhoseServerFallsSilent() throws Exception {
        try (SshHopMinaTest.Bastion b = new SshHopMinaTest.Bastion(SshHopMinaTest.fingerprintOf("ed25519_openssh"));
                EchoServer echo = EchoServer.start();
                FreezableRelay relay = new FreezableRelay(b.port())) {
            Path file = config("Host alive\n  HostName 127.0.0.1\n  Port " + relay.port() + "\n"
                    + keyLines(knownHosts(b, relay.port())) + "  ServerAliveInterval 1\n  ServerAliveCountMax 2\n");
            InMemoryAuditSink sink = InMemoryAuditSink.create();
            try (JumpHost jh = JumpHost.builder().route(Route.fromSshConfig("alive", file))
                    .reconnectPolicy(ReconnectPolicy.none()).auditSink(sink).actor("test:alive").build();
                    TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                assertArrayEquals("before".getBytes(StandardCharsets.UTF_8), echo(c, "before"));
                relay.freeze();
                CompletableFuture<Integer> end = CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.inputStream().read();
                    } catch (IOException e) {
                        return -2;
                    }
                });
                int r = end.get(T.toSeconds(), TimeUnit.SECONDS);
                assertTrue(r < 0, "the stream ends once the hop is declared dead, got " + r);
                HopDisconnected gone = awaitDisconnect(sink);
                // reason_detail is fixed text by type (the keepalive wording stays in the exception and the log)
                assertEquals("hop disconnected", gone.reason().detail());
            }
        }
    }

    static HopDisconnected awaitDisconnect(InMemoryAuditSink sink) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline) {
            List<HopDisconnected> l = sink.events(HopDisconnected.class);
            if (!l.isEmpty()) {
                return l.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no hop.disconnect event");
    }

    /** Relays TCP to a port until frozen; then it stops passing bytes either way but keeps both sockets open. */
    static final class FreezableRelay implements AutoCloseable {
        private final ServerSocket server;
        private final int target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile boolean frozen;

        FreezableRelay(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::acceptLoop, "relay-accept");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void freeze() {
            frozen = true;
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket in = server.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(in);
                    sockets.add(out);
                    pump(in.getInputStream(), out.getOutputStream());
                    pump(out.getInputStream(), in.getOutputStream());
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void pump(InputStream from, OutputStream to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try {
                    int n;
                    while ((n = from.read(buf)) >= 0) {
                        if (frozen) {
                            closed.await(); // hold the bytes: the peer sees silence, not a closed socket
                            return;
                        }
                        to.write(buf, 0, n);
                        to.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // closed
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            closed.countDown();
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
