// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link LatencyProxyCheck}'s verdict can fail: a proxy that holds its delay passes, one that adds
 * 10%, releases early, or has a tail beyond the path's own fails, whatever the path contributes without it.
 */
class LatencyProxyCheckVerdictTest {

    private static final long MS = 1_000_000;
    private static final long DELAY = 25 * MS;
    private static final long RATE = 1_000_000_000;

    /** 100 sorted latencies: {@code base} for 98 of them, {@code tail} for the last 2 (so p99 = tail). */
    private static long[] latencies(long base, long tail) {
        return LongStream.range(0, 100).map(i -> i < 98 ? base + i * 1000 : tail).toArray();
    }

    /** A path that adds 0.1 ms at the median and 3 ms at p99 without any proxy. */
    private static final long[] BASELINE = latencies(100_000, 3 * MS);

    private static List<String> verdict(long[] probes, long[] bulk, long eof, double throughput) {
        return LatencyProxyCheck.verdict(DELAY, RATE, 5, probes, bulk, eof, throughput, BASELINE);
    }

    @Test
    void aProxyThatHoldsItsDelayPassesOverTheBaselinePath() {
        // Delay + the path's own median and tail, plus a little (under 5% of 25 ms = 1.25 ms).
        long[] probes = latencies(DELAY + 100_000 + 200_000, DELAY + 3 * MS + MS);
        assertEquals(List.of(), verdict(probes, latencies(DELAY + 50_000, DELAY + MS), DELAY + MS, 0.99e9));
    }

    @Test
    void aProxyThatAddsTenPercentFails() {
        long[] probes = latencies(DELAY * 11 / 10 + 100_000, DELAY * 11 / 10 + 3 * MS);
        List<String> f = verdict(probes, latencies(DELAY * 11 / 10, DELAY * 11 / 10), DELAY * 11 / 10, 1e9);
        assertTrue(f.stream().anyMatch(s -> s.startsWith("probe median +10.")), f::toString);
        assertTrue(f.stream().anyMatch(s -> s.startsWith("probe p99 +10.")), f::toString);
    }

    @Test
    void aProxyThatReleasesEarlyFails() {
        long early = DELAY * 9 / 10;
        List<String> f = verdict(latencies(early + 100_000, early + 3 * MS), latencies(early, early), early, 1e9);
        assertTrue(f.stream().anyMatch(s -> s.startsWith("a frame arrived after 22.500 ms")), f::toString);
        assertTrue(f.stream().anyMatch(s -> s.startsWith("end of stream after")), f::toString);
        assertTrue(f.stream().anyMatch(s -> s.startsWith("probe median -10.00%")), f::toString);
    }

    @Test
    void oneEarlyBulkFrameFailsEvenWhenTheProbesHold() {
        long[] bulk = latencies(DELAY, DELAY);
        bulk[0] = DELAY - 1;
        List<String> f = verdict(latencies(DELAY + 100_000, DELAY + 3 * MS), bulk, DELAY, 1e9);
        assertEquals(1, f.size(), f::toString);
        assertTrue(f.get(0).startsWith("a frame arrived"), f::toString);
    }

    @Test
    void aTailBeyondThePathsOwnFailsThoughTheMedianHolds() {
        // p99 2 ms beyond delay + the baseline's p99: 8% of 25 ms.
        long[] probes = latencies(DELAY + 100_000, DELAY + 3 * MS + 2 * MS);
        List<String> f = verdict(probes, latencies(DELAY, DELAY), DELAY, 1e9);
        assertEquals(1, f.size(), f::toString);
        assertTrue(f.get(0).startsWith("probe p99 +8.00%"), f::toString);
    }

    @Test
    void aStreamBelowNinetyFivePercentOfTheRateFails() {
        List<String> f = verdict(latencies(DELAY + 100_000, DELAY + 3 * MS), latencies(DELAY, DELAY), DELAY, 0.9e9);
        assertEquals(List.of("stream reached 900 of 1000 MB/s"), f);
    }

    @Test
    void withoutADelayOnlyEarlinessAndRateCount() {
        long[] probes = latencies(100_000, 10 * MS);
        assertEquals(List.of(), LatencyProxyCheck.verdict(0, RATE, 5, probes, probes, 1000, 1e9, BASELINE));
        assertEquals(List.of(), LatencyProxyCheck.verdict(0, RATE, 5, probes, probes, 1000, 1e9, null));
    }
}
