// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties of the full-jitter backoff every fumidai retry loop uses. */
class BackoffProperties {

    /** The exact ceiling, min(cap, base * 2^n), in arbitrary precision. */
    private static long expectedCeiling(long base, long cap, int n) {
        BigInteger grown = BigInteger.valueOf(base).shiftLeft(n);
        return grown.min(BigInteger.valueOf(cap)).longValueExact();
    }

    @Test
    void theCeilingIsMinOfCapAndBaseTimesTwoToTheN() {
        PropertyCheck.forAll(2000, Gens.longs(0, Long.MAX_VALUE), Gens.longs(0, Long.MAX_VALUE),
                Gens.ints(0, Integer.MAX_VALUE), (base, cap, n) -> {
                    Backoff b = Backoff.fullJitter(Duration.ofMillis(base), Duration.ofMillis(cap));
                    assertEquals(expectedCeiling(base, cap, Math.min(n, 200)), b.ceilingMillis(n),
                            () -> b + " at retry " + n);
                });
    }

    @Test
    void everyDelayLiesWithinZeroAndTheCeiling() {
        PropertyCheck.forAll(2000, Gens.longs(0, 1L << 40), Gens.longs(0, Long.MAX_VALUE),
                Gens.ints(0, Integer.MAX_VALUE), Gens.longs(), (base, cap, n, seed) -> {
                    Backoff b = Backoff.fullJitter(Duration.ofMillis(base), Duration.ofMillis(cap));
                    SplittableRandom r = new SplittableRandom(seed);
                    long ceiling = expectedCeiling(base, cap, Math.min(n, 200));
                    for (int i = 0; i < 20; i++) {
                        long d = b.delayMillis(n, r);
                        assertTrue(d >= 0 && d <= ceiling, () -> d + " outside [0, " + ceiling + "] for " + b);
                    }
                });
    }

    @Test
    void theCapHoldsForHugeRetryNumbersAndDurationsWithoutOverflow() {
        PropertyCheck.forAll(1000, Gens.longs(1, Long.MAX_VALUE), Gens.ints(0, Integer.MAX_VALUE), Gens.longs(),
                (base, n, seed) -> {
                    Backoff forever = Backoff.fullJitter(Duration.ofMillis(base), ChronoUnit.FOREVER.getDuration());
                    Backoff capped = Backoff.fullJitter(Duration.ofMillis(base), Duration.ofSeconds(30));
                    SplittableRandom r = new SplittableRandom(seed);
                    // FOREVER is longer than Long.MAX_VALUE ms: the cap saturates there, it does not throw.
                    assertEquals(expectedCeiling(base, Long.MAX_VALUE, Math.min(n, 200)), forever.ceilingMillis(n));
                    assertTrue(forever.delayMillis(n, r) >= 0);
                    long d = capped.delayMillis(n, r);
                    assertTrue(d >= 0 && d <= 30_000, () -> "delay " + d + " at retry " + n);
                });
        Backoff b = Backoff.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(30));
        for (int n : new int[] {62, 63, 64, 65, 127, 128, Integer.MAX_VALUE}) {
            assertEquals(30_000, b.ceilingMillis(n), "retry " + n);
        }
    }

    /**
     * Full jitter spreads the waits uniformly over the whole of [0, ceiling]: the lower half gets half of them, and
     * each tenth about a tenth. Equal jitter (the old reconnect policy, spool and SSM reconnect) puts none in the
     * lower half; "ceiling plus up to 20 %" (the old audit dispatcher) none below the ceiling.
     */
    @Test
    void delaysAreSpreadOverTheWholeRange() {
        PropertyCheck.forAll(50, Gens.longs(1_000, 1_000_000), Gens.ints(0, 70), Gens.longs(), (base, n, seed) -> {
            Backoff b = Backoff.fullJitter(Duration.ofMillis(base), Duration.ofSeconds(60));
            long ceiling = b.ceilingMillis(n);
            SplittableRandom r = new SplittableRandom(seed);
            int draws = 10_000;
            int[] tenths = new int[10];
            for (int i = 0; i < draws; i++) {
                long d = b.delayMillis(n, r);
                tenths[(int) Math.min(9, d * 10 / (ceiling + 1))]++;
            }
            // Each tenth expects 1000 draws, standard deviation 30: 800..1200 is more than 6 sigma either side.
            for (int t = 0; t < 10; t++) {
                int count = tenths[t];
                int tenth = t;
                assertTrue(count > 800 && count < 1200,
                        () -> "tenth " + tenth + " of [0, " + ceiling + "] got " + count + " of " + draws + " draws");
            }
        });
    }

    @Test
    void theDefaultRandomSourceAlsoReachesBothEndsOfTheRange() {
        Backoff b = Backoff.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(10));
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 5000; i++) {
            long d = b.delayMillis(0);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        // P(no draw in [0, 9]) = 0.9^5000: never in practice; likewise for [91, 100].
        assertTrue(min < 10, "smallest of 5000 waits " + min);
        assertTrue(max > 90 && max <= 100, "largest of 5000 waits " + max);
    }

    @Test
    void aZeroBaseNeverWaitsAndNegativesAreRefused() {
        Backoff none = Backoff.fullJitter(Duration.ZERO, Duration.ofSeconds(5));
        assertEquals(0, none.delayMillis(0));
        assertEquals(0, none.delayMillis(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Backoff.fullJitter(Duration.ofMillis(-1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Backoff.fullJitter(Duration.ZERO, Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> none.ceilingMillis(-1));
    }
}
