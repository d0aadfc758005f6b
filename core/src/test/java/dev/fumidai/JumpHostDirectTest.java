// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardDenied;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JumpHostDirectTest {

    private static final Duration T = Duration.ofSeconds(10);

    private EchoServer echo;
    private InMemoryAuditSink sink;
    private JumpHost jh;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        sink = InMemoryAuditSink.create();
        jh = JumpHost.builder().route(Route.direct()).actor("test:direct").auditSink(sink).build();
    }

    @AfterEach
    void stop() {
        jh.close();
        echo.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    @Test
    void connectEchoesAndHalfCloses() throws Exception {
        byte[] data = random(300_000, 1);
        try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
            Thread writer = new Thread(() -> {
                try {
                    c.outputStream().write(data);
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            byte[] back = readAll(c.inputStream());
            writer.join();
            assertArrayEquals(data, back, "echo through a direct tunnel, then EOF after the echo");
            assertEquals(data.length, c.bytesSent());
            assertEquals(data.length, c.bytesReceived());
        }
        ForwardClosed closed = sink.await(ForwardClosed.class, T);
        assertEquals(data.length, closed.bytesUp());
        assertEquals(data.length, closed.bytesDown());
        assertEquals(ListenerKind.IN_PROCESS, closed.source().listener().kind());
    }

    @Test
    void refusedTargetNamesTheTarget() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        TargetUnreachableException e = assertThrows(TargetUnreachableException.class,
                () -> jh.connect(Target.of("127.0.0.1", closedPort), T));
        assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
        ForwardOpened failed = sink.await(ForwardOpened.class, T);
        assertEquals(Outcome.FAILURE, failed.outcome());
        assertEquals(ReasonCode.TARGET_UNREACHABLE, failed.reason().code());
    }

    @Test
    void forwardRelaysAndRecordsTheExactEventSequence() throws Exception {
        byte[] data = random(100_000, 2);
        int clientPort;
        try (LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()))) {
            assertEquals("127.0.0.1", fwd.localAddress().getAddress().getHostAddress());
            try (Socket s = new Socket("127.0.0.1", fwd.localPort())) {
                clientPort = s.getLocalPort();
                s.getOutputStream().write(data);
                s.shutdownOutput();
                assertArrayEquals(data, readAll(s.getInputStream()));
            }
            sink.await(ForwardClosed.class, T);
        }
        jh.close();
        List<String> types = sink.types();
        assertEquals(List.of("audit.start", "session.start", "forward.listen", "forward.open", "forward.close",
                "forward.unlisten", "session.end", "audit.stop"), types);
        ForwardOpened open = sink.events(ForwardOpened.class).get(0);
        assertEquals(Outcome.SUCCESS, open.outcome());
        assertEquals("127.0.0.1", open.source().address());
        assertEquals(clientPort, open.source().port());
        assertEquals("127.0.0.1", open.target().address());
        assertEquals(echo.port(), open.target().port());
        ForwardClosed close = sink.events(ForwardClosed.class).get(0);
        assertEquals(open.channelId(), close.channelId());
        assertEquals(data.length, close.bytesUp());
        assertEquals(data.length, close.bytesDown());
        assertEquals(ReasonCode.CLOSED_BY_CLIENT, close.reason().code());
        assertTrue(close.durationMs() >= 0);
        long[] seqs = sink.events().stream().mapToLong(e -> e.header().emitterSeq()).toArray();
        for (int i = 1; i < seqs.length; i++) {
            assertTrue(seqs[i] > seqs[i - 1], "emitter sequence increases");
        }
    }

    @Test
    void refusedForwardRecordsTheExactEventSequence() throws Exception {
        ForwardOptions opts = ForwardOptions.builder().acceptFilter(a -> false).build();
        try (LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()), opts)) {
            try (Socket s = new Socket("127.0.0.1", fwd.localPort())) {
                assertEquals(-1, s.getInputStream().read(), "a refused client is closed");
            }
            sink.await(ForwardDenied.class, T);
        }
        jh.close();
        assertEquals(List.of("audit.start", "session.start", "forward.listen", "forward.denied", "forward.unlisten",
                "session.end", "audit.stop"), sink.types());
        ForwardDenied d = sink.events(ForwardDenied.class).get(0);
        assertEquals(Outcome.DENIED, d.outcome());
        assertEquals(ReasonCode.POLICY, d.reason().code());
        assertEquals(0, echo.accepted(), "nothing reached the target");
    }

    @Test
    void failClosedSinkRefusesNewTunnelsUntilItRecovers() throws Exception {
        InMemoryAuditSink strict = InMemoryAuditSink.create("strict", AuditPolicy.FAIL_CLOSED);
        InMemoryAuditSink observer = InMemoryAuditSink.create();
        try (JumpHost j = JumpHost.builder().route(Route.direct()).actor("test:fc").auditSink(strict)
                .auditSink(observer).build()) {
            try (TunnelConnection ok = j.connect(Target.of("127.0.0.1", echo.port()), T)) {
                assertTrue(ok.isOpen(), "opens while the fail-closed sink works");
            }
            strict.setFailing(true);
            AuditUnavailableException e = assertThrows(AuditUnavailableException.class,
                    () -> j.connect(Target.of("127.0.0.1", echo.port()), T));
            assertTrue(e.getMessage().contains("fail-closed"), e.getMessage());
            observer.await(x -> x.type().wireName().equals("audit.degraded"), T);
            assertThrows(AuditUnavailableException.class, () -> j.connect(Target.of("127.0.0.1", echo.port()), T));
            ForwardDenied denied = observer.await(ForwardDenied.class, T);
            assertEquals(ReasonCode.AUDIT_FAILURE, denied.reason().code());
            int acceptedWhileFailing = echo.accepted();
            strict.setFailing(false);
            // Any event reaching the sink lets the dispatcher see it works again.
            j.forward(Target.of("127.0.0.1", echo.port())).close();
            observer.await(x -> x.type().wireName().equals("audit.recovered"), T);
            try (TunnelConnection again = j.connect(Target.of("127.0.0.1", echo.port()), T)) {
                assertTrue(again.isOpen(), "opens again after recovery");
            }
            assertTrue(acceptedWhileFailing <= 2, "refused streams never reached the target: " + acceptedWhileFailing);
        }
    }

    @Test
    void socketFactoryBehavesLikeASocket() throws Exception {
        SocketFactory sf = jh.socketFactory();
        try (Socket s = sf.createSocket()) {
            assertFalse(s.isConnected());
            s.connect(new InetSocketAddress("127.0.0.1", echo.port()), 5000);
            assertTrue(s.isConnected());
            s.setSoTimeout(200);
            assertEquals(200, s.getSoTimeout());
            InputStream in = s.getInputStream();
            assertThrows(SocketTimeoutException.class, in::read, "SO_TIMEOUT applies to reads");
            OutputStream out = s.getOutputStream();
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            byte[] got = in.readNBytes(5);
            assertEquals("hello", new String(got, StandardCharsets.US_ASCII), "usable after a read timeout");
            s.setSoTimeout(5000);
            s.shutdownOutput();
            assertTrue(s.isOutputShutdown());
            assertEquals(-1, in.read(), "the server's EOF follows ours");
        }
        try (Socket s = sf.createSocket("127.0.0.1", echo.port())) {
            s.getOutputStream().write(7);
            assertEquals(7, s.getInputStream().read());
            s.close();
            assertTrue(s.isClosed());
            assertThrows(java.net.SocketException.class, s::getInputStream);
        }
        Socket unconnected = sf.createSocket();
        assertThrows(java.net.SocketException.class, unconnected::getInputStream);
        unconnected.close();
    }

    @Test
    void socketFactoryConnectTimeoutIsHonoured() throws Exception {
        // A JumpHost whose route never answers: a command hop that never exits and never speaks would still
        // connect, so use a hop whose connect takes longer than the socket's connect timeout.
        SlowHop slow = new SlowHop(Duration.ofSeconds(5));
        try (JumpHost j = JumpHost.builder().route(Route.of(slow)).actor("test:timeout").build()) {
            Socket s = j.socketFactory().createSocket();
            long t0 = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> s.connect(new InetSocketAddress("db", 5432), 300));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3000, "connect gave up after its timeout, took " + ms + " ms");
            s.close();
        }
    }

    @Test
    void unixSocketForwardHasMode0600AndRelays(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("fwd.sock");
        try (LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()),
                ForwardOptions.builder().unixSocket(sock).build())) {
            assertEquals(sock, fwd.unixSocketPath());
            assertEquals(-1, fwd.localPort());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            try (SocketChannel ch = SocketChannel.open(java.net.UnixDomainSocketAddress.of(sock))) {
                ch.write(ByteBuffer.wrap("over a unix socket".getBytes(StandardCharsets.US_ASCII)));
                ch.shutdownOutput();
                ByteBuffer buf = ByteBuffer.allocate(64);
                while (ch.read(buf) >= 0) {
                    // read until EOF
                }
                buf.flip();
                assertEquals("over a unix socket", StandardCharsets.US_ASCII.decode(buf).toString());
            }
            try (var files = Files.list(dir)) {
                assertEquals(List.of(sock), files.collect(Collectors.toList()), "no temporary directory left");
            }
        }
        assertFalse(Files.exists(sock), "the socket file is removed on close");
    }

    @Test
    void unixSocketTargetIsReachedDirectly(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("echo.sock");
        try (EchoServer unixEcho = EchoServer.startUnix(path);
                TunnelConnection c = jh.connect(Target.unixSocket(path.toString()), T)) {
            c.outputStream().write(new byte[] {1, 2, 3});
            c.shutdownOutput();
            assertArrayEquals(new byte[] {1, 2, 3}, readAll(c.inputStream()));
        }
    }

    @Test
    void maxConnectionsRefusesTheSurplus() throws Exception {
        try (LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()),
                ForwardOptions.builder().maxConnections(1).build());
                Socket first = new Socket("127.0.0.1", fwd.localPort())) {
            first.getOutputStream().write(1);
            assertEquals(1, first.getInputStream().read());
            try (Socket second = new Socket("127.0.0.1", fwd.localPort())) {
                assertEquals(-1, second.getInputStream().read());
            }
            ForwardDenied d = sink.await(ForwardDenied.class, T);
            assertEquals(ReasonCode.LIMIT, d.reason().code());
            assertEquals(1, fwd.activeConnections());
        }
    }

    @Test
    void acceptOnceStopsListening() throws Exception {
        try (LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()),
                ForwardOptions.builder().acceptOnce(true).build())) {
            int port = fwd.localPort();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write(9);
                assertEquals(9, s.getInputStream().read());
                assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
            }
        }
    }

    @Test
    void builderRequiresRouteAndActor() {
        assertThrows(IllegalStateException.class, () -> JumpHost.builder().actor("x").build());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JumpHost.builder().route(Route.direct()).build());
        assertTrue(e.getMessage().contains("actor"));
    }

    @Test
    void everyEventCarriesActorOriginAndSession() throws Exception {
        try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
            assertNotNull(c);
        }
        sink.await(ForwardClosed.class, T);
        for (AuditEvent e : sink.events()) {
            assertEquals("test:direct", e.header().actor().id());
            assertEquals(JumpHost.LIBRARY_VERSION, e.header().origin().libraryVersion());
            assertInstanceOf(String.class, e.header().eventId());
            assertEquals('7', e.header().eventId().charAt(14), "UUIDv7");
        }
    }
}
