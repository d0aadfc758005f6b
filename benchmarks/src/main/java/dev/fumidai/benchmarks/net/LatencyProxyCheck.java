// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.net;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * Checks {@link LatencyProxy} before any figure is trusted from it (issue 14): for each configured one-way
 * delay, a stream paced at {@code --rate} (default 1 GB/s; 0 = as fast as it goes) flows through the proxy
 * from one socket of this JVM to another, in frames that each carry the sender's {@link System#nanoTime()}, and
 * small probe frames are interleaved every {@code --probe-us} microseconds. The receiver records, for every
 * frame header, the one-way latency (same clock, same process) and compares it with the configured delay.
 *
 * <p>Per direction and delay it prints the probes' and the bulk frames' latency (minimum, median, p99, maximum)
 * and their error against the delay in %, the achieved throughput, and the delay of the end of stream (a
 * half-close must also arrive no earlier than the delay). A row PASSes when no frame arrived before the delay
 * (the proxy never releases early), the probes' p99 is within {@code --tolerance} (5%) of the delay (for delays
 * above 0), the end of stream came no earlier than the delay, and the stream reached 95% of {@code --rate}. Every
 * run also checks that the receiver got exactly the bytes sent (count and CRC-32C) and stops with an exception
 * if not. The exit status is 1 if any row failed.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests package}):
 * {@code java -XX:MaxDirectMemorySize=1g -cp benchmarks/target/fumidai-benchmarks.jar
 * dev.fumidai.benchmarks.net.LatencyProxyCheck [--delays-ms 0,5,25,50,100] [--rate 1g] [--seconds 5]
 * [--directions up,down] [--probe-us 1000] [--bandwidth 0] [--max-in-flight 256m] [--warmup-seconds 2]
 * [--tolerance 5]}.
 */
public final class LatencyProxyCheck {

    private static final byte BULK = 'B';
    private static final byte PROBE = 'P';
    /** type (1) + total frame length (4) + send time (8). */
    private static final int HEADER = 13;
    private static final int BULK_FRAME = 64 << 10;
    private static final int PROBE_FRAME = 32;
    private static final int PATTERN = 1 << 20;

