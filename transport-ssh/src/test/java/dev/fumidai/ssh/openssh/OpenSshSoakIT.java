// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.ReconnectPolicy;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Soak: one {@link JumpHost} route through two real OpenSSH {@code sshd} hops (each with a small
 * {@code RekeyLimit}, so the server rekeys every few MiB) to a digest service on 127.0.0.1, with 200 workers
 * that keep opening a stream, sending a random amount of seeded random data, half-closing, checking the
 * service's SHA-256 and byte count, and closing, for {@code fumidai.soak.duration} (ISO-8601, default
 * {@code PT5M}). Halfway through, the second hop's sshd is killed with all its connections and started again on
 * the same port.
 *
 * <p>Counted and asserted: bytes lost on streams that reported success (the answer came back but its digest or
 * count differs; must be 0); streams that failed without a cause (the answer was short or missing and nothing
 * threw, or what threw carries neither a message nor a cause; must be 0); streams that succeeded after the
 * restart (must be some: the route recovers); heap after GC and live threads before and after (within
 * {@value #HEAP_TOLERANCE_MIB} MiB and {@value #THREAD_TOLERANCE} threads). Streams that fail with a cause
 * (around the restart, typically) are counted and reported, not failures of the soak.
 *
 * <p>Profile {@code soak} with {@code interop}: {@code mvn -Psoak,interop -pl transport-ssh -am verify}.
 */
@Tag("soak")
class OpenSshSoakIT {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSshSoakIT.class);
    static final int STREAMS = 200;
    static final int HEAP_TOLERANCE_MIB = 32;
    static final int THREAD_TOLERANCE = 8;
    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong succeededAfterRestart = new AtomicLong();
    final AtomicLong bytesConfirmed = new AtomicLong();
    final AtomicLong lostBytes = new AtomicLong();
    final AtomicLong corrupted = new AtomicLong();
    final AtomicLong failedWithCause = new AtomicLong();
    final AtomicLong failedWithoutCause = new AtomicLong();
    final Map<String, AtomicLong> causes = new ConcurrentHashMap<>();
    final List<String> silentFailures = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile boolean restarted;

    @Test
    @Timeout(value = 3, unit = TimeUnit.HOURS) // the module's default is 120 s; the run bounds itself by duration
    void twoHundredStreamsThroughTwoSshdHopsWithRekeysAndARestart() throws Exception {
        Duration duration = Duration.parse(System.getProperty("fumidai.soak.duration", "PT5M"));
        OpenSshDaemon.requireExecutable(OpenSshDaemon.SSHD);
        try (DigestServer service = DigestServer.start()) {
            List<String> target = List.of("127.0.0.1:" + service.port());
            // RekeyLimit <bytes> <seconds>: the first hop rekeys every 1 MiB, the second every 4 MiB.
            // LogLevel INFO: OpenSshDaemon keeps each daemon's log in this JVM's heap, and at DEBUG1 sshd writes
            // eight lines per forwarded channel: 100,000 strings after 12,000 streams, which a heap histogram
            // showed to be all of the growth this test measured (7 -> 58 MiB in 5 minutes) before this line.
            OpenSshChain chain = OpenSshChain.start(dir, 2, target,
                    i -> List.of("RekeyLimit " + (i == 0 ? "1M" : "4M") + " 60", "MaxStartups 100:30:200",
                            "LogLevel INFO"));
            try {
                run(chain, service, duration);
            } finally {
                chain.close();
            }
        }
    }

    void run(OpenSshChain chain, DigestServer service, Duration duration) throws Exception {
        long heapBefore = settledHeap();
        int threadsBefore = liveThreads();
        long deadline = System.nanoTime() + duration.toNanos();
        long restartAt = System.nanoTime() + duration.toNanos() / 2;
        ExecutorService pool = Executors.newFixedThreadPool(STREAMS);
        try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:soak").threads(2)
                .reconnectPolicy(ReconnectPolicy.of(5, Duration.ofMillis(200), Duration.ofSeconds(2))).build()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < STREAMS; w++) {
                long workerSeed = 7_000_000L * (w + 1);
                workers.add(pool.submit(() -> work(jh, service, workerSeed, deadline)));
            }
            while (System.nanoTime() < restartAt) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            LOG.info("soak: restarting {} after {} streams", chain.daemons.get(1).name, succeeded.get());
            chain.daemons.set(1, chain.daemons.get(1).restart());
            restarted = true;
            for (Future<?> f : workers) {
                f.get(duration.toMinutes() + 10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        long heapAfter = settledHeap();
        int threadsAfter = settledThreads(threadsBefore);
        String summary = String.format("soak %s: streams ok %d (%d after the restart), MiB confirmed %d, bytes lost "
                + "on ok streams %d (corrupted streams %d), failed with a cause %d %s, failed without a cause %d %s, "
                + "heap after GC %d -> %d MiB, threads %d -> %d", duration, succeeded.get(),
                succeededAfterRestart.get(), bytesConfirmed.get() >> 20, lostBytes.get(), corrupted.get(),
                failedWithCause.get(), causes, failedWithoutCause.get(), silentFailures.subList(0,
                        Math.min(5, silentFailures.size())), heapBefore >> 20, heapAfter >> 20, threadsBefore,
                threadsAfter);
        LOG.info(summary);
        System.out.println(summary);
        assertEquals(0, lostBytes.get(), summary);
        assertEquals(0, corrupted.get(), summary);
        assertEquals(0, failedWithoutCause.get(), summary);
        assertTrue(succeeded.get() > STREAMS, summary);
        assertTrue(succeededAfterRestart.get() > 0, () -> "the route never recovered from the restart: " + summary
                + "\n" + chain.logs());
        assertTrue(heapAfter - heapBefore < (long) HEAP_TOLERANCE_MIB << 20,
                () -> summary + "\nlargest classes on the heap:\n" + classHistogram(25));
        assertTrue(threadsAfter - threadsBefore <= THREAD_TOLERANCE, summary);
    }

    /** One worker: streams one after another until the deadline. */
    void work(JumpHost jh, DigestServer service, long workerSeed, long deadline) {
        SplittableRandom random = new SplittableRandom(workerSeed);
        while (System.nanoTime() < deadline) {
            long seed = random.nextLong();
            long bytes = 1 + random.nextLong(256 * 1024);
            boolean afterRestart = restarted;
            byte[] expected = null;
            byte[] answer = null;
            try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", service.port()), T)) {
                expected = DigestServer.send(c.outputStream(), seed, bytes);
                c.shutdownOutput();
                answer = c.inputStream().readNBytes(DigestServer.ANSWER_BYTES + 1);
            } catch (IOException | RuntimeException e) {
                if (e.getMessage() == null && e.getCause() == null) {
                    failedWithoutCause.incrementAndGet();
                    silentFailures.add(e.toString());
                } else {
                    failedWithCause.incrementAndGet();
                    String why = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage());
                    why = why.length() > 160 ? why.substring(0, 160) : why;
                    if (causes.size() < 20 || causes.containsKey(why)) {
                        causes.computeIfAbsent(why, k -> new AtomicLong()).incrementAndGet();
                    }
                }
                continue;
            }
            if (answer.length == DigestServer.ANSWER_BYTES && Arrays.equals(expected, answer)) {
                succeeded.incrementAndGet();
                bytesConfirmed.addAndGet(bytes);
                if (afterRestart) {
                    succeededAfterRestart.incrementAndGet();
                }
            } else if (answer.length == DigestServer.ANSWER_BYTES) {
                // The stream reported success (every call returned) but the service saw other bytes.
                corrupted.incrementAndGet();
                long seen = java.nio.ByteBuffer.wrap(answer, 32, 8).getLong();
                lostBytes.addAndGet(Math.max(1, Math.abs(bytes - seen)));
            } else {
                // Nothing threw, yet the answer is short: the stream ended without saying why.
                failedWithoutCause.incrementAndGet();
                silentFailures.add("answer of " + answer.length + " bytes for " + bytes + " bytes sent");
            }
        }
    }

    /** Returns the first {@code lines} lines of the JVM's class histogram (live objects), for failure messages. */
    static String classHistogram(int lines) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            String[] all = String.valueOf(text).split("\n");
            return String.join("\n", Arrays.copyOf(all, Math.min(lines, all.length)));
        } catch (Exception | Error e) {
            return "(no histogram: " + e + ")";
        }
    }

    static long settledHeap() throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(100);
            min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Polls (bounded) until the live thread count is back within the tolerance, and returns it. */
    static int settledThreads(int before) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int n = liveThreads();
        while (n - before > THREAD_TOLERANCE && System.nanoTime() < until) {
            TimeUnit.MILLISECONDS.sleep(200);
            n = liveThreads();
        }
        return n;
    }
}
