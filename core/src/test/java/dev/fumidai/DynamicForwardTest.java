// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardListened;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.ForwardUnlistened;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Outcome;
import dev.fumidai.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives {@link JumpHost#socks} on a direct route with a raw-socket SOCKS client, byte for byte: every reply
 * code a direct route can produce (RFC 1928 §6, RFC 1929, SOCKS4), the handshake bound, the field-size bound,
 * data both ways and the audit records; and with the JDK's own SOCKS client ({@code java.net.Proxy}). The codes
 * only a hop can cause (0x02 for a prohibited target, 0x04 for an unreachable hop) are checked over SSH in
 * transport-ssh.
 */
class DynamicForwardTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final HexFormat HEX = HexFormat.of();

    private EchoServer echo;
    private InMemoryAuditSink sink;
    private JumpHost jh;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        sink = InMemoryAuditSink.create();
        jh = JumpHost.builder().route(Route.direct()).actor("test:socks").auditSink(sink).build();
    }

    @AfterEach
    void stop() {
        jh.close();
        echo.close();
    }

    private static Socket client(DynamicForward f) throws IOException {
        Socket s = new Socket("127.0.0.1", f.localPort());
        s.setSoTimeout((int) T.toMillis());
        return s;
    }

    private static byte[] read(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length, "short reply: " + HEX.formatHex(b));
        return b;
    }

    private static void assertClosed(InputStream in) throws IOException {
        assertEquals(-1, in.read(), "the proxy closes the connection");
    }

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex.replace(" ", ""));
    }

    private static String port(int p) {
        return String.format("%04x", p);
    }

    /** Greets with NO_AUTH and checks the method choice. */
    private static void greet(OutputStream out, InputStream in) throws IOException {
        out.write(bytes("05 01 00"));
        out.flush();
        assertArrayEquals(bytes("05 00"), read(in, 2));
    }

    private static final String REPLY_TAIL = "00 01 00000000 0000";

    @Test
    void connectsIpv4AndRelaysBothWaysAndAudits() throws Exception {
        try (DynamicForward f = jh.socks(); Socket s = client(f)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            greet(out, in);
            out.write(bytes("05 01 00 01 7f000001" + port(echo.port())));
            out.flush();
            assertArrayEquals(bytes("05 00" + REPLY_TAIL), read(in, 10));
            byte[] data = new byte[300_000];
            new Random(7).nextBytes(data);
            out.write(data);
            out.flush();
            assertArrayEquals(data, read(in, data.length));
        }
        ForwardListened listen = sink.await(ForwardListened.class, T);
        assertEquals(ListenerKind.DYNAMIC, listen.listener().kind());
        assertNull(listen.target(), "a dynamic listener has no fixed target");
        ForwardOpened open = sink.await(ForwardOpened.class, T);
        assertEquals(Outcome.SUCCESS, open.outcome());
        assertEquals("127.0.0.1", open.target().host());
        assertEquals(echo.port(), open.target().port());
        assertEquals(ListenerKind.DYNAMIC, open.source().listener().kind());
        ForwardClosed close = sink.await(ForwardClosed.class, T);
        assertEquals(300_000, close.bytesUp());
        assertEquals(300_000, close.bytesDown());
        assertEquals(1, sink.await(ForwardUnlistened.class, T).connections());
    }

    @Test
    void domainNameIsPassedThroughAsTheTargetHost() throws Exception {
        // "localhost" reaches the echo server only if the target is resolved after the proxy: the audit record
        // holds the name as the client sent it, not an address.
        try (DynamicForward f = jh.socks(); Socket s = client(f)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            greet(out, in);
            byte[] name = "localhost".getBytes(StandardCharsets.US_ASCII);
            out.write(bytes("05 01 00 03 " + String.format("%02x", name.length) + HEX.formatHex(name)
                    + port(echo.port())));
            out.flush();
            assertArrayEquals(bytes("05 00" + REPLY_TAIL), read(in, 10));
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("ping", new String(read(in, 4), StandardCharsets.US_ASCII));
        }
        assertEquals("localhost", sink.await(ForwardOpened.class, T).target().host());
    }

    @Test
    void connectsIpv6() throws Exception {
        try (EchoServer echo6 = EchoServer.start(); DynamicForward f = jh.socks(); Socket s = client(f)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            greet(out, in);
            // ::ffff:127.0.0.1, an IPv4-mapped IPv6 address, reaches 127.0.0.1 on a dual-stack host.
            out.write(bytes("05 01 00 04 00000000000000000000ffff7f000001" + port(echo6.port())));
            out.flush();
            byte[] reply = read(in, 10);
            assertArrayEquals(bytes("05 00" + REPLY_TAIL), reply);
            out.write(1);
            out.flush();
            assertEquals(1, in.read());
        }
    }

    @Test
    void bytesSentWithTheRequestArriveFirst() throws Exception {
        try (DynamicForward f = jh.socks(); Socket s = client(f)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            // Greeting, request and data in one write, before any reply: nothing may be lost or reordered.
            out.write(bytes("05 01 00" + "05 01 00 01 7f000001" + port(echo.port()) + "68656c6c6f"));
            out.flush();
            assertArrayEquals(bytes("05 00" + "05 00" + REPLY_TAIL + "68656c6c6f"), read(in, 2 + 10 + 5));
        }
    }

    @Test
    void refusedConnectionRepliesConnectionRefused() throws Exception {
        int closedPort;
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = ss.getLocalPort();
        }
        try (DynamicForward f = jh.socks(); Socket s = client(f)) {
            greet(s.getOutputStream(), s.getInputStream());
            s.getOutputStream().write(bytes("05 01 00 01 7f000001" + port(closedPort)));
            assertArrayEquals(bytes("05 05" + REPLY_TAIL), read(s.getInputStream(), 10));
            assertClosed(s.getInputStream());
        }
        ForwardOpened failed = sink.await(ForwardOpened.class, T);
        assertEquals(Outcome.FAILURE, failed.outcome());
        assertEquals(closedPort, failed.target().port());
    }

    @Test
    void bindAndUdpAssociateReplyCommandNotSupported() throws Exception {
        try (DynamicForward f = jh.socks()) {
            for (String cmd : new String[] {"02", "03"}) {
                try (Socket s = client(f)) {
                    greet(s.getOutputStream(), s.getInputStream());
                    s.getOutputStream().write(bytes("05 " + cmd + " 00 01 7f000001" + port(echo.port())));
                    assertArrayEquals(bytes("05 07" + REPLY_TAIL), read(s.getInputStream(), 10), "command " + cmd);
                    assertClosed(s.getInputStream());
                }
            }
        }
        assertEquals(0, echo.accepted(), "nothing reached the target");
    }

    @Test
    void unknownAddressTypeRepliesAddressTypeNotSupported() throws Exception {
        try (DynamicForward f = jh.socks(); Socket s = client(f)) {
            greet(s.getOutputStream(), s.getInputStream());
            s.getOutputStream().write(bytes("05 01 00 05 7f000001" + port(echo.port())));
            assertArrayEquals(bytes("05 08" + REPLY_TAIL), read(s.getInputStream(), 10));
            assertClosed(s.getInputStream());
        }
    }

    @Test
    void portZeroRepliesGeneralFailure() throws Exception {
        try (DynamicForward f = jh.socks(); Socket s = client(f)) {
            greet(s.getOutputStream(), s.getInputStream());
            s.getOutputStream().write(bytes("05 01 00 01 7f000001 0000"));
            assertArrayEquals(bytes("05 01" + REPLY_TAIL), read(s.getInputStream(), 10));
            assertClosed(s.getInputStream());
        }
    }

    @Test
    void failingFailClosedSinkRepliesNotAllowed() throws Exception {
        InMemoryAuditSink strict = InMemoryAuditSink.create("strict", AuditPolicy.FAIL_CLOSED);
        try (JumpHost j = JumpHost.builder().route(Route.direct()).actor("test:fc").auditSink(strict).build();
                DynamicForward f = j.socks()) {
            strict.setFailing(true);
            try (Socket s = client(f)) {
                greet(s.getOutputStream(), s.getInputStream());
                s.getOutputStream().write(bytes("05 01 00 01 7f000001" + port(echo.port())));
                assertArrayEquals(bytes("05 02" + REPLY_TAIL), read(s.getInputStream(), 10));
                assertClosed(s.getInputStream());
            }
        }
    }

    @Test
    void noAcceptableMethodRepliesFf() throws Exception {
        try (DynamicForward f = jh.socks(); Socket s = client(f)) {
            s.getOutputStream().write(bytes("05 01 02")); // offers only user/password
            assertArrayEquals(bytes("05 ff"), read(s.getInputStream(), 2));
            assertClosed(s.getInputStream());
        }
    }

    @Test
    void userPasswordAuthentication() throws Exception {
        ForwardOptions o = ForwardOptions.builder().socksCredentials("alice", "s3cret".toCharArray()).build();
        try (DynamicForward f = jh.socks(o)) {
            try (Socket s = client(f)) { // NO_AUTH only: refused
                s.getOutputStream().write(bytes("05 01 00"));
                assertArrayEquals(bytes("05 ff"), read(s.getInputStream(), 2));
                assertClosed(s.getInputStream());
            }
            try (Socket s = client(f)) { // wrong password: status 0x01, closed
                s.getOutputStream().write(bytes("05 02 00 02"));
                assertArrayEquals(bytes("05 02"), read(s.getInputStream(), 2));
                s.getOutputStream().write(bytes("01 05 616c696365 05 7333637265"));
                assertArrayEquals(bytes("01 01"), read(s.getInputStream(), 2));
                assertClosed(s.getInputStream());
            }
            try (Socket s = client(f)) { // right credentials: status 0x00, then CONNECT works
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(bytes("05 02 00 02"));
                assertArrayEquals(bytes("05 02"), read(in, 2));
                out.write(bytes("01 05 616c696365 06 733363726574"));
                assertArrayEquals(bytes("01 00"), read(in, 2));
                out.write(bytes("05 01 00 01 7f000001" + port(echo.port())));
                assertArrayEquals(bytes("05 00" + REPLY_TAIL), read(in, 10));
                out.write(42);
                assertEquals(42, in.read());
            }
            try (Socket s = client(f)) { // SOCKS4 cannot authenticate: rejected
                s.getOutputStream().write(bytes("04 01" + port(echo.port()) + "7f000001 00"));
                assertArrayEquals(bytes("00 5b 0000 00000000"), read(s.getInputStream(), 8));
                assertClosed(s.getInputStream());
            }
        }
    }

    @Test
    void socks4AndSocks4a() throws Exception {
        try (DynamicForward f = jh.socks()) {
            try (Socket s = client(f)) {
                s.getOutputStream().write(bytes("04 01" + port(echo.port()) + "7f000001 7573657200"));
                assertArrayEquals(bytes("00 5a 0000 00000000"), read(s.getInputStream(), 8));
                s.getOutputStream().write(7);
                assertEquals(7, s.getInputStream().read());
            }
            try (Socket s = client(f)) { // 4a: 0.0.0.1 then the name after the user id
                s.getOutputStream().write(bytes("04 01" + port(echo.port()) + "00000001 00"
                        + HEX.formatHex("localhost".getBytes(StandardCharsets.US_ASCII)) + "00"));
                assertArrayEquals(bytes("00 5a 0000 00000000"), read(s.getInputStream(), 8));
                s.getOutputStream().write(8);
                assertEquals(8, s.getInputStream().read());
            }
            try (Socket s = client(f)) { // BIND
                s.getOutputStream().write(bytes("04 02" + port(echo.port()) + "7f000001 00"));
                assertArrayEquals(bytes("00 5b 0000 00000000"), read(s.getInputStream(), 8));
                assertClosed(s.getInputStream());
            }
        }
    }

    @Test
    void oversizedSocks4FieldIsRefused() throws Exception {
        try (DynamicForward f = jh.socks(); Socket s = client(f)) {
            byte[] user = new byte[300];
            Arrays.fill(user, (byte) 'u');
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.write(bytes("04 01" + port(echo.port()) + "7f000001"));
            req.write(user);
            req.write(0);
            s.getOutputStream().write(req.toByteArray());
            assertArrayEquals(bytes("00 5b 0000 00000000"), read(s.getInputStream(), 8));
            assertClosed(s.getInputStream());
        }
        assertEquals(0, echo.accepted());
    }

    @Test
    void clientStallingMidHandshakeIsDropped() throws Exception {
        ForwardOptions o = ForwardOptions.builder().handshakeTimeout(Duration.ofMillis(300)).build();
        try (DynamicForward f = jh.socks(o); Socket s = client(f)) {
            long start = System.nanoTime();
            s.getOutputStream().write(bytes("05 02 00")); // promises two methods, sends one, then nothing
            assertClosed(s.getInputStream());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 250, "dropped only after the bound, not at once: " + ms + " ms");
            // Bounded by the SO_TIMEOUT of 10 s: a read that timed out would have thrown instead.
            awaitNoActive(f);
        }
        assertEquals(0, echo.accepted());
    }

    private static void awaitNoActive(DynamicForward f) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (f.activeConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, f.activeConnections());
    }

    @Test
    void javaNetProxyClient() throws Exception {
        try (DynamicForward f = jh.socks()) {
            Proxy proxy = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", f.localPort()));
            try (Socket s = new Socket(proxy)) {
                s.setSoTimeout((int) T.toMillis());
                // An unresolved address makes the JDK send the name (SOCKS5 domain type), not an address.
                s.connect(InetSocketAddress.createUnresolved("localhost", echo.port()));
                s.getOutputStream().write("through java.net.Proxy".getBytes(StandardCharsets.UTF_8));
                assertEquals("through java.net.Proxy", new String(read(s.getInputStream(), 22),
                        StandardCharsets.UTF_8));
            }
        }
        assertEquals("localhost", sink.await(ForwardOpened.class, T).target().host());
    }

    @Test
    void closeStopsListening() throws Exception {
        DynamicForward f = jh.socks();
        int p = f.localPort();
        f.close();
        assertTrue(!f.isOpen());
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", p).close());
    }
}
