// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

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

/**
 * Times one Poly1305 tag (init, update over the message, doFinal) on the same key and message with three
 * versions (issue 14): {@code current}, today's {@link Poly1305} (44/44/42-bit limbs, each limb product in four
 * instructions); {@code limbs44}, the version before it ({@link Poly1305Limbs44}, the same limbs, eight
 * instructions a product); {@code limbs64}, the 64-bit-limb version with s1 = 5·r1/4 tried instead
 * ({@link Poly1305Limbs64}, four wide products a block, one block a step); {@code twoChains}, the 64-bit step on
 * two interleaved Horner chains (first and second half of the message) joined as A·r^j + B
 * ({@link Poly1305TwoChains}, from 1 KiB on). It lives in the package of {@code Poly1305} (package-private) in the benchmark jar, which runs on the
 * class path. The setup checks that both give the same tag. The two are interleaved tag by tag in one fork, so
 * that a loaded machine's noise falls on both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Poly1305Benchmark {

    /** Message bytes: a 32 KiB channel packet (plus its length field, header and padding) and a small one. */
    @Param({"32788", "1044"})
    public int length;

    private final byte[] key = new byte[32];
    private byte[] message;
    private final byte[] tag = new byte[16];
    private final Poly1305 current = new Poly1305();
    private final Poly1305Limbs44 limbs44 = new Poly1305Limbs44();
    private final Poly1305Limbs64 limbs64 = new Poly1305Limbs64();
    private final Poly1305TwoChains twoChains = new Poly1305TwoChains();

    @Setup
    public void setUp() {
        java.util.Random random = new java.util.Random(14);
        random.nextBytes(key);
        message = new byte[length];
        random.nextBytes(message);
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        byte[] c = new byte[16];
        current.init(key, 0);
        current.update(message, 0, length);
        current.doFinal(a, 0);
        limbs44.init(key, 0);
        limbs44.update(message, 0, length);
        limbs44.doFinal(b, 0);
        limbs64.init(key, 0);
        limbs64.update(message, 0, length);
        limbs64.doFinal(c, 0);
        byte[] d = new byte[16];
        twoChains.init(key, 0);
        twoChains.update(message, 0, length);
        twoChains.doFinal(d, 0);
        if (!Arrays.equals(a, b) || !Arrays.equals(a, c) || !Arrays.equals(a, d)) {
            throw new IllegalStateException("the Poly1305 versions disagree");
        }
    }

    /** Counts time per version; JMH sums these over the measurement iterations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long tags;
        public long currentMedianNanos;
        public long limbs44MedianNanos;
        public long limbs64MedianNanos;
        public long twoChainsMedianNanos;

        static final int WINDOW = 2048;
        final long[] current = new long[WINDOW];
        final long[] limbs44 = new long[WINDOW];
        final long[] limbs64 = new long[WINDOW];
        final long[] twoChains = new long[WINDOW];

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            tags = 0;
            currentMedianNanos = 0;
            limbs44MedianNanos = 0;
            limbs64MedianNanos = 0;
            twoChainsMedianNanos = 0;
        }

        void count() {
            tags++;
            if ((tags & 255) == 0) {
                int n = (int) Math.min(tags, WINDOW);
                currentMedianNanos = median(current, n);
                limbs44MedianNanos = median(limbs44, n);
                limbs64MedianNanos = median(limbs64, n);
                twoChainsMedianNanos = median(twoChains, n);
            }
        }

        private static long median(long[] samples, int n) {
            long[] sorted = Arrays.copyOf(samples, n);
            Arrays.sort(sorted);
            return sorted[n / 2];
        }
    }

    /**
     * Computes one tag with each version, in alternating order, timing each with {@link System#nanoTime()}: read
     * the {@code *MedianNanos} counters (median over the last 2048 tags of an iteration), which a loaded machine
     * disturbs least; MB/s = {@code length} / median ns × 1000.
     */
    @Benchmark
    @OperationsPerInvocation(4)
    public int interleaved(Times times) {
        int slot = (int) (times.tags % Times.WINDOW);
        int r;
        switch ((int) (times.tags & 3)) {
            case 0 -> r = current(times, slot) + limbs44(times, slot) + limbs64(times, slot) + twoChains(times, slot);
            case 1 -> r = limbs44(times, slot) + limbs64(times, slot) + twoChains(times, slot) + current(times, slot);
            case 2 -> r = limbs64(times, slot) + twoChains(times, slot) + current(times, slot) + limbs44(times, slot);
            default -> r = twoChains(times, slot) + current(times, slot) + limbs44(times, slot) + limbs64(times, slot);
        }
        times.count();
        return r;
    }

    private int limbs64(Times times, int slot) {
        long start = System.nanoTime();
        limbs64.init(key, 0);
        limbs64.update(message, 0, length);
        limbs64.doFinal(tag, 0);
        times.limbs64[slot] = System.nanoTime() - start;
        return tag[0];
    }

    private int twoChains(Times times, int slot) {
        long start = System.nanoTime();
        twoChains.init(key, 0);
        twoChains.update(message, 0, length);
        twoChains.doFinal(tag, 0);
        times.twoChains[slot] = System.nanoTime() - start;
        return tag[0];
    }

    private int current(Times times, int slot) {
        long start = System.nanoTime();
        current.init(key, 0);
        current.update(message, 0, length);
        current.doFinal(tag, 0);
        times.current[slot] = System.nanoTime() - start;
        return tag[0];
    }

    private int limbs44(Times times, int slot) {
        long start = System.nanoTime();
        limbs44.init(key, 0);
        limbs44.update(message, 0, length);
        limbs44.doFinal(tag, 0);
        times.limbs44[slot] = System.nanoTime() - start;
        return tag[0];
    }
}
