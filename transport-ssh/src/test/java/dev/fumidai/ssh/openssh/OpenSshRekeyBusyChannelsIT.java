// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.TunnelEventListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10, must hold 2, against the real thing: one SSH session to the system {@code sshd} with
 * {@code RekeyLimit 16M}, {@value #CHANNELS} {@code direct-tcpip} channels each saturated in both directions at
 * once (we upload {@value #MIB_PER_DIRECTION} MiB while the service streams as much back), so every key exchange
 * happens while all channels hold full windows in flight. Before the held writes counted toward writability,
 * about nine busy channels overflowed the 16 MiB hold cap at the first rekey and the whole session died.
 *
 * <p>Asserted: every channel finishes; per channel and direction, the SHA-256 and byte count of what one end
 * sent equals what the other end received; and our transport saw at least {@value #MIN_REKEYS} key
 * re-exchanges (counted by the {@link TunnelEventListener#rekeyEnd} events the hop reports).
 */
@Tag("interop")
class OpenSshRekeyBusyChannelsIT {

    static final int CHANNELS = 32;
    /** 32 × 12 MiB = 384 MiB each way: 24 rekeys at 16 MiB, so 20 with margin for sshd's accounting. */
    static final int MIB_PER_DIRECTION = 12;
    static final int MIN_REKEYS = 20;

    @TempDir
    Path dir;

    @Test
    void thirtyTwoChannelsBusyBothWaysThroughTwentyRekeysLoseNoByte() throws Exception {
        try (SinkSourceServer service = SinkSourceServer.start();
                OpenSshChain chain = OpenSshChain.start(dir, 1, List.of("127.0.0.1:" + service.port()),
                        i -> List.of("RekeyLimit 16M"))) {
            AtomicInteger rekeys = new AtomicInteger();
            TunnelEventListener listener = new TunnelEventListener() {
                @Override
                public void rekeyEnd(HopId hop, Duration took) {
                    rekeys.incrementAndGet();
                }
            };
            long bytes = (long) MIB_PER_DIRECTION << 20;
            ExecutorService pool = Executors.newFixedThreadPool(2 * CHANNELS);
            long start = System.nanoTime();
            try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:rekey-busy").eventListener(listener)
                    .build()) {
                List<TunnelConnection> connections = new ArrayList<>();
                try {
                    for (int i = 0; i < CHANNELS; i++) {
                        connections.add(jh.connect(Target.of("127.0.0.1", service.port()), Duration.ofSeconds(30)));
                    }
                    List<Future<byte[]>> uploads = new ArrayList<>();
                    List<Future<byte[]>> downloads = new ArrayList<>();
                    for (int i = 0; i < CHANNELS; i++) {
                        TunnelConnection c = connections.get(i);
                        int id = i;
                        uploads.add(pool.submit(() -> {
                            OutputStream out = c.outputStream();
                            // The header: our id, the seed and size of what the service streams back.
                            out.write(ByteBuffer.allocate(SinkSourceServer.HEADER_BYTES).putInt(id)
                                    .putLong(1000L + id).putLong(bytes).array());
                            byte[] digest = SinkSourceServer.stream(out, 5000L + id, bytes);
                            c.shutdownOutput();
                            return digest;
                        }));
                        downloads.add(pool.submit(() -> SinkSourceServer.digest(c.inputStream())));
                    }
                    for (int i = 0; i < CHANNELS; i++) {
                        byte[] sentUp = uploads.get(i).get(90, TimeUnit.SECONDS);
                        byte[] receivedDown = downloads.get(i).get(90, TimeUnit.SECONDS);
                        SinkSourceServer.Result atService = service.result(i, 30, TimeUnit.SECONDS);
                        int id = i;
                        assertArrayEquals(sentUp, atService.received(), () -> "channel " + id
                                + ": what the service received (SHA-256, count) differs from what we sent");
                        assertArrayEquals(atService.sent(), receivedDown, () -> "channel " + id
                                + ": what we received (SHA-256, count) differs from what the service sent");
                        assertEquals(bytes, ByteBuffer.wrap(receivedDown, 32, 8).getLong(), "channel " + id);
                    }
                } finally {
                    for (TunnelConnection c : connections) {
                        c.close();
                    }
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(30, TimeUnit.SECONDS);
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            int seen = rekeys.get();
            assertTrue(seen >= MIN_REKEYS, () -> "key re-exchanges seen by our transport: " + seen + " in " + seconds
                    + " s\n" + chain.logs());
            System.out.println("rekey-busy: " + CHANNELS + " channels, " + (2L * CHANNELS * MIB_PER_DIRECTION)
                    + " MiB, " + seen + " rekeys in " + seconds + " s");
        }
    }

    /**
     * A TCP service on 127.0.0.1 that, per connection, reads a header (an id, a seed, a size), then at once
     * streams {@code size} bytes of {@link DigestServer#fill} data from the seed back and then half-closes, while
     * it reads the rest of the connection to EOF; it records the SHA-256 and count of both directions under the
     * id. Two threads per connection; for tests only.
     */
    static final class SinkSourceServer implements AutoCloseable {

        static final int HEADER_BYTES = 4 + 8 + 8;

        /** SHA-256 followed by the byte count, of each direction as the service saw it. */
        record Result(byte[] sent, byte[] received) {
        }

        private final ServerSocket socket;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final Map<Integer, java.util.concurrent.CompletableFuture<Result>> results = new ConcurrentHashMap<>();

        private SinkSourceServer(ServerSocket socket) {
            this.socket = socket;
        }

        static SinkSourceServer start() throws IOException {
            SinkSourceServer server = new SinkSourceServer(new ServerSocket(0, 64, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(server::acceptLoop, "sink-source-server");
            acceptor.setDaemon(true);
            acceptor.start();
            return server;
        }

        int port() {
            return socket.getLocalPort();
        }

        Result result(int id, long timeout, TimeUnit unit) throws Exception {
            return future(id).get(timeout, unit);
        }

        private java.util.concurrent.CompletableFuture<Result> future(int id) {
            return results.computeIfAbsent(id, k -> new java.util.concurrent.CompletableFuture<>());
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "sink-source-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                ByteBuffer header = ByteBuffer.wrap(s.getInputStream().readNBytes(HEADER_BYTES));
                if (header.remaining() < HEADER_BYTES) {
                    return;
                }
                int id = header.getInt();
                long seed = header.getLong();
                long size = header.getLong();
                java.util.concurrent.CompletableFuture<byte[]> sent = new java.util.concurrent.CompletableFuture<>();
                Thread source = new Thread(() -> {
                    try {
                        sent.complete(stream(s.getOutputStream(), seed, size));
                        s.shutdownOutput();
                    } catch (IOException | RuntimeException e) {
                        sent.completeExceptionally(e);
                    }
                }, "sink-source-source");
                source.setDaemon(true);
                source.start();
                byte[] received = digest(s.getInputStream());
                future(id).complete(new Result(sent.get(90, TimeUnit.SECONDS), received));
            } catch (Exception e) {
                // The test sees the missing result and fails on it.
            } finally {
                open.remove(s);
            }
        }

        /** Writes {@code bytes} bytes of seeded data; returns their SHA-256 followed by the count. */
        static byte[] stream(OutputStream out, long seed, long bytes) throws IOException {
            MessageDigest sha = DigestServer.sha256();
            SplittableRandom random = new SplittableRandom(seed);
            byte[] chunk = new byte[32 * 1024];
            for (long done = 0; done < bytes; ) {
                int n = (int) Math.min(chunk.length, bytes - done);
                DigestServer.fill(random, chunk, n);
                sha.update(chunk, 0, n);
                out.write(chunk, 0, n);
                done += n;
            }
            out.flush();
            return ByteBuffer.allocate(40).put(sha.digest()).putLong(bytes).array();
        }

        /** Reads to EOF; returns the SHA-256 of what was read followed by the count. */
        static byte[] digest(InputStream in) throws IOException {
            MessageDigest sha = DigestServer.sha256();
            byte[] buf = new byte[64 * 1024];
            long count = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                sha.update(buf, 0, n);
                count += n;
            }
            return ByteBuffer.allocate(40).put(sha.digest()).putLong(count).array();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
