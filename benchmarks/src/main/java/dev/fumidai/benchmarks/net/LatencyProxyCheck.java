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
 * delay, a bulk stream paced at {@code --rate} (default 1 GB/s; 0 = as fast as it goes) flows through the proxy
 * from one socket of this JVM to another, in frames that each carry the sender's {@link System#nanoTime()}, while
 * small probe frames, sent every {@code --probe-us} microseconds, measure the one-way latency (same clock, same
 * process) that the proxy adds under that load.
 *
 * <h2>What a probe's latency measures</h2>
 * A probe's latency is the proxy's delay plus the path's own: the sender's socket buffer, the threads' wake-ups
 * and their wait for a core. With {@code --probes inline} (the first version of this check) the probes share the
 * bulk connection, so each one also waits behind the bulk bytes queued before it in the sender's and the
 * receiver's socket buffers and behind the bulk frame the receiver is reading: on a 2-core machine that put the
 * probes' p99 about 5 ms late even with no delay at all, while the proxy's own writes started within 0.5 ms of
 * their release time at p99. That is the queue of a sender that writes faster than it reads, not the link's delay.
 * So by default ({@code --probes separate}) the probes have a connection of their own through the same proxy,
 * beside the bulk one, and for each direction the same load is first run with <b>no proxy</b> (both connections
 * straight to the receiver): that <b>baseline</b> row is what the path contributes without the proxy, and it is
 * printed, not hidden. The proxy's rows show each figure and its excess over the baseline.
 *
 * <h2>Verdict</h2>
 * A row with a delay PASSes when: no probe, bulk frame or end of stream arrived before the delay (the proxy never
 * releases early: the path's own latency can only add); the probes' median, less the baseline's median, is within
 * {@code --tolerance} (5%) of the delay; the probes' p99, less the baseline's p99, is at most the delay plus 5%
 * (the proxy's tail beyond the path's own); and the bulk stream reached 95% of {@code --rate}. The 0-ms row has no
 * delay to hold a percentage of; it must only reach the rate and never deliver a frame early. Every run also checks
 * that the receiver got exactly the bytes sent (count and CRC-32C) and stops with an exception if not. The exit
 * status is 1 if any row failed. {@code --sabotage-percent P} makes the proxy's real delay P% longer (or, negative,
 * shorter) than the one the verdict checks against: a test of the check itself, which must then FAIL.
 *
 * <p>Run (from the repository root, after {@code mvn -B -q -DskipTests package}):
 * {@code java -XX:MaxDirectMemorySize=1g -cp benchmarks/target/fumidai-benchmarks.jar
 * dev.fumidai.benchmarks.net.LatencyProxyCheck [--delays-ms 0,5,25,50,100] [--rate 1g] [--seconds 5]
 * [--directions up,down] [--probe-us 1000] [--probes separate|inline] [--bandwidth 0] [--max-in-flight 256m]
 * [--warmup-seconds 2] [--tolerance 5] [--sabotage-percent 0]}.
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
        opts.put("probes", "separate");
        opts.put("sabotage-percent", "0");
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
        boolean separate = switch (opts.get("probes")) {
            case "separate" -> true;
            case "inline" -> false;
            default -> throw new IllegalArgumentException("--probes is separate or inline");
        };
        double sabotage = Double.parseDouble(opts.get("sabotage-percent"));

        System.out.printf(Locale.ROOT, "# %s %s, %d CPUs, load %.1f; JVM flags %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println("# options " + opts);
        if (sabotage != 0) {
            System.out.printf(Locale.ROOT, "# SABOTAGE: the proxy's real delay is %+.1f%% off the delay checked;"
                    + " every row with a delay must FAIL%n", sabotage);
        }
        if (warmup > 0) {
            run("up", 0, 0, rate, warmup, probeNanos, bandwidth, maxInFlight, separate, true); // for the JIT
        }
        System.out.println("| dir | delay ms | MB/s | probes | probe min / median / p99 / max ms"
                + " | probe median / p99 over baseline + delay, % of delay | bulk frames | bulk median / p99 ms"
                + " | EOF ms | proxy late p99 (≤) / max ms | cap stall ms | GC ms | CPU cores proxy / endpoints"
                + " | verdict |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        boolean allPass = true;
        for (String dir : directions) {
            Result baseline = run(dir, 0, 0, rate, seconds, probeNanos, bandwidth, maxInFlight, separate, false);
            List<String> baseFailures = baseline.failures(0, rate, tolerance, null);
            allPass &= baseFailures.isEmpty();
            print(dir, "baseline (no proxy)", baseline, 0, null, baseFailures);
            for (double delayMs : delays) {
                long delayNanos = (long) (delayMs * 1e6);
                long realDelay = (long) (delayNanos * (1 + sabotage / 100));
                Result r = run(dir, delayNanos, realDelay, rate, seconds, probeNanos, bandwidth, maxInFlight,
                        separate, true);
                List<String> failures = r.failures(delayNanos, rate, tolerance, baseline);
                allPass &= failures.isEmpty();
                print(dir, fmt(delayMs), r, delayNanos, baseline, failures);
            }
        }
        System.exit(allPass ? 0 : 1);
    }

    private static void print(String dir, String delay, Result r, long delayNanos, Result baseline,
            List<String> failures) {
        System.out.printf(Locale.ROOT,
                "| %s | %s | %.0f | %d | %s / %s / %s / %s | %s / %s | %d | %s / %s | %s | %s / %s | %s | %d"
                        + " | %.2f / %.2f | %s |%n",
                dir, delay, r.throughput() / 1e6, r.probes.length,
                ms(r.probes[0]), ms(pct(r.probes, 0.5)), ms(pct(r.probes, 0.99)), ms(r.probes[r.probes.length - 1]),
                excess(pct(r.probes, 0.5), baseline == null ? -1 : pct(baseline.probes, 0.5), delayNanos),
                excess(pct(r.probes, 0.99), baseline == null ? -1 : pct(baseline.probes, 0.99), delayNanos),
                r.bulk.length, ms(pct(r.bulk, 0.5)), ms(pct(r.bulk, 0.99)), ms(r.eofNanos),
                r.proxy == null ? "n/a" : ms(r.proxy.lateNanosAtMost(0.99)),
                r.proxy == null ? "n/a" : ms(r.proxy.maxLateNanos()),
                r.proxy == null ? "n/a" : ms(r.proxy.capStalledNanos()), r.gcMillis, r.proxyCores, r.checkCores,
                failures.isEmpty() ? "PASS" : "FAIL: " + String.join("; ", failures));
        System.out.flush();
    }

    /** What one run measured; latencies in nanoseconds, sorted. */
    private record Result(long[] probes, long[] bulk, long bytes, long elapsedNanos, long eofNanos,
            LatencyProxy.Stats proxy, long gcMillis, double proxyCores, double checkCores) {
        double throughput() {
            return bytes * 1e9 / elapsedNanos;
        }

        /**
         * Returns why this run fails to hold {@code delayNanos} (empty: it holds), comparing its probes with the
         * {@code baseline} run's (the same load without the proxy; null for the baseline itself).
         */
        List<String> failures(long delayNanos, long rate, double tolerancePercent, Result baseline) {
            return verdict(delayNanos, rate, tolerancePercent, probes, bulk, eofNanos, throughput(),
                    baseline == null ? null : baseline.probes);
        }
    }

    /**
     * Returns why a run fails to hold {@code delayNanos}: the check's criteria, on sorted latencies in nanoseconds
     * ({@code baselineProbes} null for a run without a proxy).
     */
    static List<String> verdict(long delayNanos, long rate, double tolerancePercent, long[] probes, long[] bulk,
            long eofNanos, double throughput, long[] baselineProbes) {
        List<String> f = new java.util.ArrayList<>();
        long earliest = Math.min(probes[0], bulk.length == 0 ? Long.MAX_VALUE : bulk[0]);
        if (earliest < delayNanos) {
            f.add("a frame arrived after " + ms(earliest) + " ms, before the delay");
        }
        if (eofNanos < delayNanos) {
            f.add("end of stream after " + ms(eofNanos) + " ms, before the delay");
        }
        if (delayNanos > 0 && baselineProbes != null) {
            double allowed = delayNanos * tolerancePercent / 100;
            long median = pct(probes, 0.5) - pct(baselineProbes, 0.5) - delayNanos;
            if (Math.abs(median) > allowed) {
                f.add("probe median " + err(median + delayNanos, delayNanos) + "% off the delay (over baseline)");
            }
            long tail = pct(probes, 0.99) - pct(baselineProbes, 0.99) - delayNanos;
            if (tail > allowed) {
                f.add("probe p99 " + err(tail + delayNanos, delayNanos) + "% beyond the delay (over baseline)");
            }
        }
        if (rate > 0 && throughput < 0.95 * rate) {
            f.add(String.format(Locale.ROOT, "stream reached %.0f of %.0f MB/s", throughput / 1e6, rate / 1e6));
        }
        return f;
    }

    /**
     * Runs one stream for {@code seconds}: through a proxy whose links delay by {@code realDelay} (the checked
     * {@code delayNanos} unless sabotaged), or with {@code viaProxy} false straight to the receiver.
     */
    private static Result run(String dir, long delayNanos, long realDelay, long rate, double seconds,
            long probeNanos, long bandwidth, long maxInFlight, boolean separate, boolean viaProxy) throws Exception {
        LatencyProxy.Link link = new LatencyProxy.Link(realDelay, bandwidth, maxInFlight);
        try (ServerSocketChannel sink = ServerSocketChannel.open()) {
            sink.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int sinkPort = sink.socket().getLocalPort();
            try (LatencyProxy proxy = viaProxy ? new LatencyProxy(sinkPort, link, link) : null;
                    Pair bulkPair = Pair.open(viaProxy ? proxy.port() : sinkPort, sink, dir);
                    Pair probePair = separate ? Pair.open(viaProxy ? proxy.port() : sinkPort, sink, dir) : null) {
                Receiver bulkReceiver = new Receiver(bulkPair.to);
                CompletableFuture<Void> bulkReceived = receive(bulkReceiver, "check-receiver");
                Receiver probeReceiver = separate ? new Receiver(probePair.to) : bulkReceiver;
                CompletableFuture<Void> probesReceived = separate ? receive(probeReceiver, "check-probe-receiver")
                        : bulkReceived;
                Sender bulk = new Sender(bulkPair.from, rate, probeNanos, separate ? Sender.BULK_ONLY : Sender.MIXED);
                Sender probes = separate ? new Sender(probePair.from, 0, probeNanos, Sender.PROBES_ONLY) : null;
                long gcBefore = gcMillis();
                long proxyCpu0 = threadCpu("latency-proxy-");
                long checkCpu0 = threadCpu("check-");
                long mainCpu0 = mainCpu();
                long start = System.nanoTime();
                long duration = (long) (seconds * 1e9);
                CompletableFuture<Void> probesSent = probes == null ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.runAsync(() -> {
                            try {
                                probes.run(start, duration);
                                probePair.from.shutdownOutput();
                            } catch (IOException e) {
                                throw new IllegalStateException("the probe sender failed", e);
                            }
                        }, r -> {
                            Thread t = new Thread(r, "check-probe-sender");
                            t.setDaemon(true);
                            t.start();
                        });
                bulk.run(start, duration);
                long shutdownAt = System.nanoTime();
                // Before the end of stream, after which the proxy's and the receivers' threads end.
                double proxyCores = (threadCpu("latency-proxy-") - proxyCpu0) / (double) (shutdownAt - start);
                double checkCores = (threadCpu("check-") - checkCpu0 + mainCpu() - mainCpu0)
                        / (double) (shutdownAt - start);
                bulkPair.from.shutdownOutput();
                // The whole stream still has to cross the delay, and the in-flight queue drain.
                long timeout = (long) (seconds * 10 + delayNanos / 1e9 * 4 + 60);
                bulkReceived.get(timeout, TimeUnit.SECONDS);
                probesSent.get(timeout, TimeUnit.SECONDS);
                probesReceived.get(timeout, TimeUnit.SECONDS);
                checkBytes(bulk, bulkReceiver, dir, delayNanos);
                if (probes != null) {
                    checkBytes(probes, probeReceiver, dir, delayNanos);
                }
                if (probeReceiver.probeCount == 0) {
                    throw new IllegalStateException("no probe frame arrived (" + dir + ")");
                }
                return new Result(probeReceiver.sortedProbes(), bulkReceiver.sortedBulk(), bulkReceiver.count,
                        bulkReceiver.lastRead - start, bulkReceiver.eofAt - shutdownAt,
                        proxy == null ? null : dir.equals("up") ? proxy.upStats() : proxy.downStats(),
                        gcMillis() - gcBefore, proxyCores, checkCores);
            }
        }
    }

    private static CompletableFuture<Void> receive(Receiver receiver, String name) {
        return CompletableFuture.runAsync(() -> {
            try {
                receiver.run();
            } catch (IOException e) {
                throw new IllegalStateException("the receiver failed", e);
            }
        }, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
        });
    }

    private static void checkBytes(Sender sender, Receiver receiver, String dir, long delayNanos) {
        if (receiver.count != sender.count || receiver.crc.getValue() != sender.crc.getValue()) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "byte-exactness check FAILED (%s, delay %d ns): sent %d bytes CRC-32C %08x,"
                            + " received %d bytes CRC-32C %08x", dir, delayNanos, sender.count,
                    sender.crc.getValue(), receiver.count, receiver.crc.getValue()));
        }
    }

    /** A connection from this JVM to the sink (through the proxy or not), as sending and receiving ends. */
    private record Pair(SocketChannel client, SocketChannel accepted, SocketChannel from, SocketChannel to)
            implements AutoCloseable {
        static Pair open(int port, ServerSocketChannel sink, String dir) throws IOException {
            SocketChannel client = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            SocketChannel accepted;
            try {
                accepted = sink.accept();
            } catch (IOException e) {
                client.close();
                throw e;
            }
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean up = dir.equals("up");
            return new Pair(client, accepted, up ? client : accepted, up ? accepted : client);
        }

        @Override
        public void close() throws IOException {
            try {
                client.close();
            } finally {
                accepted.close();
            }
        }
    }

    /**
     * Writes bulk frames paced at {@code rate} bytes/s (0 = unpaced), probe frames every {@code probeNanos}, or
     * both interleaved ({@link #MIXED}), and digests what it wrote.
     */
    private static final class Sender {
        static final int MIXED = 0;
        static final int BULK_ONLY = 1;
        static final int PROBES_ONLY = 2;
        private final SocketChannel ch;
        private final long rate;
        private final long probeNanos;
        private final int mode;
        final CRC32C crc = new CRC32C();
        long count;
        private final ByteBuffer pattern = ByteBuffer.allocateDirect(PATTERN + BULK_FRAME);
        private final ByteBuffer header = ByteBuffer.allocateDirect(HEADER);
        private final ByteBuffer[] frame = new ByteBuffer[2];

        Sender(SocketChannel ch, long rate, long probeNanos, int mode) {
            this.ch = ch;
            this.rate = rate;
            this.probeNanos = probeNanos;
            this.mode = mode;
            byte[] random = new byte[PATTERN + BULK_FRAME];
            new Random(14).nextBytes(random);
            pattern.put(random).flip();
            frame[0] = header;
        }

        void run(long start, long durationNanos) throws IOException {
            long nextProbe = mode == BULK_ONLY ? Long.MAX_VALUE : start;
            int offset = 0;
            long now;
            while ((now = System.nanoTime()) - start < durationNanos) {
                boolean probe = mode == PROBES_ONLY || (mode == MIXED && now >= nextProbe);
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
                if (mode == PROBES_ONLY) {
                    long wait;
                    while ((wait = nextProbe - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                } else if (rate > 0) {
                    long ahead = (long) (count * 1e9 / rate) - (System.nanoTime() - start);
                    if (ahead > 0) {
                        // Sleep no longer than the next probe is due (with MIXED).
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

    /**
     * Returns the CPU time of the live threads whose name starts with {@code prefix}. The proxy's and the
     * receivers' threads live until the run's resources close, after this is read.
     */
    private static long threadCpu(String prefix) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    /** Returns this (the bulk sender's) thread's CPU time. */
    private static long mainCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
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

    /** Formats the excess of {@code nanos} over baseline + delay in % of the delay (in ms with no delay). */
    private static String excess(long nanos, long baseline, long delayNanos) {
        if (baseline < 0) {
            return "n/a";
        }
        return delayNanos == 0 ? "+" + ms(nanos - baseline) + " ms" : err(nanos - baseline, delayNanos);
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
