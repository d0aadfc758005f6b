// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Asks which buffers the JDK's AES-GCM should work on for one 32 KiB SSH packet (issue #14): the packet
 * arrives in, and leaves from, a direct buffer (the socket's), while our ciphers work on arrays, which costs a
 * copy each way. Each {@code kind} is one way to seal or open a packet between a direct buffer and the cipher:
 * <ul>
 *   <li>{@code sealArrayThenCopy}: seal in place in an array, then copy the packet into the direct buffer (what
 *       the codec and Netty's NIO write do);</li>
 *   <li>{@code sealArrayToDirect}: seal from an array straight into the direct buffer ({@code ByteBuffer}
 *       {@code doFinal});</li>
 *   <li>{@code sealDirectInPlace}: seal in place in the direct buffer;</li>
 *   <li>{@code openCopyThenArray}: copy the packet from the direct buffer into an array and open it in place
 *       (what the codec does with a socket read);</li>
 *   <li>{@code openDirectToArray}: open from the direct buffer straight into an array;</li>
 *   <li>{@code openDirectInPlace}: open in place in the direct buffer (after a copy that restores the sealed
 *       packet there, so it costs one copy more than opening a socket read in place would);</li>
 *   <li>{@code openCopyThenOtherArray}: copy the packet from the direct buffer into one array and open it into
 *       another (what the codec does after Java 17, where the JDK's combined AES-GCM decryption runs only out of
 *       place).</li>
 * </ul>
 * The open kinds open the same sealed packet every time (one fixed nonce, which decryption allows), the seal
 * kinds use a fresh nonce per packet. As in {@link SshPacketPairedBenchmark}, one operation runs every kind
 * once, in an order that rotates, each timed with {@link System#nanoTime()}, so that a loaded machine slows
 * them alike: read the {@code *MedianNanos} counters (median time of one packet per kind over the last 2048
 * operations of the iteration), not the score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AesGcmBufferBenchmark {

    private static final int PLAIN = 1 + 32 * 1024 + 11;
    private static final int PACKET = 4 + PLAIN + 16;

    static final String[] KINDS = {"sealArrayThenCopy", "sealArrayToDirect", "sealDirectInPlace",
        "openCopyThenArray", "openDirectToArray", "openDirectInPlace", "openCopyThenOtherArray"};
    private static final int WINDOW = 2048;

    /** Median time of one packet per kind; JMH reports the last value of each iteration's counters. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class KindTimes {
        public long sealArrayThenCopyMedianNanos;
        public long sealArrayToDirectMedianNanos;
        public long sealDirectInPlaceMedianNanos;
        public long openCopyThenArrayMedianNanos;
        public long openDirectToArrayMedianNanos;
        public long openDirectInPlaceMedianNanos;
        public long openCopyThenOtherArrayMedianNanos;

        final long[][] samples = new long[KINDS.length][WINDOW];
        long operations;

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            operations = 0;
            sealArrayThenCopyMedianNanos = 0;
            sealArrayToDirectMedianNanos = 0;
            sealDirectInPlaceMedianNanos = 0;
            openCopyThenArrayMedianNanos = 0;
            openDirectToArrayMedianNanos = 0;
            openDirectInPlaceMedianNanos = 0;
            openCopyThenOtherArrayMedianNanos = 0;
        }

        void update() {
            operations++;
            if ((operations & 255) != 0) {
                return;
            }
            int n = (int) Math.min(operations, WINDOW);
            sealArrayThenCopyMedianNanos = median(samples[0], n);
            sealArrayToDirectMedianNanos = median(samples[1], n);
            sealDirectInPlaceMedianNanos = median(samples[2], n);
            openCopyThenArrayMedianNanos = median(samples[3], n);
            openDirectToArrayMedianNanos = median(samples[4], n);
            openDirectInPlaceMedianNanos = median(samples[5], n);
            openCopyThenOtherArrayMedianNanos = median(samples[6], n);
        }

        private static long median(long[] values, int n) {
            long[] sorted = java.util.Arrays.copyOf(values, n);
            java.util.Arrays.sort(sorted);
            return sorted[n / 2];
        }
    }

    private int turn;

    private final SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
    private final byte[] nonce = new byte[12];
    private final GCMParameterSpec fixed = new GCMParameterSpec(128, new byte[12]);
    private long counter;
    private Cipher cipher;
    private byte[] plaintext;
    private byte[] array;
    private byte[] scratch;
    private ByteBuffer direct;
    private ByteBuffer sealed;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        plaintext = new byte[4 + PLAIN];
        new Random(1).nextBytes(plaintext);
        plaintext[0] = 0;
        array = new byte[PACKET];
        scratch = new byte[PACKET];
        direct = ByteBuffer.allocateDirect(PACKET);
        cipher.init(Cipher.ENCRYPT_MODE, key, fixed);
        cipher.updateAAD(plaintext, 0, 4);
        byte[] ciphertext = cipher.doFinal(plaintext, 4, PLAIN);
        sealed = ByteBuffer.allocateDirect(PACKET).put(plaintext, 0, 4).put(ciphertext).flip();
    }

    /** Runs every kind once, starting with a different one each time, and records each one's time. */
    @Benchmark
    @OperationsPerInvocation(7)
    public int everyKind(KindTimes times) throws GeneralSecurityException {
        int r = 0;
        int slot = (int) (times.operations % WINDOW);
        for (int i = 0; i < KINDS.length; i++) {
            int k = (turn + i) % KINDS.length;
            long start = System.nanoTime();
            r += packet(KINDS[k]);
            times.samples[k][slot] = System.nanoTime() - start;
        }
        turn = turn == KINDS.length - 1 ? 0 : turn + 1;
        times.update();
        return r;
    }

    private int packet(String kind) throws GeneralSecurityException {
        switch (kind) {
            case "sealArrayThenCopy" -> {
                System.arraycopy(plaintext, 0, array, 0, plaintext.length);
                initSeal();
                cipher.updateAAD(array, 0, 4);
                cipher.doFinal(array, 4, PLAIN, array, 4);
                direct.clear();
                direct.put(array, 0, PACKET);
            }
            case "sealArrayToDirect" -> {
                System.arraycopy(plaintext, 0, array, 0, plaintext.length);
                initSeal();
                cipher.updateAAD(array, 0, 4);
                direct.clear();
                direct.put(array, 0, 4);
                cipher.doFinal(ByteBuffer.wrap(array, 4, PLAIN), direct);
            }
            case "sealDirectInPlace" -> {
                direct.clear();
                direct.put(plaintext);
                initSeal();
                cipher.updateAAD(direct.duplicate().position(0).limit(4));
                cipher.doFinal(direct.duplicate().position(4).limit(4 + PLAIN), direct.duplicate().position(4));
            }
            case "openCopyThenArray" -> {
                sealed.get(0, array, 0, PACKET);
                cipher.init(Cipher.DECRYPT_MODE, key, fixed);
                cipher.updateAAD(array, 0, 4);
                cipher.doFinal(array, 4, PLAIN + 16, array, 4);
            }
            case "openDirectToArray" -> {
                cipher.init(Cipher.DECRYPT_MODE, key, fixed);
                cipher.updateAAD(sealed.duplicate().limit(4));
                cipher.doFinal(sealed.duplicate().position(4), ByteBuffer.wrap(array, 4, PLAIN + 16));
            }
            case "openDirectInPlace" -> {
                direct.clear();
                direct.put(sealed.duplicate());
                cipher.init(Cipher.DECRYPT_MODE, key, fixed);
                cipher.updateAAD(direct.duplicate().position(0).limit(4));
                cipher.doFinal(direct.duplicate().position(4).limit(PACKET), direct.duplicate().position(4));
            }
            case "openCopyThenOtherArray" -> {
                sealed.get(0, scratch, 0, PACKET);
                cipher.init(Cipher.DECRYPT_MODE, key, fixed);
                cipher.updateAAD(scratch, 0, 4);
                cipher.doFinal(scratch, 4, PLAIN + 16, array, 4);
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return array[5] + direct.get(5);
    }

    private void initSeal() throws GeneralSecurityException {
        counter++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    }
}
