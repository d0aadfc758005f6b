// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Measures the same four paths as {@link SshPacketBenchmark} interleaved packet by packet in one fork, each
 * round trip timed with {@link System#nanoTime()}, so that load from other processes on a shared machine falls
 * on raw and ours alike and their ratio stays meaningful where separate forks are minutes apart.
 *
 * <p>The {@code rawNanos}, {@code cipherNanos}, {@code codecNanos} and {@code socketNanos} counters are the
 * time spent in each path and {@code packets} the packets each path sealed and opened; throughput is
 * {@code packets × 32768 / nanos}, and ours/raw is {@code rawNanos / cipherNanos}. The order of the four
 * rotates every invocation. The timer costs some 25 ns against tens of microseconds per 32 KiB packet. The
 * {@code *MedianNanos} counters give the median packet time per path over the last 2048 packets of each
 * iteration, the ratio to read on a loaded machine (a preemption inflates one packet's time, which moves a sum but hardly a median).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SshPacketPairedBenchmark {

    @Param({
        "chacha20-poly1305@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-ctr+hmac-sha2-256-etm@openssh.com",
        "aes128-ctr+hmac-sha2-512-etm@openssh.com",
        "aes128-ctr+hmac-sha2-256",
        "aes128-ctr+hmac-sha2-512",
        "aes192-ctr+hmac-sha2-256-etm@openssh.com",
        "aes192-ctr+hmac-sha2-512-etm@openssh.com",
        "aes192-ctr+hmac-sha2-256",
        "aes192-ctr+hmac-sha2-512",
        "aes256-ctr+hmac-sha2-256-etm@openssh.com",
        "aes256-ctr+hmac-sha2-512-etm@openssh.com",
        "aes256-ctr+hmac-sha2-256",
        "aes256-ctr+hmac-sha2-512",
    })
    public String algorithm;

    private PacketRoundTrip raw;
    private PacketRoundTrip cipher;
    private PacketRoundTrip codec;
    private PacketRoundTrip socket;
    private int turn;

    /** Counts time per path; JMH sums these over the measurement iterations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class PathTimes {
        public long rawNanos;
        public long cipherNanos;
        public long codecNanos;
        public long socketNanos;
        public long packets;
        /**
         * Median time of one packet per path over the last {@link #WINDOW} packets of the iteration: a
         * preemption by another process lands on one packet of one path and moves a sum, not a median, so on a
         * loaded machine rawMedianNanos / cipherMedianNanos is the steadier ratio.
         */
        public long rawMedianNanos;
        public long cipherMedianNanos;
        public long codecMedianNanos;
        public long socketMedianNanos;

        static final int WINDOW = 2048;
        final long[] raw = new long[WINDOW];
        final long[] cipher = new long[WINDOW];
        final long[] codec = new long[WINDOW];
        final long[] socket = new long[WINDOW];

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            rawNanos = 0;
            cipherNanos = 0;
            codecNanos = 0;
            socketNanos = 0;
            packets = 0;
            rawMedianNanos = 0;
            cipherMedianNanos = 0;
            codecMedianNanos = 0;
            socketMedianNanos = 0;
        }

        /** Counts one packet per path; every 256 packets, recomputes the medians (outside the timed calls). */
        void countPacket() {
            packets++;
            if ((packets & 255) == 0) {
                int n = (int) Math.min(packets, WINDOW);
                rawMedianNanos = median(raw, n);
                cipherMedianNanos = median(cipher, n);
                codecMedianNanos = median(codec, n);
                socketMedianNanos = median(socket, n);
            }
        }

        private static long median(long[] samples, int n) {
            long[] sorted = java.util.Arrays.copyOf(samples, n);
            java.util.Arrays.sort(sorted);
            return sorted[n / 2];
        }
    }

    /** Builds the four round trips with the same keys and checks they agree (see {@link SshPacketBenchmark}). */
    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        SshPacketBenchmark check = new SshPacketBenchmark();
        check.algorithm = algorithm;
        check.path = "raw";
        check.setUp();
        raw = check.roundTrip();
        PacketShape shape = new PacketShape(algorithm);
        cipher = new CipherRoundTrip(shape);
        codec = new CodecRoundTrip(shape);
        socket = new SocketPathRoundTrip(shape);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        raw.close();
        cipher.close();
        codec.close();
        socket.close();
    }

    /** Seals and opens one packet on each of the four paths, in rotating order, timing each. */
    @Benchmark
    @OperationsPerInvocation(4)
    public int interleaved(PathTimes times) throws GeneralSecurityException {
        int r;
        switch (turn) {
            case 0 -> r = timeRaw(times) + timeCipher(times) + timeCodec(times) + timeSocket(times);
            case 1 -> r = timeCipher(times) + timeCodec(times) + timeSocket(times) + timeRaw(times);
            case 2 -> r = timeCodec(times) + timeSocket(times) + timeRaw(times) + timeCipher(times);
            default -> r = timeSocket(times) + timeRaw(times) + timeCipher(times) + timeCodec(times);
        }
        turn = turn == 3 ? 0 : turn + 1;
        times.countPacket();
        return r;
    }

    private int timeRaw(PathTimes times) throws GeneralSecurityException {
        long start = System.nanoTime();
        int r = raw.roundTrip();
        long took = System.nanoTime() - start;
        times.rawNanos += took;
        times.raw[(int) (times.packets % PathTimes.WINDOW)] = took;
        return r;
    }

    private int timeCipher(PathTimes times) throws GeneralSecurityException {
        long start = System.nanoTime();
        int r = cipher.roundTrip();
        long took = System.nanoTime() - start;
        times.cipherNanos += took;
        times.cipher[(int) (times.packets % PathTimes.WINDOW)] = took;
        return r;
    }

    private int timeSocket(PathTimes times) throws GeneralSecurityException {
        long start = System.nanoTime();
        int r = socket.roundTrip();
        long took = System.nanoTime() - start;
        times.socketNanos += took;
        times.socket[(int) (times.packets % PathTimes.WINDOW)] = took;
        return r;
    }

    private int timeCodec(PathTimes times) throws GeneralSecurityException {
        long start = System.nanoTime();
        int r = codec.roundTrip();
        long took = System.nanoTime() - start;
        times.codecNanos += took;
        times.codec[(int) (times.packets % PathTimes.WINDOW)] = took;
        return r;
    }
}
