// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ForwardOptions;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.benchmarks.net.LatencyProxy;
import dev.fumidai.ssh.PinnedFingerprintVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.ssh.SshTransportConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Issues 4 and 14's end-to-end benchmark: bytes through a local forward over one and two SSH hops to the same
 * local OpenSSH {@code sshd}, fumidai ({@link JumpHost#forward}) against OpenSSH's own client ({@code ssh -N -L},
 * {@code ssh -J}), with the same cipher, optionally over an emulated round-trip time, in one process run so that
 * each ratio is measured under the same load. One command covers issue 14's whole matrix: hops 1 and 2,
 * aes128-gcm and chacha20-poly1305, RTT 0, 10, 50, 100 and 200 ms, upload and download, setup time, and client
 * CPU per GiB, medians of 5 rounds.
 *
 * <h2>What one round does</h2>
 * For every (cipher, hops, RTT) and for each side in turn (the order swaps every round, so that load drift falls
 * on both alike), the side opens its tunnel, timed as <b>setup</b> from the open (spawning {@code ssh}; asking the
 * fumidai client process to build its {@code JumpHost} and forward) to the first byte answered through it by
 * {@link ByteServer} (TCP connect, key exchange, authentication, channel open, target connect: every round trip
 * crosses the emulated delay); then uploads and downloads through it, each checked by count and CRC-32C, and
 * closes it. Throughput is wall time from the first byte sent to the checked answer (upload) or the last byte
 * read (download). Round 0 warms up (JIT, sshd) and is not reported.
 *
 * <h2>Round-trip time</h2>
 * {@code --rtt-ms} lists round-trip times; for each, a {@link LatencyProxy} in this JVM with a one-way delay of
 * RTT/2 in each direction sits between the client and the <em>first</em> {@code sshd}, for both sides alike
 * ({@code ssh}'s {@code hop1} and fumidai's first {@link SshHop} point at the proxy's port). With two hops only
 * that client→hop1 link is delayed: hop1 reaches hop2 (the same sshd) directly, so the second hop's handshake
 * and data cross the delayed link inside the first hop's channel, as with a bastion next to its targets.
 * {@code 0} still goes through the proxy (no delay: the proxy's own cost, same path as the other RTTs);
 * {@code direct} connects without any proxy (issue 4's figures).
 *
 * <h2>Transfers sized by time</h2>
 * At 200 ms RTT a fixed 1 GiB could take minutes per transfer, and at 0 ms a small size measures little but
 * start-up. So by default every transfer lasts about {@code max(--seconds-per-transfer, --rtts-per-transfer ×
 * RTT)} (1 s and 20 RTTs: 4 s at 200 ms), whatever its rate: round 0 runs each transfer for that long (the
 * upload sends for that long, the download asks the byte server to send for that long) and measures its rate; each
 * later transfer moves {@code rate × time} bytes, rounded up to a MiB, at least {@code --min-bytes} (16 MiB: a
 * floor, so that a transfer's fixed costs, such as the end of stream crossing every hop, cannot shrink the next
 * size and so keep themselves dominant) and at most {@code --max-bytes}, with the rate from that side's previous
 * round for the same (cipher, hops, RTT, direction). Each side thus gets transfers of the same duration rather
 * than of the same size: sizing both by one side's rate would give the faster side a short transfer, in which
 * the first round trip and the window's growth weigh more, or the slower one a run several times as long. 20 RTTs
 * leave room for a window that doubles per round trip to grow from 2 MiB to 64 MiB and then carry most of the
 * bytes. {@code --bytes N} fixes the size
 * instead (issue 4's 1 GiB runs), with {@code --warmup} bytes in round 0.
 *
 * <h2>Client CPU</h2>
 * CPU seconds per GiB are the client's user + system time ({@code /proc/<pid>/stat} fields 14 and 15, so 10 ms
 * ticks; summed over all the client's processes) over a transfer, divided by its GiB. Both sides are measured as
 * whole processes: OpenSSH's {@code ssh} and, with {@code -J}, the second {@code ssh} it spawns for the jump; for
 * fumidai a JVM of its own ({@link ForwardClient}, started once and kept for the whole run, so that it is warm),
 * including its GC and JIT threads, which are part of what the client costs (its JIT is warmed before the
 * matrix by {@code --client-warmup-seconds} of transfers per cipher and hop count, one new tunnel per second). In
 * the benchmark's JVM, the byte server and the latency proxy stay outside both measurements. Summing the CPU time
 * of fumidai's event-loop threads in this JVM was the alternative; it would leave out the garbage collector and any
 * thread the library hands work to, and would measure fumidai in a way that OpenSSH is not. The 10 ms tick makes
 * CPU figures of small transfers coarse (one tick over 32 MiB is 0.3 s/GiB): longer transfers give finer ones.
 *
 * <h2>Length of a run</h2>
 * The matrix's expected length is printed before it starts (a model: each transfer's duration plus about eight
 * round trips per hop of setup) and the projected end after round 0. The defaults take about 20 minutes on two
 * cores; {@code --quick} is a smoke run of under 2 minutes (aes128-gcm, hops 1 and 2, RTT 0 and 50 ms, 2 rounds,
 * 0.5 s transfers, no idle phase), any of whose options can still be given.
 *
 * <p>A last phase opens {@code --idle} idle tunnels through one fumidai forward in this JVM and reports the heap
 * (and Netty pooled direct memory) per tunnel after GC, with the same number of direct connections subtracted;
 * and for reference the {@code ssh} client's resident memory per idle tunnel.
 *
 * <p>Run: {@code java -cp benchmarks/target/fumidai-benchmarks.jar dev.fumidai.benchmarks.ssh.SshForwardBenchmark
 * [--quick] [--rounds 5] [--ciphers aes128-gcm@openssh.com,chacha20-poly1305@openssh.com] [--hops 1,2]
 * [--rtt-ms 0,10,50,100,200] [--directions up,down] [--seconds-per-transfer 1] [--rtts-per-transfer 20]
 * [--min-bytes 16m] [--max-bytes 4g] [--client-warmup-seconds 3] [--bytes 0] [--warmup 256m] [--idle 100]
 * [--sides fumidai,openssh]
 * [--client-java PATH] [--client-jvm-options "-Xmx1g ..."] [--fumidai-transport name=value,...]
 * [--commit ID]}. Needs {@code sshd}, {@code ssh} and {@code ssh-keygen}; runs everything on 127.0.0.1 and stops
 * what it started. {@code --fumidai-transport} calls {@link SshTransportConfig.Builder} methods by name (see
 * {@link ForwardClient#apply}): the hook for options the library does not have yet, such as a receive-window cap.
 */
public final class SshForwardBenchmark {

    private static final String OURS = "fumidai";
    private static final String THEIRS = "openssh";
    /** fumidai with a one-thread event loop group: the relay's two channels always share a loop. */
    private static final String OURS_ONE_LOOP = "fumidai-1loop";
    /** fumidai with an explicit 64 GiB rekey limit (since the per-cipher default, AES already gets 64 GiB; chacha20 1 GiB). */
    private static final String OURS_NO_REKEY = "fumidai-norekey";
    /** The {@code --rtt-ms} value that means no proxy at all. */
    private static final int DIRECT = -1;
    private static final long MIB = 1L << 20;

    private final LocalSshd sshd;
    private final ByteServer target;
    private final Map<String, String> opts;
    private final Map<Integer, LatencyProxy> proxies = new HashMap<>();
    private final Map<Long, Integer> crcs = new HashMap<>();
    private ClientProcess client;

    private SshForwardBenchmark(LocalSshd sshd, ByteServer target, Map<String, String> opts) {
        this.sshd = sshd;
        this.target = target;
        this.opts = opts;
    }

    /** A local forward of one side, open until closed. */
    interface Tunnel extends AutoCloseable {
        int port();

        /** Returns the client process id, or -1 when the tunnel lives in this JVM. */
        default long pid() {
            return -1;
        }

        /** Returns the CPU time, user + system, of the client's processes so far, in nanoseconds. */
        long cpuNanos();

        @Override
        void close();
    }

    /** One cell of the matrix. */
    private record Config(String cipher, int hops, int rttMs) {
        String rtt() {
            return rttMs == DIRECT ? "direct" : Integer.toString(rttMs);
        }

        String key() {
            return cipher + " " + hops + " " + rtt();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("rounds", "5");
        opts.put("ciphers", "aes128-gcm@openssh.com,chacha20-poly1305@openssh.com");
        opts.put("hops", "1,2");
        opts.put("rtt-ms", "0,10,50,100,200");
        opts.put("directions", "up,down");
        opts.put("seconds-per-transfer", "1");
        opts.put("rtts-per-transfer", "20");
        opts.put("min-bytes", "16m");
        opts.put("client-warmup-seconds", "3");
        opts.put("max-bytes", "4g");
        opts.put("bytes", "0");
        opts.put("warmup", "256m");
        opts.put("idle", "100");
        opts.put("sides", OURS + "," + THEIRS);
        opts.put("client-java", ProcessHandle.current().info().command().orElse("java"));
        opts.put("client-jvm-options", "");
        opts.put("fumidai-transport", "-");
        opts.put("commit", "");
        Map<String, String> given = new LinkedHashMap<>();
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
                continue;
            }
            String key = args[i].startsWith("--") ? args[i].substring(2) : "";
            key = key.equals("runs") ? "rounds" : key; // issue 4's name
            if (!opts.containsKey(key) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i] + "; known: --quick, "
                        + opts.keySet());
            }
            given.put(key, args[++i]);
        }
        if (quick) {
            opts.putAll(Map.of("rounds", "2", "ciphers", "aes128-gcm@openssh.com", "hops", "1,2", "rtt-ms", "0,50",
                    "seconds-per-transfer", "0.5", "rtts-per-transfer", "5", "idle", "0",
                    "client-warmup-seconds", "1"));
        }
        opts.putAll(given);
        if (Integer.parseInt(opts.get("rounds")) < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        try (LocalSshd sshd = LocalSshd.start(); ByteServer target = new ByteServer()) {
            // A benchmark stopped with a signal still stops its sshd, its client and deletes its directory.
            SshForwardBenchmark bench = new SshForwardBenchmark(sshd, target, opts);
            Runtime.getRuntime().addShutdownHook(new Thread(bench::closeAll, "stop-benchmark"));
            try {
                bench.run();
            } finally {
                bench.closeAll();
            }
        }
    }

    private synchronized void closeAll() {
        if (client != null) {
            client.close();
            client = null;
        }
        proxies.values().forEach(LatencyProxy::close);
        proxies.clear();
        sshd.close();
    }

    private void run() throws Exception {
        int rounds = Integer.parseInt(opts.get("rounds"));
        List<String> ciphers = List.of(opts.get("ciphers").split(","));
        List<Integer> hopCounts = Arrays.stream(opts.get("hops").split(",")).map(Integer::valueOf).toList();
        List<Integer> rtts = Arrays.stream(opts.get("rtt-ms").split(","))
                .map(r -> r.equals("direct") ? DIRECT : Integer.valueOf(r)).toList();
        List<String> directions = List.of(opts.get("directions").split(","));
        List<String> sideNames = List.of(opts.get("sides").split(","));
        for (int rtt : rtts) {
            if (rtt != DIRECT) {
                long oneWay = rtt * 1_000_000L / 2;
                proxies.put(rtt, new LatencyProxy(sshd.port, LatencyProxy.Link.delay(oneWay),
                        LatencyProxy.Link.delay(oneWay)));
            }
        }
        if (sideNames.stream().anyMatch(s -> s.startsWith(OURS))) {
            client = ClientProcess.start(opts.get("client-java"), opts.get("client-jvm-options"));
        }
        List<Config> configs = new ArrayList<>();
        for (int rtt : rtts) {
            for (String cipher : ciphers) {
                for (int hops : hopCounts) {
                    configs.add(new Config(cipher, hops, rtt));
                }
            }
        }
        describeMachine();
        System.out.println("# options " + opts);
        double estimate = estimateSeconds(configs, rounds, directions.size(), sideNames.size());
        System.out.printf(Locale.ROOT, "# %d cells × %d sides × %d rounds + 1 warm-up round; expected length about"
                + " %.0f s (%.1f min; model: each transfer's duration, setup 0.3 s + 8 round trips per hop)%n",
                configs.size(), sideNames.size(), rounds, estimate, estimate / 60);
        warmClient(ciphers, hopCounts);
        // Results: key "config side metric" -> one value per measured round.
        Map<String, List<Double>> results = new LinkedHashMap<>();
        Map<String, Double> rates = new HashMap<>();
        long start = System.nanoTime();
        for (int round = 0; round <= rounds; round++) {
            for (Config c : configs) {
                List<String> sides = new ArrayList<>(sideNames);
                Collections.rotate(sides, round);
                for (String side : sides) {
                    measure(round, c, side, directions, results, rates);
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "# round %d done after %.0f s; projected total %.0f s%n", round, elapsed,
                    round == 0 ? elapsed * (rounds + 1) : elapsed / (round + 1) * (rounds + 1));
        }
        report(results, configs, directions, sideNames);
        targets(results, configs, client == null ? 0 : client.feature());
        int idle = Integer.parseInt(opts.get("idle"));
        if (idle > 0) {
            idleTunnels(ciphers.get(0), idle);
        }
    }

    /**
     * Warms the fumidai client JVM's JIT before the matrix, for each cipher and hop count of the run: one new direct
     * tunnel per second of {@code --client-warmup-seconds}, each uploading and then downloading for about a second
     * before it is closed, so that round 0's rates (which size the transfers) are not a cold JVM's. New tunnels
     * rather than one long transfer: each round opens a new {@code JumpHost}, and with only one tunnel warmed the
     * code a connection runs once (key exchange, the sntrup761 key pair made ahead for the next connection,
     * authentication, channel setup) was still being compiled during the first measured rounds, together with
     * the data path's methods recompiled after the type profiles those new connections brought; the client's CPU
     * per GiB then fell round after round (on JDK 17, aes128-gcm one hop down: 2.6, 1.9, 1.4, 1.1, 1.0, 1.1), with
     * the C2 compiler threads busy at every round's start. OpenSSH needs no such thing; its round 0 is a warm-up of the
     * same length.
     */
    private void warmClient(List<String> ciphers, List<Integer> hopCounts) throws Exception {
        double seconds = Double.parseDouble(opts.get("client-warmup-seconds"));
        if (client == null || seconds <= 0) {
            return;
        }
        int tunnels = (int) Math.max(1, Math.round(seconds));
        long nanos = (long) (seconds / tunnels * 1e9);
        for (String cipher : ciphers) {
            for (int hops : hopCounts) {
                long up = 0;
                long down = 0;
                long t0 = System.nanoTime();
                for (int i = 0; i < tunnels; i++) {
                    try (Tunnel t = client.open("default", cipher, hops, sshd.port, sshd, target.port(),
                            opts.get("fumidai-transport"))) {
                        awaitProbe(t).close();
                        up += ByteServer.uploadFor(t.port(), nanos);
                        down += ByteServer.downloadFor(t.port(), nanos);
                    }
                }
                System.out.printf(Locale.ROOT,
                        "# fumidai client JIT warm-up, %s %d hop(s) direct: %d tunnels, %d MiB up, %d MiB down,"
                                + " %.1f s%n", cipher, hops, tunnels, up / MIB, down / MIB,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private void measure(int round, Config c, String side, List<String> directions,
            Map<String, List<Double>> results, Map<String, Double> rates) throws Exception {
        boolean warm = round == 0;
        long fixed = size(opts.get("bytes"));
        String key = c.key() + " " + side;
        long t0 = System.nanoTime();
        try (Tunnel t = open(side, c)) {
            Socket probe = awaitProbe(t);
            double setupMs = (System.nanoTime() - t0) / 1e6;
            probe.close();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "%s %d %-30s %d hop(s) RTT %-6s %-8s setup %7.1f ms", warm ? "warm-up" : "round", round,
                    c.cipher(), c.hops(), c.rtt(), side, setupMs));
            if (!warm) {
                results.computeIfAbsent(key + " setup", k -> new ArrayList<>()).add(setupMs);
            }
            for (String direction : directions) {
                boolean up = direction.equals("up");
                long cpu0 = t.cpuNanos();
                long server0 = sshd.sessionCpuNanos();
                long s = System.nanoTime();
                long n;
                if (warm && fixed == 0) {
                    long nanos = (long) (transferSeconds(c.rttMs()) * 1e9);
                    n = up ? ByteServer.uploadFor(t.port(), nanos) : ByteServer.downloadFor(t.port(), nanos);
                } else {
                    n = warm ? size(opts.get("warmup")) : fixed > 0 ? fixed
                            : sized(rates.get(key + " " + direction), transferSeconds(c.rttMs()));
                    int crc = crcs.computeIfAbsent(n, ByteServer::expectedCrc);
                    s = System.nanoTime(); // the CRC above may have taken a while the first time
                    cpu0 = t.cpuNanos();
                    server0 = sshd.sessionCpuNanos();
                    if (up) {
                        ByteServer.upload(t.port(), n, crc);
                    } else {
                        ByteServer.download(t.port(), n, crc);
                    }
                }
                double seconds = (System.nanoTime() - s) / 1e9;
                double cpuPerGib = (t.cpuNanos() - cpu0) / 1e9 / (n / (double) (1L << 30));
                double serverPerGib = (sshd.sessionCpuNanos() - server0) / 1e9 / (n / (double) (1L << 30));
                rates.put(key + " " + direction, n / seconds);
                double mibs = n / (double) MIB / seconds;
                line.append(String.format(Locale.ROOT, "  %s %7.1f MiB/s %5.2f CPU-s/GiB (%d MiB, %.1f s, sshd %.2f)",
                        direction, mibs, cpuPerGib, n / MIB, seconds, serverPerGib));
                if (!warm) {
                    results.computeIfAbsent(key + " " + direction, k -> new ArrayList<>()).add(mibs);
                    results.computeIfAbsent(key + " " + direction + "-cpu", k -> new ArrayList<>()).add(cpuPerGib);
                    results.computeIfAbsent(key + " " + direction + "-server", k -> new ArrayList<>())
                            .add(serverPerGib);
                }
            }
            System.out.println(line);
        }
    }

    /** Returns one transfer's duration at {@code rttMs}: max(--seconds-per-transfer, --rtts-per-transfer × RTT). */
    private double transferSeconds(int rttMs) {
        return Math.max(Double.parseDouble(opts.get("seconds-per-transfer")),
                Double.parseDouble(opts.get("rtts-per-transfer")) * Math.max(0, rttMs) / 1000.0);
    }

    /** The bytes that take about {@code seconds} at {@code rate} bytes/s: whole MiB within --min/--max-bytes. */
    private long sized(double rate, double seconds) {
        long n = (long) Math.ceil(rate * seconds / MIB) * MIB;
        return Math.max(size(opts.get("min-bytes")), Math.min(size(opts.get("max-bytes")), n));
    }

    private double estimateSeconds(List<Config> configs, int rounds, int directions, int sides) {
        long fixed = size(opts.get("bytes"));
        double perRound = 0;
        for (Config c : configs) {
            double rtt = Math.max(0, c.rttMs()) / 1000.0;
            double transfer = fixed == 0 ? transferSeconds(c.rttMs())
                    // Fixed sizes: assume 300 MiB/s, or a 2 MiB window per round trip, whichever is slower.
                    : fixed / Math.min(300.0 * MIB, rtt == 0 ? Double.MAX_VALUE : 2.0 * MIB / rtt);
            perRound += sides * (directions * transfer + 0.3 + 8 * c.hops() * rtt);
        }
        double idle = Integer.parseInt(opts.get("idle")) > 0 ? 30 : 0;
        double warmupSeconds = Double.parseDouble(opts.get("client-warmup-seconds"));
        double clientWarmup = warmupSeconds <= 0 ? 0
                : (2 * warmupSeconds + Math.max(1, Math.round(warmupSeconds)) * 0.3)
                        * opts.get("ciphers").split(",").length * opts.get("hops").split(",").length;
        return perRound * (rounds + 1) + idle + clientWarmup + 5;
    }

    private void describeMachine() throws IOException, InterruptedException {
        String cpu = "?";
        for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (l.startsWith("model name")) {
                cpu = l.substring(l.indexOf(':') + 1).trim();
                break;
            }
        }
        System.out.printf(Locale.ROOT, "# machine: %s, %d CPUs, %s GiB RAM, Linux %s, load average %.2f at start%n",
                cpu, Runtime.getRuntime().availableProcessors(), memGib(),
                Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "# benchmark JVM (sshd driver, byte server, latency proxy): %s %s, flags %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (client != null) {
            System.out.println("# fumidai client JVM: " + client.version + " (" + opts.get("client-java") + " "
                    + opts.get("client-jvm-options") + "), pid " + client.process.pid());
        }
        System.out.println("# " + LocalSshd.output(sshd.dir, "ssh", "-V").trim() + ", sshd on 127.0.0.1:" + sshd.port);
        // Every socket here is loopback TCP under this setting: the proxy's two legs, where BBR (a tiny minimum RTT,
        // so a small congestion window once acks are late on a busy machine) stalls some fast rounds, and the
        // sshd's socket to its client, where BBR's pacing costs the sshd more per byte and more with fumidai as
        // the client than with ssh (benchmarks/README.md, "the sshd's extra cost per byte is BBR's").
        Path cc = Path.of("/proc/sys/net/ipv4/tcp_congestion_control");
        System.out.println("# TCP congestion control (every loopback socket: the sshd's, the proxy's legs): "
                + (Files.isReadable(cc) ? Files.readString(cc).trim() : "?"));
        System.out.println("# commit " + commit());
    }

    private static String memGib() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (l.startsWith("MemTotal:")) {
                return Long.toString(Long.parseLong(l.replaceAll("[^0-9]", "")) >> 20);
            }
        }
        return "?";
    }

    /** Returns {@code --commit}, or git's short HEAD (marked when the work tree has changes), or "unknown". */
    private String commit() {
        if (!opts.get("commit").isEmpty()) {
            return opts.get("commit");
        }
        try {
            Path cwd = Path.of(".");
            String head = LocalSshd.output(cwd.toAbsolutePath().toFile().toPath(), "git", "rev-parse", "--short",
                    "HEAD").trim();
            String dirty = LocalSshd.output(cwd, "git", "status", "--porcelain", "--untracked-files=no").trim();
            return head + (dirty.isEmpty() ? "" : " (with uncommitted changes)");
        } catch (IOException | RuntimeException | InterruptedException e) {
            return "unknown (not in a git work tree; give --commit)";
        }
    }

    private static void report(Map<String, List<Double>> results, List<Config> configs, List<String> directions,
            List<String> sides) {
        System.out.println();
        for (String side : sides) {
            if (!side.equals(OURS) && !side.equals(THEIRS)) {
                for (Config c : configs) {
                    for (String metric : directions) {
                        List<Double> v = results.get(c.key() + " " + side + " " + metric);
                        if (v != null) {
                            System.out.printf(Locale.ROOT, "%s %s %d hop(s) RTT %s %s: median %.1f MiB/s (%s)%n",
                                    side, c.cipher(), c.hops(), c.rtt(), metric, median(v), list(v));
                        }
                    }
                }
            }
        }
        System.out.println("Throughput in MiB/s and client CPU-seconds per GiB (user + system of the whole client"
                + " process(es)); setup in ms. Ratios are fumidai/OpenSSH, medians of the per-round ratios: above 1"
                + " is faster for throughput, below 1 is better for CPU and setup. RTT through the latency proxy,"
                + " client→first hop only.");
        System.out.println();
        System.out.println("| cipher | hops | RTT ms | metric | fumidai | OpenSSH | fumidai/OpenSSH"
                + " | fumidai CPU s/GiB | OpenSSH CPU s/GiB | CPU fumidai/OpenSSH |");
        System.out.println("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        List<String> metrics = new ArrayList<>(directions);
        metrics.add("setup");
        StringBuilder detail = new StringBuilder();
        StringBuilder server = new StringBuilder();
        for (Config c : configs) {
            for (String metric : metrics) {
                List<Double> ours = results.get(c.key() + " " + OURS + " " + metric);
                List<Double> theirs = results.get(c.key() + " " + THEIRS + " " + metric);
                if (ours == null || theirs == null) {
                    continue;
                }
                String name = c.cipher().replace("@openssh.com", "");
                if (metric.equals("setup")) {
                    System.out.printf(Locale.ROOT, "| %s | %d | %s | setup ms | %.0f | %.0f | %.2f | | | |%n", name,
                            c.hops(), c.rtt(), median(ours), median(theirs), medianRatio(ours, theirs));
                } else {
                    List<Double> oursCpu = results.get(c.key() + " " + OURS + " " + metric + "-cpu");
                    List<Double> theirsCpu = results.get(c.key() + " " + THEIRS + " " + metric + "-cpu");
                    System.out.printf(Locale.ROOT, "| %s | %d | %s | %s MiB/s | %.1f | %.1f | %.2f | %.2f | %.2f"
                                    + " | %.2f |%n", name, c.hops(), c.rtt(), metric, median(ours), median(theirs),
                            medianRatio(ours, theirs), median(oursCpu), median(theirsCpu),
                            medianRatio(oursCpu, theirsCpu));
                    detail.append(String.format(Locale.ROOT, "%s %d hop(s) RTT %s %s: fumidai CPU-s/GiB %s;"
                            + " OpenSSH %s%n", name, c.hops(), c.rtt(), metric, list2(oursCpu), list2(theirsCpu)));
                    List<Double> oursServer = results.get(c.key() + " " + OURS + " " + metric + "-server");
                    List<Double> theirsServer = results.get(c.key() + " " + THEIRS + " " + metric + "-server");
                    server.append(String.format(Locale.ROOT, "  %s, %d hop(s), RTT %s, %s: %.2f with fumidai, %.2f"
                                    + " with OpenSSH, ratio %.2f (per round %s; %s)%n", name, c.hops(), c.rtt(), metric,
                            median(oursServer), median(theirsServer), medianRatio(oursServer, theirsServer),
                            list2(oursServer), list2(theirsServer)));
                }
                detail.append(String.format(Locale.ROOT, "%s %d hop(s) RTT %s %s: fumidai %s; OpenSSH %s%n", name,
                        c.hops(), c.rtt(), metric, list(ours), list(theirs)));
            }
        }
        System.out.println();
        System.out.println("The sshd's CPU-seconds per GiB (user + system of its session processes, every hop), by the"
                + " client it served; medians, and the median of the per-round ratios fumidai/OpenSSH:");
        System.out.print(server);
        System.out.println();
        System.out.println("Per round:");
        System.out.print(detail);
    }

    /**
     * Prints issue 14's targets that this run's matrix covers, each with both sides' figures: the download at
     * 100 ms over one hop (≥ 5×), chacha20 (≥ 0.6× on JDK 17, ≥ 0.9× on 21+), aes128-gcm over one hop (≥ 1.0×
     * at ≤ 1.0× the CPU), two hops (≥ 1.2×), all without latency ({@code direct}, else RTT 0), and setup
     * (≤ 0.6× the time) at every RTT. A summary for the reader, not a test: the table above holds the figures.
     */
    private static void targets(Map<String, List<Double>> results, List<Config> configs, int clientFeature) {
        System.out.println();
        System.out.println("Issue 14 targets covered by this run (fumidai/OpenSSH, medians of per-round ratios):");
        int noLatency = configs.stream().anyMatch(c -> c.rttMs() == DIRECT) ? DIRECT : 0;
        String aes = "aes128-gcm@openssh.com";
        String chacha = "chacha20-poly1305@openssh.com";
        for (Config c : configs) {
            boolean flat = c.rttMs() == noLatency;
            if (c.rttMs() == 100 && c.hops() == 1) {
                target(results, c, "down", 5, true, "one stream, download, 100 ms RTT, one hop");
            }
            if (flat && c.hops() == 1 && c.cipher().equals(chacha)) {
                double goal = clientFeature >= 21 ? 0.9 : 0.6;
                target(results, c, "up", goal, true, "chacha20-poly1305 on JDK " + clientFeature);
                target(results, c, "down", goal, true, "chacha20-poly1305 on JDK " + clientFeature);
            }
            if (flat && c.hops() == 1 && c.cipher().equals(aes)) {
                for (String d : List.of("up", "down")) {
                    target(results, c, d, 1.0, true, "aes128-gcm, one hop, throughput");
                    target(results, c, d + "-cpu", 1.0, false, "aes128-gcm, one hop, client CPU per GiB");
                }
            }
            if (flat && c.hops() == 2) {
                target(results, c, "up", 1.2, true, "two hops");
                target(results, c, "down", 1.2, true, "two hops");
            }
            target(results, c, "setup", 0.6, false, "setup, connect + auth + first byte");
        }
    }

    private static void target(Map<String, List<Double>> results, Config c, String metric, double goal,
            boolean atLeast, String what) {
        List<Double> ours = results.get(c.key() + " " + OURS + " " + metric);
        List<Double> theirs = results.get(c.key() + " " + THEIRS + " " + metric);
        if (ours == null || theirs == null) {
            return;
        }
        double ratio = medianRatio(ours, theirs);
        boolean met = atLeast ? ratio >= goal : ratio <= goal;
        String unit = metric.equals("setup") ? "ms" : metric.endsWith("-cpu") ? "CPU-s/GiB" : "MiB/s";
        System.out.printf(Locale.ROOT, "  %s (%s, %d hop(s), RTT %s, %s): %.2f× (fumidai %.2f %s, OpenSSH %.2f %s),"
                + " target %s %.1f×: %s%n", what, c.cipher().replace("@openssh.com", ""), c.hops(), c.rtt(), metric,
                ratio, median(ours), unit, median(theirs), unit, atLeast ? "≥" : "≤", goal, met ? "met" : "NOT met");
    }

    private static double medianRatio(List<Double> ours, List<Double> theirs) {
        double[] ratios = new double[Math.min(ours.size(), theirs.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = ours.get(i) / theirs.get(i);
        }
        return median(ratios);
    }

    private Tunnel open(String side, Config c) throws IOException {
        int firstHop = c.rttMs() == DIRECT ? sshd.port : proxies.get(c.rttMs()).port();
        return switch (side) {
            case OURS -> client.open("default", c.cipher(), c.hops(), firstHop, sshd, target.port(),
                    opts.get("fumidai-transport"));
            case OURS_ONE_LOOP -> client.open("1loop", c.cipher(), c.hops(), firstHop, sshd, target.port(),
                    opts.get("fumidai-transport"));
            case OURS_NO_REKEY -> client.open("norekey", c.cipher(), c.hops(), firstHop, sshd, target.port(),
                    opts.get("fumidai-transport"));
            case THEIRS -> theirs(c.cipher(), c.hops(), firstHop);
            default -> throw new IllegalArgumentException("unknown side " + side);
        };
    }

    /** The fumidai client JVM ({@link ForwardClient}), driven over its standard input and output. */
    private static final class ClientProcess {
        final Process process;
        final String version;
        private final PrintStream in;
        private final BufferedReader out;

        private ClientProcess(Process process) throws IOException {
            this.process = process;
            this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String ready = reply("ready");
            this.version = ready.substring("ready ".length());
        }

        /** Returns the client JVM's feature release (17, 21, 25...), from its java.version. */
        int feature() {
            String v = version.split(" ")[0];
            return Integer.parseInt(v.split("[.+-]")[0]);
        }

        static ClientProcess start(String java, String jvmOptions) throws IOException {
            List<String> argv = new ArrayList<>(List.of(java));
            if (!jvmOptions.isBlank()) {
                argv.addAll(List.of(jvmOptions.trim().split("\\s+")));
            }
            if (argv.stream().noneMatch(a -> a.startsWith("-Dorg.slf4j.simpleLogger.defaultLogLevel"))) {
                argv.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            }
            argv.addAll(List.of("-cp", System.getProperty("java.class.path"), ForwardClient.class.getName()));
            Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                return new ClientProcess(p);
            } catch (IOException | RuntimeException e) {
                p.destroyForcibly();
                throw e;
            }
        }

        /** Reads one line, which must start with {@code expected}; two minutes at most. */
        private String reply(String expected) throws IOException {
            String line;
            try {
                line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        return "error " + e;
                    }
                }).get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("the fumidai client process did not answer " + expected + ": " + e, e);
            }
            if (line == null) {
                throw new IOException("the fumidai client process exited (see its standard error above)");
            }
            if (!line.startsWith(expected)) {
                throw new IOException("the fumidai client process answered: " + line);
            }
            return line;
        }

        Tunnel open(String variant, String cipher, int hops, int firstHopPort, LocalSshd sshd, int targetPort,
                String transport) throws IOException {
            in.println(String.join(" ", "open", variant, cipher, Integer.toString(hops),
                    Integer.toString(firstHopPort), Integer.toString(sshd.port), Integer.toString(targetPort),
                    sshd.hostKeyFingerprint, sshd.user, sshd.userKey.toString(), transport));
            int port = Integer.parseInt(reply("open ").substring("open ".length()));
            return new Tunnel() {
                @Override
                public int port() {
                    return port;
                }

                @Override
                public long pid() {
                    return process.pid();
                }

                @Override
                public long cpuNanos() {
                    return cpuNanosOf(Stream.of(process.pid()));
                }

                @Override
                public void close() {
                    in.println("close");
                    try {
                        reply("closed");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        }

        void close() {
            in.close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** Clock ticks per second of /proc/<pid>/stat's times: USER_HZ, 100 on every Linux architecture we run on. */
    private static final long TICKS_PER_SECOND = 100;

    /** Returns the summed user + system CPU time of the given live processes, in nanoseconds. */
    static long cpuNanosOf(Stream<Long> pids) {
        return pids.mapToLong(pid -> {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / TICKS_PER_SECOND);
            } catch (IOException gone) {
                return 0;
            }
        }).sum();
    }

    /** Opens {@code n} in-process tunnels for the idle phase (heap per tunnel needs the JumpHost in this JVM). */
    private Tunnel inProcess(String cipher) throws IOException {
        SshTransportConfig transport = SshTransportConfig.builder().ciphers(List.of(cipher)).build();
        SshHop hop = SshHop.builder().address(Target.of("127.0.0.1", sshd.port))
                .hostKeyVerifier(PinnedFingerprintVerifier.of(sshd.hostKeyFingerprint))
                .name("hop1").user(sshd.user).identity(sshd.userKey).transportConfig(transport).build();
        JumpHost jh = JumpHost.builder().route(Route.of(List.of(hop))).actor("service:benchmark").build();
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
            public long cpuNanos() {
                throw new UnsupportedOperationException("in-process tunnels are not measured for CPU");
            }

            @Override
            public void close() {
                forward.close();
                jh.close();
            }
        };
    }

    private Tunnel theirs(String cipher, int hops, int firstHopPort) throws IOException {
        int port = freePort();
        Path config = firstHopPort == sshd.port ? sshd.clientConfig(cipher) : sshd.clientConfig(cipher, firstHopPort);
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", config.toString(), "-N",
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

            @Override
            public long cpuNanos() {
                // ssh, and with -J the ssh it runs for the jump (through sh -c exec): every descendant.
                return cpuNanosOf(Stream.concat(Stream.of(p.pid()), p.descendants().map(ProcessHandle::pid)));
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
     *
     * <p>Each path is opened and closed once before it is measured, and the direct baseline is measured before and
     * after the tunnels: a first round in a JVM also pays one-time costs (classes' statics, thread and socket
     * caches), which once made the baseline cost more than the tunnels and the figure negative.
     */
    private void idleTunnels(String cipher, int n) throws Exception {
        System.out.println();
        heapFor(target.port(), n, null); // warm-up, not counted
        long directBefore = heapFor(target.port(), n, null);
        try (Tunnel t = inProcess(cipher)) {
            awaitProbe(t).close();
            heapFor(t.port(), n, null); // warm-up, not counted
            long[] direct0 = new long[1];
            long tunnels = heapFor(t.port(), n, direct0);
            long directAfter = heapFor(target.port(), n, null);
            long direct = (directBefore + directAfter) / 2;
            System.out.printf(Locale.ROOT, "idle tunnels: %d through one fumidai forward (%s, 1 hop): heap %.1f KiB"
                    + " per tunnel (%d bytes for %d tunnels, minus %d bytes for %d direct connections, the mean of"
                    + " %d before and %d after); Netty pooled direct memory %+.1f KiB per tunnel%n", n, cipher,
                    (tunnels - direct) / 1024.0 / n, tunnels, n, direct, n, directBefore, directAfter,
                    direct0[0] / 1024.0 / n);
        }
        try (Tunnel t = theirs(cipher, 1, sshd.port)) {
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
        if (values == null || values.isEmpty()) {
            return Double.NaN;
        }
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String list2(List<Double> values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return b.toString();
    }

    private static String list(List<Double> values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", v));
        }
        return b.toString();
    }
}
