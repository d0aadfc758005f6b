// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ForwardOptions;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.ssh.PinnedFingerprintVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.ssh.SshTransportConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 4's end-to-end benchmark: bytes through a local forward over one and two SSH hops to the same local
 * OpenSSH {@code sshd}, fumidai ({@link JumpHost#forward}) against OpenSSH's own client ({@code ssh -N -L},
 * {@code ssh -J}), with the same cipher, in one process run so that the ratio is measured under the same load.
 *
 * <p>Per run and per (cipher, hops): each side opens its tunnel (timed from start to the first byte answered
 * through it: connect, key exchange, authentication, channel open), uploads and downloads {@code --bytes}
 * through the local port to {@link ByteServer} with a count and CRC-32C check (timed from the first byte sent
 * to the check's answer, or to the last byte read), and closes its tunnel. The two sides alternate, and which
 * goes first swaps every run. Medians over the runs, and the median of the per-run ratios, are printed. A last
 * phase opens {@code --idle} idle tunnels through one fumidai forward and reports the heap (and Netty pooled
 * direct memory) per tunnel after GC, with the same number of direct connections subtracted; and for
 * reference the {@code ssh} client's resident memory per idle tunnel.
 *
 * <p>Run: {@code java -cp benchmarks/target/fumidai-benchmarks.jar dev.fumidai.benchmarks.ssh.SshForwardBenchmark
 * [--bytes 1g] [--runs 5] [--warmup 256m] [--ciphers aes128-gcm@openssh.com,chacha20-poly1305@openssh.com]
 * [--hops 1,2] [--idle 100]}. Needs {@code sshd}, {@code ssh} and {@code ssh-keygen}; runs everything on
 * 127.0.0.1 and stops what it started.
 */
public final class SshForwardBenchmark {

    private static final String OURS = "fumidai";
    private static final String THEIRS = "openssh";
    /** fumidai with a one-thread event loop group: the relay's two channels always share a loop. */
    private static final String OURS_ONE_LOOP = "fumidai-1loop";
    /** fumidai with an explicit 64 GiB rekey limit (since the per-cipher default, AES already gets 64 GiB; chacha20 1 GiB). */
    private static final String OURS_NO_REKEY = "fumidai-norekey";

    private final LocalSshd sshd;
    private final ByteServer target;

    private SshForwardBenchmark(LocalSshd sshd, ByteServer target) {
        this.sshd = sshd;
        this.target = target;
    }

    /** A local forward of one side, open until closed. */
    interface Tunnel extends AutoCloseable {
        int port();

        /** Returns the client process id, or -1 when the tunnel lives in this JVM. */
        default long pid() {
            return -1;
        }

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>(Map.of(
                "bytes", "1g", "runs", "5", "warmup", "256m",
                "ciphers", "aes128-gcm@openssh.com,chacha20-poly1305@openssh.com", "hops", "1,2", "idle", "100",
                "directions", "up,down", "sides", OURS + "," + THEIRS));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !opts.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + opts.keySet());
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        long bytes = size(opts.get("bytes"));
        long warmup = size(opts.get("warmup"));
        int runs = Integer.parseInt(opts.get("runs"));
        List<String> ciphers = List.of(opts.get("ciphers").split(","));
        List<Integer> hops = Arrays.stream(opts.get("hops").split(",")).map(Integer::valueOf).toList();
        List<String> directions = List.of(opts.get("directions").split(","));
        int idle = Integer.parseInt(opts.get("idle"));
        List<String> sides = List.of(opts.get("sides").split(","));
        System.out.printf(Locale.ROOT, "# %s, %s %s, %d CPUs, load %.1f; JVM flags %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println("# options " + opts);
        try (LocalSshd sshd = LocalSshd.start(); ByteServer target = new ByteServer()) {
            // A benchmark stopped with a signal still stops its sshd and deletes its directory.
            Thread stopSshd = new Thread(sshd::close, "stop-sshd");
            Runtime.getRuntime().addShutdownHook(stopSshd);
            System.out.println("# " + LocalSshd.output(sshd.dir, "ssh", "-V").trim() + ", sshd on 127.0.0.1:"
                    + sshd.port);
            new SshForwardBenchmark(sshd, target).run(bytes, warmup, runs, ciphers, hops, directions, idle, sides);
        }
    }

    private void run(long bytes, long warmup, int runs, List<String> ciphers, List<Integer> hopCounts,
            List<String> directions, int idle, List<String> sideNames) throws Exception {
        int upCrc = ByteServer.expectedCrc(bytes);
        int warmCrc = ByteServer.expectedCrc(warmup);
        // Results: key "cipher hops side metric" -> one value per run.
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (int run = 0; run <= runs; run++) {
            boolean warm = run == 0;
            for (String cipher : ciphers) {
                for (int hops : hopCounts) {
                    List<String> sides = new ArrayList<>(sideNames);
                    java.util.Collections.rotate(sides, run);
                    for (String side : sides) {
                        String key = cipher + " " + hops + " " + side;
                        long t0 = System.nanoTime();
                        try (Tunnel t = open(side, cipher, hops)) {
                            Socket probe = awaitProbe(t);
                            double setupMs = (System.nanoTime() - t0) / 1e6;
                            probe.close();
                            long n = warm ? warmup : bytes;
                            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                                    "%s run %d %-30s %d hop(s) %-8s setup %7.1f ms", warm ? "warm-up" : "measure",
                                    run, cipher, hops, side, setupMs));
                            if (!warm) {
                                results.computeIfAbsent(key + " setup", k -> new ArrayList<>()).add(setupMs);
                            }
                            for (String direction : directions) {
                                long s = System.nanoTime();
                                if (direction.equals("up")) {
                                    ByteServer.upload(t.port(), n, warm ? warmCrc : upCrc);
                                } else {
                                    ByteServer.download(t.port(), n, warm ? warmCrc : upCrc);
                                }
                                double mibs = n / 1048576.0 / ((System.nanoTime() - s) / 1e9);
                                line.append(String.format(Locale.ROOT, "  %s %7.1f MiB/s", direction, mibs));
                                if (!warm) {
                                    results.computeIfAbsent(key + " " + direction, k -> new ArrayList<>()).add(mibs);
                                }
                            }
                            System.out.println(line);
                        }
                    }
                }
            }
        }
        report(results, ciphers, hopCounts, directions, sideNames);
        if (idle > 0) {
            idleTunnels(ciphers.get(0), idle);
        }
    }

    private static void report(Map<String, List<Double>> results, List<String> ciphers, List<Integer> hopCounts,
            List<String> directions, List<String> sides) {
        for (String side : sides) {
            if (!side.equals(OURS) && !side.equals(THEIRS)) {
                for (String cipher : ciphers) {
                    for (int hops : hopCounts) {
                        for (String metric : directions) {
                            if (!results.containsKey(cipher + " " + hops + " " + side + " " + metric)) {
                                continue;
                            }
                            System.out.printf(Locale.ROOT, "%s %s %d hop(s) %s: median %.1f MiB/s (%s)%n", side,
                                    cipher, hops, metric, median(results.get(cipher + " " + hops + " " + side + " "
                                    + metric)), list(results.get(cipher + " " + hops + " " + side + " " + metric)));
                        }
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| cipher | hops | metric | fumidai median | OpenSSH median | fumidai/OpenSSH (median of"
                + " per-run ratios) | fumidai runs | OpenSSH runs |");
        System.out.println("|---|---:|---|---:|---:|---:|---|---|");
        List<String> metrics = new ArrayList<>(directions);
        metrics.add("setup");
        for (String cipher : ciphers) {
            for (int hops : hopCounts) {
                for (String metric : metrics) {
                    List<Double> ours = results.get(cipher + " " + hops + " " + OURS + " " + metric);
                    List<Double> theirs = results.get(cipher + " " + hops + " " + THEIRS + " " + metric);
                    if (ours == null || theirs == null) {
                        continue;
                    }
                    double[] ratios = new double[ours.size()];
                    for (int i = 0; i < ratios.length; i++) {
                        ratios[i] = metric.equals("setup") ? theirs.get(i) / ours.get(i) : ours.get(i) / theirs.get(i);
                    }
                    String unit = metric.equals("setup") ? " ms" : " MiB/s";
                    System.out.printf(Locale.ROOT, "| %s | %d | %s | %.1f%s | %.1f%s | %.2f%s | %s | %s |%n", cipher,
                            hops, metric.equals("setup") ? "setup (start to first byte)" : metric, median(ours), unit,
                            median(theirs), unit, median(ratios), metric.equals("setup") ? " (OpenSSH/fumidai time)" : "",
                            list(ours), list(theirs));
                }
            }
        }
    }

    private Tunnel open(String side, String cipher, int hops) throws IOException {
        return switch (side) {
            case OURS -> ours(cipher, hops, 0, false);
            case OURS_ONE_LOOP -> ours(cipher, hops, 1, false);
            case OURS_NO_REKEY -> ours(cipher, hops, 0, true);
            case THEIRS -> theirs(cipher, hops);
            default -> throw new IllegalArgumentException("unknown side " + side);
        };
    }

    /**
     * Opens a fumidai forward; {@code threads} 0 keeps JumpHost's default event loop count, {@code lateRekey}
     * sets an explicit 64 GiB rekey-by-bytes limit (the default is per cipher: 64 GiB for AES, 1 GiB otherwise).
     */
    private Tunnel ours(String cipher, int hops, int threads, boolean lateRekey) throws IOException {
        SshTransportConfig.Builder config = SshTransportConfig.builder().ciphers(List.of(cipher));
        if (lateRekey) {
            config.rekeyBytes(64L << 30);
        }
        SshTransportConfig transport = config.build();
        List<SshHop> route = new ArrayList<>();
        for (int i = 1; i <= hops; i++) {
            route.add(SshHop.builder().address(Target.of("127.0.0.1", sshd.port))
                    .hostKeyVerifier(PinnedFingerprintVerifier.of(sshd.hostKeyFingerprint))
                    .name("hop" + i).user(sshd.user).identity(sshd.userKey).transportConfig(transport).build());
        }
        JumpHost.Builder builder = JumpHost.builder().route(Route.of(route)).actor("service:benchmark");
        if (threads > 0) {
            builder.threads(threads);
        }
        JumpHost jh = builder.build();
        LocalForward forward;
        try {
            forward = jh.forward(Target.of("127.0.0.1", target.port()), ForwardOptions.defaults());
        } catch (IOException | RuntimeException e) {
            jh.close();
            throw e;
        }
        return new Tunnel() {
            @Override
            public int port() {
                return forward.localPort();
            }

            @Override
            public void close() {
                forward.close();
                jh.close();
            }
        };
    }

    private Tunnel theirs(String cipher, int hops) throws IOException {
        int port = freePort();
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", sshd.clientConfig(cipher).toString(), "-N",
                "-L", "127.0.0.1:" + port + ":127.0.0.1:" + target.port()));
        if (hops == 2) {
            argv.addAll(List.of("-J", "hop1", "hop2"));
        } else if (hops == 1) {
            argv.add("hop1");
        } else {
            throw new IllegalArgumentException("the OpenSSH side does one or two hops, not " + hops);
        }
        Path log = Files.createTempFile(sshd.dir, "ssh", ".log");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Tunnel() {
            @Override
            public int port() {
                if (!p.isAlive()) {
                    throw new IllegalStateException("ssh exited " + p.exitValue() + ": " + read(log));
                }
                return port;
            }

            @Override
            public void close() {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public long pid() {
                return p.pid();
            }
        };
    }

    /** Connects a probe through the forward, retrying while the listener is not yet bound (OpenSSH's case). */
    private static Socket awaitProbe(Tunnel t) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return ByteServer.probe(t.port());
            } catch (java.net.ConnectException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(2);
            }
        }
    }

    private static Socket awaitProbe(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return ByteServer.probe(port);
            } catch (java.net.ConnectException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(2);
            }
        }
    }

    /**
     * Opens {@code n} idle tunnels through one fumidai forward (one SSH connection, n channels) and prints the
     * heap per tunnel after GC, minus what n direct connections to the target cost in this JVM (the client
     * sockets and the target's threads live here too); then the same n through {@code ssh -L} and the ssh
     * process's resident memory per tunnel.
     */
    private void idleTunnels(String cipher, int n) throws Exception {
        System.out.println();
        long direct = heapFor(target.port(), n, null);
        try (Tunnel t = ours(cipher, 1, 0, false)) {
            awaitProbe(t).close();
            long[] direct0 = new long[1];
            long tunnels = heapFor(t.port(), n, direct0);
            System.out.printf(Locale.ROOT, "idle tunnels: %d through one fumidai forward (%s, 1 hop): heap %.1f KiB"
                    + " per tunnel (%d bytes for %d tunnels, minus %d bytes for %d direct connections);"
                    + " Netty pooled direct memory %+.1f KiB per tunnel%n", n, cipher, (tunnels - direct) / 1024.0 / n,
                    tunnels, n, direct, n, direct0[0] / 1024.0 / n);
        }
        try (Tunnel t = theirs(cipher, 1)) {
            awaitProbe(t).close();
            long pid = t.pid();
            long before = rssKib(pid);
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    open.add(awaitProbe(t));
                }
                Thread.sleep(500);
                long after = rssKib(pid);
                System.out.printf(Locale.ROOT, "idle tunnels: %d through one ssh -L (%s): ssh client RSS %+.1f KiB per"
                        + " tunnel (%d KiB before, %d KiB after)%n", n, cipher, (after - before) / (double) n, before,
                        after);
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    /** Returns the heap growth after GC with {@code n} probes open to {@code port}; fills Netty direct growth. */
    private static long heapFor(int port, int n, long[] directGrowth) throws Exception {
        long before = usedHeapAfterGc();
        long directBefore = nettyDirect();
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                open.add(awaitProbe(port));
            }
            Thread.sleep(500);
            long after = usedHeapAfterGc();
            if (directGrowth != null) {
                directGrowth[0] = nettyDirect() - directBefore;
            }
            return after - before;
        } finally {
            for (Socket s : open) {
                s.close();
            }
            Thread.sleep(500);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long nettyDirect() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
                ? p.metric().usedDirectMemory() : 0;
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long size(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        long unit = t.endsWith("g") ? 1L << 30 : t.endsWith("m") ? 1L << 20 : t.endsWith("k") ? 1L << 10 : 1;
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }

    private static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String list(List<Double> values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", v));
        }
        return b.toString();
    }
}
