// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.DynamicForward;
import dev.fumidai.JumpHost;
import dev.fumidai.ReconnectPolicy;
import dev.fumidai.Route;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.SshHop;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uses {@link JumpHost#socks} through two real OpenSSH bastions: curl with {@code --socks5-hostname} and the
 * JDK's SOCKS client fetch from an HTTP server that only the last bastion may reach (by the name
 * {@code localhost}, resolved by the last bastion), and the reply codes that only hops produce, byte for byte:
 * 0x02 for a target the last bastion's {@code PermitOpen} forbids, 0x05 for a port it cannot connect to, 0x04
 * when a hop is unreachable.
 */
@Tag("interop")
class JumpHostSocksIT {

    static final Duration T = Duration.ofSeconds(60);
    static final String CURL = "/usr/bin/curl";
    static final byte[] BODY = new byte[3 * 1024 * 1024 + 17];

    @TempDir
    static Path dir;
    static OpenSshChain chain;
    static MiniHttpServer http;
    static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        new Random(15).nextBytes(BODY);
        http = new MiniHttpServer(BODY);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        int port = http.port();
        chain = OpenSshChain.start(dir, 2, List.of("localhost:" + port, "127.0.0.1:" + port,
                "127.0.0.1:" + closedPort), i -> List.of("LogLevel INFO"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (chain != null) {
            chain.close();
        }
        if (http != null) {
            http.close();
        }
    }

    /**
     * Serves one body to every HTTP/1.x GET on 127.0.0.1 (a thread per connection; the JDK's HTTP server lives in
     * a module this test module does not read).
     */
    static final class MiniHttpServer implements AutoCloseable {
        private final ServerSocket server;

        MiniHttpServer(byte[] body) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket c = server.accept();
                        Thread h = new Thread(() -> serve(c, body), "mini-http-conn");
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "mini-http");
            t.setDaemon(true);
            t.start();
        }

        private static void serve(Socket c, byte[] body) {
            try (c) {
                InputStream in = c.getInputStream();
                int state = 0;
                while (state < 4) { // read up to the blank line ending the request head
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                            ? state + 1 : 0;
                }
                OutputStream out = c.getOutputStream();
                out.write(("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // The client went away; nothing to do.
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void curlFetchesThroughTwoHopsWithTheNameResolvedAtTheLastHop() throws Exception {
        if (!Files.isExecutable(Path.of(CURL))) {
            throw new AssertionError(CURL + " is not installed; this test needs it (apt-get install curl)");
        }
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:socks").auditSink(sink).build();
                DynamicForward socks = jh.socks()) {
            Path out = dir.resolve("curl.out");
            Process p = new ProcessBuilder(CURL, "-sS", "--max-time", "50", "--socks5-hostname",
                    "127.0.0.1:" + socks.localPort(), "-o", out.toString(),
                    "http://localhost:" + http.port() + "/data")
                    .redirectErrorStream(true).start();
            String curlOutput = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl finished");
            assertEquals(0, p.exitValue(), "curl: " + curlOutput + "\n" + chain.logs());
            assertEquals(sha256(BODY), sha256(Files.readAllBytes(out)));
            ForwardOpened open = sink.await(ForwardOpened.class, T);
            assertEquals(Outcome.SUCCESS, open.outcome());
            assertEquals("localhost", open.target().host(), "the name went to the last hop unresolved");
            assertEquals(2, open.hops().size());
        }
    }

    @Test
    void javaNetProxyThroughTwoHops() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:socks").build();
                DynamicForward socks = jh.socks()) {
            Proxy proxy = new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", socks.localPort()));
            try (Socket s = new Socket(proxy)) {
                s.setSoTimeout((int) T.toMillis());
                s.connect(InetSocketAddress.createUnresolved("localhost", http.port()));
                s.getOutputStream().write(("GET /data HTTP/1.0\r\nHost: localhost\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] all = s.getInputStream().readAllBytes();
                byte[] body = java.util.Arrays.copyOfRange(all, all.length - BODY.length, all.length);
                assertTrue(new String(all, 0, 12, StandardCharsets.US_ASCII).startsWith("HTTP/1."));
                assertEquals(sha256(BODY), sha256(body));
            }
        }
    }

    /** Sends a NO_AUTH greeting and a CONNECT to 127.0.0.1:port; returns the 10-byte reply and checks EOF. */
    static byte[] connectReply(DynamicForward socks, int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", socks.localPort())) {
            s.setSoTimeout((int) T.toMillis());
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(new byte[] {5, 1, 0});
            assertArrayEquals(new byte[] {5, 0}, in.readNBytes(2));
            out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
            byte[] reply = in.readNBytes(10);
            assertEquals(-1, in.read(), "closed after a refusal");
            return reply;
        }
    }

    @Test
    void prohibitedTargetRepliesNotAllowed() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:socks").build();
                DynamicForward socks = jh.socks()) {
            // Port 9 is not in the last bastion's PermitOpen: "administratively prohibited".
            assertArrayEquals(new byte[] {5, 2, 0, 1, 0, 0, 0, 0, 0, 0}, connectReply(socks, 9));
        }
    }

    @Test
    void targetRefusingTheConnectionRepliesConnectionRefused() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:socks").build();
                DynamicForward socks = jh.socks()) {
            assertArrayEquals(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0}, connectReply(socks, closedPort));
        }
    }

    @Test
    void unreachableHopRepliesHostUnreachable() throws Exception {
        int nobody;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = s.getLocalPort();
        }
        int port = nobody;
        SshHop first = chain.hop(0, b -> b);
        Route route = Route.of(List.of(SshHop.builder().address(dev.fumidai.Target.of("127.0.0.1", port))
                .hostKeyVerifier(KnownHostsVerifier.of(chain.knownHosts)).name(first.name())
                .user(System.getProperty("user.name")).identity(chain.userKeys.get(0)).build()));
        try (JumpHost jh = JumpHost.builder().route(route).reconnectPolicy(ReconnectPolicy.none())
                .actor("test:socks").build(); DynamicForward socks = jh.socks()) {
            assertArrayEquals(new byte[] {5, 4, 0, 1, 0, 0, 0, 0, 0, 0},
                    connectReply(socks, http.port()));
        }
    }
}
