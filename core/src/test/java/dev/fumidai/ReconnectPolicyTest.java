// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** The reconnect policy's waits are what its javadoc says: full jitter up to min(max, initial * 2^(attempt-2)). */
class ReconnectPolicyTest {

    private static long[] range(ReconnectPolicy p, int attempt, int draws) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < draws; i++) {
            long d = p.backoffBefore(attempt).toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        return new long[] {min, max};
    }

    /** Failed before the shared Backoff: the policy drew from [ceiling/2, ceiling] (equal jitter), never lower. */
    @Test
    void waitsAreFullJitterFromZeroToTheCeiling() {
        ReconnectPolicy p = ReconnectPolicy.defaults(); // 200 ms, doubling, up to 5 s
        long[] first = range(p, 2, 5000);
        // Uniform over [0, 200]: P(no wait below 20 ms in 5000) = (181/201)^5000, nil.
        assertTrue(first[0] < 20, "shortest wait before the first retry " + first[0] + " ms");
        assertTrue(first[1] > 180 && first[1] <= 200, "longest wait before the first retry " + first[1] + " ms");
        long[] second = range(p, 3, 5000);
        assertTrue(second[0] < 40 && second[1] > 360 && second[1] <= 400, second[0] + ".." + second[1]);
        long[] late = range(p, 30, 5000);
        assertTrue(late[0] < 500 && late[1] > 4500 && late[1] <= 5000, late[0] + ".." + late[1]);
    }

    @Test
    void theFirstAttemptAndTheNonePolicyNeverWait() {
        assertEquals(Duration.ZERO, ReconnectPolicy.defaults().backoffBefore(1));
        assertEquals(Duration.ZERO, ReconnectPolicy.none().backoffBefore(2));
    }

    /**
     * Failed before the shared Backoff: {@code maxBackoff.toMillis()} threw ArithmeticException for a cap beyond
     * Long.MAX_VALUE ms, the natural way to say "no cap", and a huge initial wait shifted into a negative one.
     */
    @Test
    void anUnboundedCapOrAHugeInitialWaitNeitherThrowsNorGoesNegative() {
        ReconnectPolicy unbounded = ReconnectPolicy.of(100, Duration.ofMillis(200), ChronoUnit.FOREVER.getDuration());
        assertTrue(unbounded.backoffBefore(2).toMillis() <= 200);
        for (int attempt = 2; attempt <= 100; attempt++) {
            assertTrue(!unbounded.backoffBefore(attempt).isNegative(), "attempt " + attempt);
        }
        ReconnectPolicy huge = ReconnectPolicy.of(10, Duration.ofMillis(Long.MAX_VALUE / 4),
                Duration.ofMillis(Long.MAX_VALUE));
        for (int attempt = 2; attempt <= 10; attempt++) {
            Duration d = huge.backoffBefore(attempt);
            assertTrue(!d.isNegative() && d.toMillis() <= Long.MAX_VALUE, "attempt " + attempt + ": " + d);
        }
    }

    @Test
    void negativeWaitsAreRefusedWhenThePolicyIsMade() {
        assertThrows(IllegalArgumentException.class,
                () -> ReconnectPolicy.of(3, Duration.ofMillis(-1), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> ReconnectPolicy.of(3, Duration.ofMillis(1), Duration.ofSeconds(-1)));
    }
}
