// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 14's latency harness: a userspace TCP proxy on 127.0.0.1 that emulates a link with a fixed one-way
 * delay (and optionally a bandwidth cap) in each direction, for hosts whose kernel has no {@code netem}. Put it
 * between a client and the first {@code sshd}: the client connects to {@link #port()}, and each accepted
 * connection is relayed to {@code 127.0.0.1:targetPort}.
 *
 * <p>Per connection and direction, a reader thread reads as much as the socket has (up to 1 MiB per read),
 * stamps the chunk with its arrival time and queues it; a writer thread releases each chunk to the other
 * socket no earlier than {@code arrival + delay} (plus, with a bandwidth cap, the chunk's serialisation time on
 * the emulated link). The delay is the same for every chunk, so release order is arrival order and a FIFO queue
 * is the scheduler; due chunks are written together with one gathering write.
 *
 * <p>The reader keeps reading while chunks wait. A proxy that stopped reading until it had written would act
 * as a TCP window of its own (one socket buffer per RTT), and the benchmark would measure the proxy, not the
 * client's window. A real link holds bandwidth × delay bytes in flight; this one holds up to
 * {@link Link#maxInFlightBytes()} per direction (default {@value #DEFAULT_MAX_IN_FLIGHT} bytes, 256 MiB: 1 GB/s ×
 * 100 ms one way is 100 MB, with room to spare). When that is full the reader stops, and the kernel's
 * buffers before the proxy fill, as TCP's would: the in-flight cap is then the emulated path's window. Memory
 * is in direct blocks of 1 MiB allocated as needed up to the cap, filled by successive reads (a small read
 * does not take a block of its own) and reused once every chunk in them is written; so memory per direction
 * never exceeds the cap, and the usable in-flight bytes are at least the cap less one 64 KiB tail per block.
 *
 * <p>With a bandwidth cap, a chunk of {@code n} bytes occupies the emulated link for {@code n / rate} seconds
 * after the link is free, and is released that long plus the delay after it arrived (or after the link became
 * free). The reader reads about 1 ms of traffic at a time (at least 4 KiB) and no more than about 1 ms ahead of
 * the link, so the emulated bottleneck has a shallow queue and the sender is held back by TCP, as behind a real
 * bottleneck with a small buffer.
 *
 * <p>End of stream from one side is passed on as a half-close ({@code shutdownOutput}) on the other, after the
 * delay and after all bytes before it; once both directions are half-closed, both sockets close. A read error
 * (a reset) closes the connection after the delay; a write error closes it at once. Not for library use: a
 * benchmark tool with 4 platform threads per connection, which is fine for the few connections of a benchmark.
 */
public final class LatencyProxy implements AutoCloseable {

    /** Default in-flight cap per direction: 256 MiB. */
    public static final long DEFAULT_MAX_IN_FLIGHT = 256L << 20;

    private static final int BLOCK = 1 << 20;
    /** A block with less room than this is left for a fresh one, so that reads stay large. */
    private static final int MIN_READ = 64 << 10;
    /** With a bandwidth cap, how far the reader may run ahead of the emulated link. */
    private static final long READ_AHEAD_NANOS = 1_000_000;
    private static final int MAX_GATHER = 64;

    /**
     * One direction of the emulated link.
     *
     * @param delayNanos the one-way delay added to every byte, in nanoseconds (0 for none)
     * @param bytesPerSecond the bandwidth cap, or 0 for none
     * @param maxInFlightBytes at most this many bytes are held in the proxy for this direction; the emulated
     *     window (rounded down to whole 1 MiB blocks, at least 2)
     */
    public record Link(long delayNanos, long bytesPerSecond, long maxInFlightBytes) {
        public Link {
            if (delayNanos < 0 || bytesPerSecond < 0 || maxInFlightBytes <= 0) {
                throw new IllegalArgumentException("delay and rate must be >= 0, the in-flight cap > 0");
            }
        }

        /** A link with only a one-way delay, no bandwidth cap and the default in-flight cap. */
        public static Link delay(long delayNanos) {
            return new Link(delayNanos, 0, DEFAULT_MAX_IN_FLIGHT);
        }
    }

    private final ServerSocketChannel server;
    private final InetSocketAddress target;
    private final Link up;
    private final Link down;
    private final Stats upStats = new Stats();
    private final Stats downStats = new Stats();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;

    /**
     * Starts listening on an ephemeral port of 127.0.0.1.
     *
     * @param targetPort the port on 127.0.0.1 each accepted connection is relayed to
     * @param up the link from the client to the target
     * @param down the link from the target to the client
     */
    public LatencyProxy(int targetPort, Link up, Link down) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.up = up;
        this.down = down;
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        acceptor = new Thread(this::acceptLoop, "latency-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port clients connect to, on 127.0.0.1. */
    public int port() {
        return server.socket().getLocalPort();
    }

    private void acceptLoop() {
        while (!closed.get()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                SocketChannel server = SocketChannel.open(target);
                for (SocketChannel c : List.of(client, server)) {
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                Connection conn = new Connection(client, server);
                connections.add(conn);
                if (closed.get()) {
                    conn.close();
                } else {
                    conn.start();
                }
            } catch (IOException e) {
                closeQuietly(client); // the target refused: the client sees a close
            }
        }
    }

    /**
     * Runs the proxy on its own, for a client outside this JVM (such as OpenSSH's {@code ssh}): {@code java -cp
     * benchmarks/target/fumidai-benchmarks.jar dev.fumidai.benchmarks.net.LatencyProxy --target-port N
     * [--delay-ms 50] [--bandwidth BYTES_PER_S] [--max-in-flight BYTES]} prints {@code port P} (the port to
     * connect to) on one line and relays until its standard input closes. The options apply to both
     * directions; the delay is one way, so the round trip gains twice {@code --delay-ms}.
     */
    public static void main(String[] args) throws Exception {
        int targetPort = -1;
        double delayMs = 0;
        long bandwidth = 0;
        long maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + args[i]);
            }
            switch (args[i]) {
                case "--target-port" -> targetPort = Integer.parseInt(args[i + 1]);
                case "--delay-ms" -> delayMs = Double.parseDouble(args[i + 1]);
                case "--bandwidth" -> bandwidth = Long.parseLong(args[i + 1]);
                case "--max-in-flight" -> maxInFlight = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --target-port, --delay-ms, --bandwidth, --max-in-flight");
            }
        }
        if (targetPort <= 0) {
            throw new IllegalArgumentException("--target-port is required");
        }
        Link link = new Link((long) (delayMs * 1e6), bandwidth, maxInFlight);
        try (LatencyProxy proxy = new LatencyProxy(targetPort, link, link)) {
            System.out.println("port " + proxy.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Relay until standard input closes.
            }
        }
    }

    /** What the proxy itself did in the direction from the client to the target, over all its connections. */
    public Stats upStats() {
        return upStats;
    }

    /** What the proxy itself did in the direction from the target to the client, over all its connections. */
    public Stats downStats() {
        return downStats;
    }

    /**
     * The proxy's own contribution, to tell it from the endpoints': how late after its release time each write
     * started (scheduling, timer slack, a slow writer), and how long reading stopped because the in-flight cap
     * was reached (the emulated window was full).
     */
    public static final class Stats {
        /** Bucket i counts lateness below 2^i microseconds (bucket 0: below 1 µs). */
        private final AtomicLongArray lateBuckets = new AtomicLongArray(40);
        private final AtomicLong maxLate = new AtomicLong();
        final LongAdder capStalledNanos = new LongAdder();

        void late(long nanos) {
            long us = Math.max(0, nanos) / 1000;
            int bucket = us == 0 ? 0 : Math.min(39, 64 - Long.numberOfLeadingZeros(us));
            lateBuckets.incrementAndGet(bucket);
            maxLate.accumulateAndGet(nanos, Math::max);
        }

        /** Writes counted so far (each a gathered batch of due chunks). */
        public long writes() {
            long n = 0;
            for (int i = 0; i < lateBuckets.length(); i++) {
                n += lateBuckets.get(i);
            }
            return n;
        }

        /** An upper bound, to a power of two microseconds, of the lateness of fraction {@code p} of the writes. */
        public long lateNanosAtMost(double p) {
            long total = writes();
            long seen = 0;
            for (int i = 0; i < lateBuckets.length(); i++) {
                seen += lateBuckets.get(i);
                if (total > 0 && seen >= p * total) {
                    return (1L << i) * 1000;
                }
            }
            return 0;
        }

        /** The latest a write started after its release time. */
        public long maxLateNanos() {
            return maxLate.get();
        }

        /** How long, in all, reading stopped because the in-flight cap was reached. */
        public long capStalledNanos() {
            return capStalledNanos.sum();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(server);
        for (Connection c : connections) {
            c.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Closing.
        }
    }

    /** One relayed connection: two pipes. */
    private final class Connection {
        private final SocketChannel client;
        private final SocketChannel server;
        private final Pipe upPipe;
        private final Pipe downPipe;
        private final AtomicInteger halfCloses = new AtomicInteger();
        private final AtomicBoolean done = new AtomicBoolean();

        Connection(SocketChannel client, SocketChannel server) {
            this.client = client;
            this.server = server;
            upPipe = new Pipe(this, "up", client, server, up, upStats);
            downPipe = new Pipe(this, "down", server, client, down, downStats);
        }

        void start() {
            upPipe.start();
            downPipe.start();
        }

        void halfClosed() {
            if (halfCloses.incrementAndGet() == 2) {
                close();
            }
        }

        void close() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            closeQuietly(client);
            closeQuietly(server);
            upPipe.stop();
            downPipe.stop();
            connections.remove(this);
        }
    }

    /** A run of bytes read at one time, or (data == null) an end of stream or a reset. */
    private record Chunk(long releaseAt, ByteBuffer data, Block block, boolean reset) {}

    /** A 1 MiB direct buffer that successive reads fill; reused when the reader and every chunk let it go. */
    private static final class Block {
        final ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
        final AtomicInteger refs = new AtomicInteger();
        Pipe owner;

        void retain() {
            refs.incrementAndGet();
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                owner.free.add(this);
            }
        }
    }

    /** One direction of a connection: a reader thread, a FIFO of stamped chunks, a writer thread. */
    private static final class Pipe {
        private final Connection conn;
        private final SocketChannel in;
        private final SocketChannel out;
        private final Link link;
        private final Stats stats;
        private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Block> free = new LinkedBlockingQueue<>();
        private final int maxBlocks;
        private int allocated;
        /** With a bandwidth cap: when the emulated link has sent everything read so far (reader thread only). */
        private long linkFree;
        private final Thread reader;
        private final Thread writer;

        Pipe(Connection conn, String name, SocketChannel in, SocketChannel out, Link link, Stats stats) {
            this.stats = stats;
            this.conn = conn;
            this.in = in;
            this.out = out;
            this.link = link;
            this.maxBlocks = (int) Math.max(2, Math.min(Integer.MAX_VALUE, link.maxInFlightBytes() / BLOCK));
            reader = new Thread(this::readLoop, "latency-proxy-" + name + "-read");
            writer = new Thread(this::writeLoop, "latency-proxy-" + name + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
        }

        void start() {
            reader.start();
            writer.start();
        }

        void stop() {
            reader.interrupt();
            writer.interrupt();
        }

        private Block takeBlock() throws InterruptedException {
            Block b = free.poll();
            if (b == null) {
                if (allocated < maxBlocks) {
                    allocated++;
                    b = new Block();
                    b.owner = this;
                } else {
                    long t0 = System.nanoTime();
                    b = free.take(); // the in-flight cap is reached: stop reading until a block is written
                    stats.capStalledNanos.add(System.nanoTime() - t0);
                }
            }
            b.buf.clear();
            b.refs.set(1); // the reader's reference
            return b;
        }

        /** The release time of {@code n} bytes that arrived at {@code now}. */
        private long releaseAt(long now, int n) {
            long rate = link.bytesPerSecond();
            if (rate == 0) {
                return now + link.delayNanos();
            }
            long start = Math.max(now, linkFree);
            linkFree = start + (long) (n * 1e9 / rate);
            return linkFree + link.delayNanos();
        }

        private void readLoop() {
            Block b = null;
            try {
                while (true) {
                    if (b == null || b.buf.remaining() < MIN_READ) {
                        if (b != null) {
                            b.release();
                        }
                        b = null;
                        b = takeBlock();
                    }
                    ByteBuffer dst = b.buf;
                    int start = dst.position();
                    int room = dst.remaining();
                    if (link.bytesPerSecond() > 0) {
                        // About 1 ms of the link per read (at least 4 KiB), so that a chunk is not one big burst.
                        room = (int) Math.min(room, Math.max(4096, link.bytesPerSecond() / 1000));
                    }
                    dst.limit(start + room);
                    int n = in.read(dst);
                    long now = System.nanoTime();
                    dst.limit(dst.capacity());
                    if (n < 0) {
                        queue.put(new Chunk(releaseAt(now, 0), null, null, false));
                        return;
                    }
                    ByteBuffer data = dst.duplicate();
                    data.limit(start + n).position(start);
                    b.retain();
                    queue.put(new Chunk(releaseAt(now, n), data, b, false));
                    if (link.bytesPerSecond() > 0) {
                        waitUntil(linkFree - READ_AHEAD_NANOS);
                    }
                }
            } catch (InterruptedException e) {
                // Closing.
            } catch (IOException e) {
                if (!conn.done.get()) {
                    queue.add(new Chunk(System.nanoTime() + link.delayNanos(), null, null, true));
                }
            } catch (RuntimeException | Error e) {
                // Such as running out of direct memory: say so (the default handler prints it) and close.
                conn.close();
                throw e;
            } finally {
                if (b != null) {
                    b.release();
                }
            }
        }

        private void writeLoop() {
            ByteBuffer[] batch = new ByteBuffer[MAX_GATHER];
            Block[] blocks = new Block[MAX_GATHER];
            try {
                while (true) {
                    Chunk c = queue.take();
                    waitUntil(c.releaseAt());
                    if (c.data() == null) {
                        if (c.reset()) {
                            // Pass the reset on as one: linger 0 makes close send RST, not FIN.
                            out.setOption(StandardSocketOptions.SO_LINGER, 0);
                            conn.close();
                        } else {
                            out.shutdownOutput();
                            conn.halfClosed();
                        }
                        return;
                    }
                    // Gather the head and whatever else is due now into one write.
                    int k = 0;
                    batch[k] = c.data();
                    blocks[k++] = c.block();
                    long now = System.nanoTime();
                    Chunk next;
                    while (k < MAX_GATHER && (next = queue.peek()) != null && next.data() != null
                            && next.releaseAt() <= now) {
                        queue.poll();
                        batch[k] = next.data();
                        blocks[k++] = next.block();
                    }
                    stats.late(System.nanoTime() - c.releaseAt());
                    long left = 0;
                    for (int i = 0; i < k; i++) {
                        left += batch[i].remaining();
                    }
                    while (left > 0) {
                        left -= out.write(batch, 0, k);
                    }
                    for (int i = 0; i < k; i++) {
                        blocks[i].release();
                        batch[i] = null;
                        blocks[i] = null;
                    }
                }
            } catch (InterruptedException e) {
                // Closing.
            } catch (IOException e) {
                conn.close();
            } catch (RuntimeException | Error e) {
                conn.close();
                throw e;
            }
        }

        private static void waitUntil(long deadline) throws InterruptedException {
            long wait;
            while ((wait = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    }
}
