// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ForwardOptions;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Target;
import dev.fumidai.audit.ForwardListened;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.ssh.SshTransportConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs core's {@code forward()} (an {@code ssh -L} listener) through a real OpenSSH bastion: security-checklist
 * R13, key re-exchange while a forward streams, for byte limits and a time limit on the server and a byte limit
 * on our side, with no data lost and the rekeys counted in sshd's log; and R26, the forwarding semantics:
 * a target that closes first half-closes the local socket, a local close reaches the target as EOF, an
 * occupied local port fails the forward with a clear error, and port 0 is allocated and reported back.
 */
@Tag("interop")
class OpenSshForwardingIT {

    /** sshd logs this once per completed key exchange (OpenSSH kex.c, at DEBUG1). */
    static final String NEWKEYS = "SSH2_MSG_NEWKEYS received";

    @TempDir
    static Path dir;
    static DigestServer digest;
    static HalfCloseServer greeter;

    @BeforeAll
    static void start() throws Exception {
        digest = DigestServer.start();
        greeter = HalfCloseServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (digest != null) {
            digest.close();
        }
        if (greeter != null) {
            greeter.close();
        }
        if (rekeying != null) {
            rekeying.close();
        }
    }

    static OpenSshChain bastion(String name, List<String> extra) throws Exception {
        return OpenSshChain.start(dir.resolve(name), 1,
                List.of("127.0.0.1:" + digest.port(), "127.0.0.1:" + greeter.port()), i -> extra);
    }

    static JumpHost jumpHost(OpenSshChain chain, InMemoryAuditSink sink, UnaryOperator<dev.fumidai.ssh.SshHop.Builder> b) {
        return JumpHost.builder().route(dev.fumidai.Route.of(chain.hop(0, b))).actor("test:openssh-forward")
                .auditSink(sink).build();
    }

    /**
     * Streams through a forward until sshd has logged {@code rekeys} key re-exchanges after the first (or 256 MiB
     * passed), then sends EOF and checks the digest of everything sent.
     */
    static void streamWhileRekeying(OpenSshChain chain, UnaryOperator<dev.fumidai.ssh.SshHop.Builder> hop, int rekeys)
            throws Exception {
        streamWhileRekeying(chain, hop, rekeys, 256L << 20);
    }

    /** Streams until sshd logged {@code rekeys} more key exchanges, {@code maxBytes} were sent or 120 s passed. */
    static void streamWhileRekeying(OpenSshChain chain, UnaryOperator<dev.fumidai.ssh.SshHop.Builder> hop, int rekeys,
            long maxBytes) throws Exception {
        OpenSshDaemon d = chain.daemons.get(0);
        // Earlier connections to the same daemon logged their own key exchanges.
        long before = d.countLog(NEWKEYS);
        try (JumpHost jh = jumpHost(chain, InMemoryAuditSink.create(), hop);
                LocalForward fwd = jh.forward(Target.of("127.0.0.1", digest.port()));
                Socket s = new Socket(InetAddress.getLoopbackAddress(), fwd.localPort())) {
            s.setSoTimeout(120_000);
            OutputStream out = s.getOutputStream();
            MessageDigest sha = DigestServer.sha256();
            SplittableRandom random = new SplittableRandom(13);
            byte[] chunk = new byte[16 * 1024];
            long sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (d.countLog(NEWKEYS) < before + 1 + rekeys && sent < maxBytes && System.nanoTime() < deadline) {
                DigestServer.fill(random, chunk, chunk.length);
                sha.update(chunk);
                out.write(chunk);
                sent += chunk.length;
            }
            out.flush();
            s.shutdownOutput();
            long total = sent;
            byte[] answer = s.getInputStream().readNBytes(DigestServer.ANSWER_BYTES + 1);
            byte[] expected = ByteBuffer.allocate(DigestServer.ANSWER_BYTES).put(sha.digest()).putLong(total).array();
            assertArrayEquals(expected, answer, () -> "digest after " + total + " bytes\n" + chain.logs());
            long observed = d.countLog(NEWKEYS) - before - 1;
            assertTrue(observed >= rekeys, () -> "rekeys seen by sshd: " + observed + " after " + total + " bytes\n"
                    + chain.logs());
            assertTrue(d.logText().contains("resetting send seqnr"), "strict kex: sequence numbers were reset");
        }
    }

    /** R13: the server re-keys on a byte limit ({@code RekeyLimit}) while an -L forward streams. */
    @ParameterizedTest(name = "RekeyLimit {0}")
    @ValueSource(strings = {"1K", "128K", "256K"})
    void serverRekeysOnABytesLimitWhileAForwardStreams(String limit) throws Exception {
        try (OpenSshChain chain = bastion("rekey-" + limit, List.of("RekeyLimit " + limit))) {
            streamWhileRekeying(chain, b -> b, limit.equals("1K") ? 20 : 3);
        }
    }

