// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.cipher.PacketCipher;
import java.lang.reflect.Constructor;
import java.security.GeneralSecurityException;
import java.util.Arrays;
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
 * Compares, in one fork and interleaved packet by packet, three {@code chacha20-poly1305@openssh.com} packet
 * ciphers sealing and opening a packet in place (issue 14):
 * <ul>
 *   <li>{@code old}: the implementation before issue 14, Bouncy Castle's ChaCha20 and Poly1305
 *       ({@link OldChaCha20Poly1305PacketCipher});</li>
 *   <li>{@code jdk}: the JDK's ChaCha20 (SunJCE; intrinsics from Java 20 on) and our Poly1305, the default from
 *       Java 20 on;</li>
 *   <li>{@code ours}: our ChaCha20 (64 blocks side by side, vectorized by C2) and our Poly1305, the default before
 *       Java 20.</li>
 * </ul>
 * {@code old}/{@code ours} and {@code old}/{@code jdk} are the gains; {@code ours}/{@code jdk} says which ChaCha20
 * is faster on the running JVM (the class chooses by Java version). Each round trip is timed with
 * {@link System#nanoTime()}; the {@code *Nanos} counters sum them and the {@code *MedianNanos} counters give the
 * median packet time over the last 2048 packets, the figure to read on a loaded machine (see
 * {@link SshPacketPairedBenchmark}). Payload MB/s for one seal + open = {@code payload / medianNanos × 1000}. The
 * setup checks that all three seal the same bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChaCha20Poly1305PairedBenchmark {

    /** Payload bytes per packet: 32 KiB, the largest OpenSSH's channels send, and a small interactive packet. */
    @Param({"32768", "1024"})
    public int payload;

    private RoundTrip old;
    private RoundTrip jdk;
    private RoundTrip ours;
    private int turn;

    /** Counts time per implementation; JMH sums these over the measurement iterations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long oldNanos;
        public long jdkNanos;
        public long oursNanos;
        public long packets;
        public long oldMedianNanos;
        public long jdkMedianNanos;
        public long oursMedianNanos;

        static final int WINDOW = 2048;
        final long[] old = new long[WINDOW];
        final long[] jdk = new long[WINDOW];
        final long[] ours = new long[WINDOW];

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            oldNanos = 0;
            jdkNanos = 0;
            oursNanos = 0;
            packets = 0;
            oldMedianNanos = 0;
            jdkMedianNanos = 0;
            oursMedianNanos = 0;
        }

        void countPacket() {
            packets++;
            if ((packets & 255) == 0) {
                int n = (int) Math.min(packets, WINDOW);
                oldMedianNanos = median(old, n);
                jdkMedianNanos = median(jdk, n);
                oursMedianNanos = median(ours, n);
            }
        }

        private static long median(long[] samples, int n) {
            long[] sorted = Arrays.copyOf(samples, n);
            Arrays.sort(sorted);
            return sorted[n / 2];
        }
    }

    /** Builds the three round trips on the same key and packet and checks that they seal the same bytes. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] key = new byte[64];
        new java.util.Random(14).nextBytes(key);
        old = new RoundTrip(new OldChaCha20Poly1305PacketCipher(key), new OldChaCha20Poly1305PacketCipher(key),
                payload);
        jdk = new RoundTrip(current(key, true), current(key, true), payload);
        ours = new RoundTrip(current(key, false), current(key, false), payload);
        byte[] expected = old.firstWire();
        if (!Arrays.equals(expected, jdk.firstWire()) || !Arrays.equals(expected, ours.firstWire())) {
            throw new IllegalStateException("the three implementations seal different bytes");
        }
        for (int i = 0; i < 3; i++) {
            old.roundTrip();
            jdk.roundTrip();
            ours.roundTrip();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        old.close();
        jdk.close();
        ours.close();
    }

    /** Seals and opens one packet with each implementation, in rotating order, timing each. */
    @Benchmark
    @OperationsPerInvocation(3)
    public int interleaved(Times times) throws GeneralSecurityException {
        int r;
        switch (turn) {
            case 0 -> r = timeOld(times) + timeJdk(times) + timeOurs(times);
            case 1 -> r = timeJdk(times) + timeOurs(times) + timeOld(times);
            default -> r = timeOurs(times) + timeOld(times) + timeJdk(times);
        }
        turn = turn == 2 ? 0 : turn + 1;
        times.countPacket();
        return r;
    }

    private int timeOld(Times times) throws GeneralSecurityException {
        long start = System.nanoTime();
        int r = old.roundTrip();
        long took = System.nanoTime() - start;
        times.oldNanos += took;
        times.old[(int) (times.packets % Times.WINDOW)] = took;
        return r;
    }

    private int timeJdk(Times times) throws GeneralSecurityException {
        long start = System.nanoTime();
        int r = jdk.roundTrip();
        long took = System.nanoTime() - start;
        times.jdkNanos += took;
        times.jdk[(int) (times.packets % Times.WINDOW)] = took;
        return r;
    }

    private int timeOurs(Times times) throws GeneralSecurityException {
        long start = System.nanoTime();
        int r = ours.roundTrip();
        long took = System.nanoTime() - start;
        times.oursNanos += took;
        times.ours[(int) (times.packets % Times.WINDOW)] = took;
        return r;
    }

    /**
     * Creates today's packet cipher on the JDK's ChaCha20 or ours through its package-private constructor
     * ({@code CipherAlgorithms.create} picks one by Java version; the benchmark wants both on every version).
     */
    private static PacketCipher current(byte[] key, boolean jdk) throws ReflectiveOperationException {
        Class<?> c = Class.forName("dev.fumidai.ssh.internal.cipher.ChaCha20Poly1305PacketCipher");
        Constructor<?> constructor = c.getDeclaredConstructor(byte[].class, boolean.class);
        constructor.setAccessible(true);
        return (PacketCipher) constructor.newInstance(key.clone(), jdk);
    }

    /** One sealer and opener pair working in place on one packet array, as {@link CipherRoundTrip} does. */
    private static final class RoundTrip implements PacketRoundTrip {

        private final PacketCipher sealer;
        private final PacketCipher opener;
        private final int packetLength;
        private final byte[] packet;
        private long sequence;

        RoundTrip(PacketCipher sealer, PacketCipher opener, int payload) {
            if (!sealer.name().equals(CipherAlgorithms.CHACHA20_POLY1305)) {
                throw new IllegalArgumentException(sealer.name());
            }
            this.sealer = sealer;
            this.opener = opener;
            // RFC 4253 §6 as SshPacketCodec pads for chacha20-poly1305: the length field excluded, 8-byte blocks.
            int padding = 8 - (1 + payload) % 8;
            if (padding < 4) {
                padding += 8;
            }
            this.packetLength = 1 + payload + padding;
            this.packet = new byte[4 + packetLength + sealer.tagLength()];
            java.util.Random random = new java.util.Random(42);
            random.nextBytes(packet);
            packet[0] = (byte) (packetLength >>> 24);
            packet[1] = (byte) (packetLength >>> 16);
            packet[2] = (byte) (packetLength >>> 8);
            packet[3] = (byte) packetLength;
            packet[4] = (byte) padding;
        }

        @Override
        public int roundTrip() throws GeneralSecurityException {
            long seq = sequence;
            sealer.seal(seq, packet, 0, packetLength);
            int length = opener.decryptLength(seq, packet, 0);
            if (length != packetLength) {
                throw new IllegalStateException("decrypted length " + length);
            }
            opener.open(seq, packet, 0, length);
            sequence = (seq + 1) & 0xffffffffL;
            return packet[5];
        }

        @Override
        public byte[] firstWire() {
            byte[] copy = packet.clone();
            sealer.seal(sequence, copy, 0, packetLength);
            return copy;
        }

        @Override
        public void close() {
            sealer.destroy();
            opener.destroy();
        }
    }
}