    private LatencyProxyCheck() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("delays-ms", "0,5,25,50,100");
        opts.put("rate", "1g");
        opts.put("seconds", "5");
        opts.put("directions", "up,down");
        opts.put("probe-us", "1000");
        opts.put("bandwidth", "0");
        opts.put("max-in-flight", "256m");
        opts.put("warmup-seconds", "2");
        opts.put("tolerance", "5");
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!opts.containsKey(key) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i]
                        + "; options: " + opts.keySet());
            }
            opts.put(key, args[i + 1]);
        }
        List<Double> delays = Arrays.stream(opts.get("delays-ms").split(",")).map(Double::valueOf).toList();
        long rate = bytes(opts.get("rate"));
        double seconds = Double.parseDouble(opts.get("seconds"));
        List<String> directions = List.of(opts.get("directions").split(","));
        long probeNanos = Long.parseLong(opts.get("probe-us")) * 1000;
        long bandwidth = bytes(opts.get("bandwidth"));
        long maxInFlight = bytes(opts.get("max-in-flight"));
        double warmup = Double.parseDouble(opts.get("warmup-seconds"));
        double tolerance = Double.parseDouble(opts.get("tolerance"));

        System.out.printf(Locale.ROOT, "# %s %s, %d CPUs, load %.1f; JVM flags %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println("# options " + opts);
        if (warmup > 0) {
            run("up", 0, rate, warmup, probeNanos, bandwidth, maxInFlight); // for the JIT; not printed
        }
        System.out.println("| dir | delay ms | MB/s | probes | probe min / median / p99 / max ms"
                + " | probe err median / p99 / max % | bulk frames | bulk p99 / max ms | EOF ms"
                + " | proxy late p99 (≤) / max ms | cap stall ms | GC ms | verdict |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        boolean allPass = true;
        for (String dir : directions) {
            for (double delayMs : delays) {
                long delayNanos = (long) (delayMs * 1e6);
                Result r = run(dir, delayNanos, rate, seconds, probeNanos, bandwidth, maxInFlight);
                List<String> failures = r.failures(delayNanos, rate, tolerance);
                allPass &= failures.isEmpty();
                System.out.printf(Locale.ROOT,
                        "| %s | %s | %.0f | %d | %s / %s / %s / %s | %s / %s / %s | %d | %s / %s | %s"
                                + " | %s / %s | %s | %d | %s |%n",
                        dir, fmt(delayMs), r.throughput() / 1e6, r.probes.length,
                        ms(r.probes[0]), ms(pct(r.probes, 0.5)), ms(pct(r.probes, 0.99)),
                        ms(r.probes[r.probes.length - 1]),
                        err(pct(r.probes, 0.5), delayNanos), err(pct(r.probes, 0.99), delayNanos),
                        err(r.probes[r.probes.length - 1], delayNanos), r.bulk.length,
                        ms(pct(r.bulk, 0.99)), ms(pct(r.bulk, 1.0)), ms(r.eofNanos),
                        ms(r.proxy.lateNanosAtMost(0.99)), ms(r.proxy.maxLateNanos()), ms(r.proxy.capStalledNanos()),
                        r.gcMillis,
                        failures.isEmpty() ? "PASS" : "FAIL: " + String.join("; ", failures));
                System.out.flush();
            }
        }
        System.exit(allPass ? 0 : 1);
    }

    /** What one run measured; latencies in nanoseconds, sorted. */
    private record Result(long[] probes, long[] bulk, long bytes, long elapsedNanos, long eofNanos,
            LatencyProxy.Stats proxy, long gcMillis) {
        double throughput() {
            return bytes * 1e9 / elapsedNanos;
        }

        List<String> failures(long delayNanos, long rate, double tolerancePercent) {
            List<String> f = new java.util.ArrayList<>();
            long earliest = Math.min(probes[0], bulk.length == 0 ? Long.MAX_VALUE : bulk[0]);
            if (earliest < delayNanos) {
                f.add("a frame arrived after " + ms(earliest) + " ms, before the delay");
            }
            if (eofNanos < delayNanos) {
                f.add("end of stream after " + ms(eofNanos) + " ms, before the delay");
            }
            if (delayNanos > 0 && pct(probes, 0.99) > delayNanos * (1 + tolerancePercent / 100)) {
                f.add("probe p99 beyond " + fmt(tolerancePercent) + "%");
            }
            if (rate > 0 && throughput() < 0.95 * rate) {
                f.add(String.format(Locale.ROOT, "stream reached %.0f of %.0f MB/s", throughput() / 1e6, rate / 1e6));
            }
            return f;
        }
    }

    private static Result run(String dir, long delayNanos, long rate, double seconds, long probeNanos,
            long bandwidth, long maxInFlight) throws Exception {
        LatencyProxy.Link link = new LatencyProxy.Link(delayNanos, bandwidth, maxInFlight);
        try (ServerSocketChannel sink = ServerSocketChannel.open()) {
            sink.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (LatencyProxy proxy = new LatencyProxy(sink.socket().getLocalPort(), link, link);
                    SocketChannel client = SocketChannel.open(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()));
                    SocketChannel accepted = sink.accept()) {
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SocketChannel from = dir.equals("up") ? client : accepted;
                SocketChannel to = dir.equals("up") ? accepted : client;
                Receiver receiver = new Receiver(to);
                CompletableFuture<Void> received = CompletableFuture.runAsync(() -> {
                    try {
                        receiver.run();
                    } catch (IOException e) {
                        throw new IllegalStateException("the receiver failed", e);
                    }
                }, r -> {
                    Thread t = new Thread(r, "check-receiver");
                    t.setDaemon(true);
                    t.start();
                });
                Sender sender = new Sender(from, rate, probeNanos);
                long gcBefore = gcMillis();
                long start = System.nanoTime();
                sender.run(start, (long) (seconds * 1e9));
                long shutdownAt = System.nanoTime();
                from.shutdownOutput();
                // The whole stream still has to cross the delay, and the in-flight queue drain.
                received.get((long) (seconds * 10 + delayNanos / 1e9 * 4 + 60), TimeUnit.SECONDS);
                if (receiver.count != sender.count || receiver.crc.getValue() != sender.crc.getValue()) {
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "byte-exactness check FAILED (%s, delay %d ns): sent %d bytes CRC-32C %08x,"
                                    + " received %d bytes CRC-32C %08x", dir, delayNanos, sender.count,
                            sender.crc.getValue(), receiver.count, receiver.crc.getValue()));
                }
                if (receiver.probeCount == 0) {
                    throw new IllegalStateException("no probe frame arrived (" + dir + ")");
                }
                return new Result(receiver.sortedProbes(), receiver.sortedBulk(), receiver.count,
                        receiver.lastRead - start, receiver.eofAt - shutdownAt,
                        dir.equals("up") ? proxy.upStats() : proxy.downStats(), gcMillis() - gcBefore);
            }
        }
    }

    /** Writes bulk and probe frames, paced at {@code rate} bytes/s (0 = unpaced), and digests what it wrote. */
    private static final class Sender {
        private final SocketChannel ch;
        private final long rate;
        private final long probeNanos;
        final CRC32C crc = new CRC32C();
        long count;
        private final ByteBuffer pattern = ByteBuffer.allocateDirect(PATTERN + BULK_FRAME);
        private final ByteBuffer header = ByteBuffer.allocateDirect(HEADER);
        private final ByteBuffer[] frame = new ByteBuffer[2];

        Sender(SocketChannel ch, long rate, long probeNanos) {
            this.ch = ch;
            this.rate = rate;
            this.probeNanos = probeNanos;
            byte[] random = new byte[PATTERN + BULK_FRAME];
            new Random(14).nextBytes(random);
            pattern.put(random).flip();
            frame[0] = header;
        }

        void run(long start, long durationNanos) throws IOException {
            long nextProbe = start;
            int offset = 0;
            long now;
            while ((now = System.nanoTime()) - start < durationNanos) {
                boolean probe = now >= nextProbe;
                int length = probe ? PROBE_FRAME : BULK_FRAME;
                if (probe) {
                    nextProbe = now + probeNanos;
                }
                header.clear();
                header.put(probe ? PROBE : BULK).putInt(length);
                ByteBuffer body = pattern.duplicate();
                body.limit(offset + length - HEADER).position(offset);
                offset = (offset + length) % PATTERN;
                header.putLong(System.nanoTime()).flip();
                crc.update(header.duplicate());
                crc.update(body.duplicate());
                frame[1] = body;
                long left = length;
                while (left > 0) {
                    left -= ch.write(frame);
                }
                count += length;
                if (rate > 0) {
                    long ahead = (long) (count * 1e9 / rate) - (System.nanoTime() - start);
                    if (ahead > 0) {
                        // Sleep no longer than the next probe is due.
                        LockSupport.parkNanos(Math.min(ahead, Math.max(0, nextProbe - System.nanoTime())));
                    }
                }
            }
        }
    }

    /** Reads to end of stream, digests every byte and records each frame header's latency. */
    private static final class Receiver {
        private final SocketChannel ch;
        final CRC32C crc = new CRC32C();
        long count;
        long lastRead;
        long eofAt;
        long[] probes = new long[1024];
        int probeCount;
        long[] bulk = new long[1024];
        int bulkCount;

        Receiver(SocketChannel ch) {
            this.ch = ch;
        }

        void run() throws IOException {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            byte[] head = new byte[HEADER];
            int headHave = 0;
            long skip = 0;
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                long now = System.nanoTime();
                if (n < 0) {
                    eofAt = now;
                    if (headHave != 0 || skip != 0) {
                        throw new IOException("the stream ended inside a frame");
                    }
                    return;
                }
                lastRead = now;
                count += n;
                buf.flip();
                crc.update(buf.duplicate());
                int pos = 0;
                while (pos < n) {
                    if (skip > 0) {
                        int k = (int) Math.min(skip, n - pos);
                        pos += k;
                        skip -= k;
                        continue;
                    }
                    head[headHave++] = buf.get(pos++);
                    if (headHave == HEADER) {
                        ByteBuffer h = ByteBuffer.wrap(head);
                        byte type = h.get();
                        int length = h.getInt();
                        long sent = h.getLong();
                        if ((type != BULK && type != PROBE) || length < HEADER) {
                            throw new IOException("corrupt frame header at byte " + (count - n + pos));
                        }
                        if (type == PROBE) {
                            if (probeCount == probes.length) {
                                probes = Arrays.copyOf(probes, probeCount * 2);
                            }
                            probes[probeCount++] = now - sent;
                        } else {
                            if (bulkCount == bulk.length) {
                                bulk = Arrays.copyOf(bulk, bulkCount * 2);
                            }
                            bulk[bulkCount++] = now - sent;
                        }
                        headHave = 0;
                        skip = length - HEADER;
                    }
                }
            }
        }

        long[] sortedProbes() {
            long[] a = Arrays.copyOf(probes, probeCount);
            Arrays.sort(a);
            return a;
        }

        long[] sortedBulk() {
            long[] a = Arrays.copyOf(bulk, bulkCount);
            Arrays.sort(a);
            return a;
        }
    }

    private static long gcMillis() {
        long t = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String err(long nanos, long delayNanos) {
        if (delayNanos == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%+.2f", (nanos - delayNanos) * 100.0 / delayNanos);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Parses 1g, 256m, 64k or a plain number of bytes (decimal units for rates: 1g = 10^9). */
    private static long bytes(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1_000L : last == 'm' ? 1_000_000L : 1_000_000_000L;
            t = t.substring(0, t.length() - 1);
        }
        return (long) (Double.parseDouble(t) * unit);
    }
}