    /** R13: the server re-keys on a time limit ({@code RekeyLimit default 1s}) while an -L forward streams. */
    @Test
    void serverRekeysOnATimeLimitWhileAForwardStreams() throws Exception {
        try (OpenSshChain chain = bastion("rekey-time", List.of("RekeyLimit default 1s"))) {
            // Bounded by time, not bytes: a fast forward moves 256 MiB in less than the two seconds needed here.
            streamWhileRekeying(chain, b -> b, 2, Long.MAX_VALUE);
        }
    }

    /** R13: we re-key on our own byte limit, the server taking part, while an -L forward streams. */
    @Test
    void clientRekeysOnItsBytesLimitWhileAForwardStreams() throws Exception {
        try (OpenSshChain chain = bastion("rekey-client", List.of())) {
            streamWhileRekeying(chain, b -> b.transportConfig(SshTransportConfig.builder().rekeyBytes(64 * 1024)
                    .build()), 5);
        }
    }

    /** Lists one key exchange, cipher or MAC per case, the other two left to the defaults that fit. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> algorithms() {
        List<org.junit.jupiter.params.provider.Arguments> cases = new java.util.ArrayList<>();
        for (String kex : List.of("curve25519-sha256", "sntrup761x25519-sha512@openssh.com", "ecdh-sha2-nistp256",
                "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group14-sha256",
                "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
                "diffie-hellman-group-exchange-sha256")) {
            cases.add(org.junit.jupiter.params.provider.Arguments.of(kex, null, null));
        }
        for (String cipher : List.of("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
                "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr")) {
            cases.add(org.junit.jupiter.params.provider.Arguments.of(null, cipher, null));
        }
        for (String mac : List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
                "hmac-sha2-256", "hmac-sha2-512")) {
            cases.add(org.junit.jupiter.params.provider.Arguments.of(null, "aes128-ctr", mac));
        }
        return cases.stream();
    }

    static OpenSshChain rekeying;

    /**
     * R13 for each key exchange, cipher and MAC we offer that OpenSSH also has: the server re-keys every 32 KiB
     * ({@code RekeyLimit 32K}) while an -L forward streams; three re-keys with no data lost.
     */
    @ParameterizedTest(name = "kex {0}, cipher {1}, mac {2}")
    @org.junit.jupiter.params.provider.MethodSource("algorithms")
    void rekeysWithEachAlgorithmWhileAForwardStreams(String kex, String cipher, String mac) throws Exception {
        synchronized (OpenSshForwardingIT.class) {
            if (rekeying == null) {
                rekeying = bastion("rekey-algorithms", List.of("RekeyLimit 32K"));
            }
        }
        SshTransportConfig.Builder config = SshTransportConfig.builder();
        if (kex != null) {
            config.kexAlgorithms(List.of(kex));
        }
        if (cipher != null) {
            config.ciphers(List.of(cipher));
        }
        if (mac != null) {
            config.macs(List.of(mac));
        }
        streamWhileRekeying(rekeying, b -> b.transportConfig(config.build()), 3);
        String log = rekeying.daemons.get(0).logText();
        if (kex != null) {
            assertTrue(log.contains("kex: algorithm: " + kex), () -> "sshd agreed on " + kex + "\n" + rekeying.logs());
        }
        if (cipher != null) {
            assertTrue(log.contains("cipher: " + cipher), () -> "sshd agreed on " + cipher + "\n" + rekeying.logs());
        }
        if (mac != null) {
            assertTrue(log.contains("MAC: " + mac), () -> "sshd agreed on " + mac + "\n" + rekeying.logs());
        }
    }

    /**
     * R26: when the target closes its side first, the local socket sees EOF but stays writable (half-close), and
     * what it writes afterwards still reaches the target; the local side's EOF then reaches the target.
     */
    @Test
    void targetClosingFirstHalfClosesTheLocalSocket() throws Exception {
        try (OpenSshChain chain = bastion("halfclose", List.of());
                JumpHost jh = jumpHost(chain, InMemoryAuditSink.create(), b -> b);
                LocalForward fwd = jh.forward(Target.of("127.0.0.1", greeter.port()));
                Socket s = new Socket(InetAddress.getLoopbackAddress(), fwd.localPort())) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            assertArrayEquals(HalfCloseServer.GREETING, in.readNBytes(HalfCloseServer.GREETING.length + 1),
                    "greeting, then EOF");
            assertEquals(-1, in.read(), "EOF after the target's half-close");
            assertTrue(!s.isClosed() && !s.isOutputShutdown());
            byte[] reply = "written after the target's EOF".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(reply);
            s.getOutputStream().flush();
            s.shutdownOutput();
            assertArrayEquals(reply, greeter.received.get(30, TimeUnit.SECONDS), chain::logs);
        }
    }

    /** R26: closing the local socket's output reaches the target as EOF (the service answers only on EOF). */
    @Test
    void localCloseReachesTheTargetAsEof() throws Exception {
        try (OpenSshChain chain = bastion("eof", List.of());
                JumpHost jh = jumpHost(chain, InMemoryAuditSink.create(), b -> b);
                LocalForward fwd = jh.forward(Target.of("127.0.0.1", digest.port()))) {
            int eofsBefore = digest.eofs();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fwd.localPort())) {
                s.setSoTimeout(30_000);
                byte[] expected = DigestServer.send(s.getOutputStream(), 5, 1000);
                s.shutdownOutput();
                assertArrayEquals(expected, s.getInputStream().readNBytes(DigestServer.ANSWER_BYTES + 1));
            }
            assertEquals(eofsBefore + 1, digest.eofs());
            // A full close without reading: the target still sees EOF.
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fwd.localPort())) {
                s.getOutputStream().write(new byte[10]);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (digest.eofs() < eofsBefore + 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(eofsBefore + 2, digest.eofs(), chain::logs);
        }
    }

    /**
     * R26 ({@code ExitOnForwardFailure} analogue): a forward whose local port is taken fails at once with an
     * {@link java.net.BindException} naming the address, and {@code forward.listen} records the failure.
     */
    @Test
    void anOccupiedLocalPortFailsTheForwardClearly() throws Exception {
        try (OpenSshChain chain = bastion("occupied", List.of());
                ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InMemoryAuditSink sink = InMemoryAuditSink.create();
            try (JumpHost jh = jumpHost(chain, sink, b -> b)) {
                java.net.BindException e = assertThrows(java.net.BindException.class, () -> jh.forward(Target.of("127.0.0.1", digest.port()),
                        ForwardOptions.builder().bindAddress("127.0.0.1").bindPort(taken.getLocalPort()).build()));
                assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
                assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("in use"), e.getMessage());
            }
            List<ForwardListened> listens = sink.events(ForwardListened.class);
            assertEquals(1, listens.size(), listens::toString);
            assertEquals(Outcome.FAILURE, listens.get(0).outcome());
            assertEquals(taken.getLocalPort(), listens.get(0).listener().port());
        }
    }

    /** R26: port 0 asks for any free port; the forward reports the port it got, in its API and its audit. */
    @Test
    void portZeroIsAllocatedAndReportedBack() throws Exception {
        try (OpenSshChain chain = bastion("port0", List.of())) {
            InMemoryAuditSink sink = InMemoryAuditSink.create();
            try (JumpHost jh = jumpHost(chain, sink, b -> b);
                    LocalForward fwd = jh.forward(Target.of("127.0.0.1", digest.port()),
                            ForwardOptions.builder().bindAddress("127.0.0.1").bindPort(0).build())) {
                int port = fwd.localPort();
                assertTrue(port > 0, "allocated port " + port);
                assertEquals(new InetSocketAddress("127.0.0.1", port), fwd.localAddress());
                // The audit dispatcher delivers off the caller's thread: wait for the record.
                ForwardListened listened = sink.await(ForwardListened.class, java.time.Duration.ofSeconds(30));
                assertEquals(port, listened.listener().port());
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(30_000);
                    byte[] expected = DigestServer.send(s.getOutputStream(), 9, 4096);
                    s.shutdownOutput();
                    assertArrayEquals(expected, s.getInputStream().readNBytes(DigestServer.ANSWER_BYTES + 1));
                }
            }
        }
    }

    /**
     * Plays a target that speaks first and closes its side at once: it sends {@link #GREETING}, shuts its output
     * down, and reads until EOF, completing {@link #received} with what came.
     */
    static final class HalfCloseServer implements AutoCloseable {
        static final byte[] GREETING = "hello from the target".getBytes(StandardCharsets.US_ASCII);
        final ServerSocket socket;
        final CompletableFuture<byte[]> received = new CompletableFuture<>();

        private HalfCloseServer(ServerSocket socket) {
            this.socket = socket;
        }

        static HalfCloseServer start() throws IOException {
            HalfCloseServer server = new HalfCloseServer(new ServerSocket(0, 8, InetAddress.getLoopbackAddress()));
            Thread t = new Thread(() -> {
                while (!server.socket.isClosed()) {
                    try (Socket s = server.socket.accept()) {
                        s.getOutputStream().write(GREETING);
                        s.getOutputStream().flush();
                        s.shutdownOutput();
                        server.received.complete(s.getInputStream().readAllBytes());
                    } catch (IOException e) {
                        server.received.completeExceptionally(e);
                    }
                }
            }, "half-close-target");
            t.setDaemon(true);
            t.start();
            return server;
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
