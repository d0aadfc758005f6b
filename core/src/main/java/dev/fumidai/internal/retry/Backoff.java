// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Computes the wait before a retry: exponential backoff with "full jitter", as the AWS Architecture Blog post
 * "Exponential Backoff And Jitter" (Marc Brooker, 2015) defines it: the wait before retry {@code n} (0 for the
 * first retry) is drawn uniformly from {@code [0, min(cap, base * 2^n)]}. Every retry loop in fumidai uses this
 * class: the reconnect policy, the audit dispatcher's SPOOL backlog, the disk spool and the SSM data-channel
 * reconnect.
 *
 * <p>Full jitter, not "equal jitter" ({@code ceiling/2 + random(0, ceiling/2)}) nor a few percent added on top:
 * spreading the waits over the whole range is what breaks up clients that failed together and would otherwise
 * retry in step. The blog's simulation found it needs the fewest calls for about the same completion time.
 *
 * <p>The ceiling saturates: {@code base * 2^n} never overflows, however large {@code n} or the durations are
 * (a cap of {@code ChronoUnit.FOREVER.getDuration()} is {@code Long.MAX_VALUE} ms). Immutable and thread-safe.
 */
public final class Backoff {

    private final long baseMillis;
    private final long capMillis;

    private Backoff(long baseMillis, long capMillis) {
        this.baseMillis = baseMillis;
        this.capMillis = capMillis;
    }

    /**
     * Returns the full-jitter backoff with the given base (the ceiling of the first retry's wait) and cap (the
     * largest ceiling). Durations are taken in whole milliseconds, saturating at {@code Long.MAX_VALUE} ms.
     *
     * @throws IllegalArgumentException if either is negative
     */
    public static Backoff fullJitter(Duration base, Duration cap) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        if (base.isNegative() || cap.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative: base " + base + ", cap " + cap);
        }
        return new Backoff(saturatedMillis(base), saturatedMillis(cap));
    }

    /** Returns the base in milliseconds. */
    public long baseMillis() {
        return baseMillis;
    }

    /** Returns the cap in milliseconds. */
    public long capMillis() {
        return capMillis;
    }

    /**
     * Returns {@code min(cap, base * 2^retry)} in milliseconds, the longest wait before retry {@code retry}
     * (0 for the first), computed without overflow.
     *
     * @throws IllegalArgumentException if {@code retry} is negative
     */
    public long ceilingMillis(int retry) {
        if (retry < 0) {
            throw new IllegalArgumentException("retry must not be negative: " + retry);
        }
        if (baseMillis == 0) {
            return 0;
        }
        // base * 2^retry <= cap  <=>  base <= cap >> retry (floor division keeps the equivalence for integers);
        // a shift of 63 or more would wrap in Java, and 2^63 * base is above every long cap anyway.
        if (retry >= Long.SIZE - 1 || baseMillis > (capMillis >> retry)) {
            return capMillis;
        }
        return baseMillis << retry;
    }

    /** Returns a wait in milliseconds drawn uniformly from {@code [0, ceilingMillis(retry)]}. */
    public long delayMillis(int retry) {
        return delayMillis(retry, ThreadLocalRandom.current());
    }

    /** Returns a wait in milliseconds drawn uniformly from {@code [0, ceilingMillis(retry)]} with {@code random}. */
    public long delayMillis(int retry, RandomGenerator random) {
        long ceiling = ceilingMillis(retry);
        if (ceiling == Long.MAX_VALUE) {
            return random.nextLong() & Long.MAX_VALUE; // [0, Long.MAX_VALUE]: nextLong(ceiling + 1) would overflow
        }
        return random.nextLong(ceiling + 1);
    }

    /** Returns {@link #delayMillis(int)} as a duration. */
    public Duration delay(int retry) {
        return Duration.ofMillis(delayMillis(retry));
    }

    private static long saturatedMillis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "full jitter over [0, min(" + capMillis + " ms, " + baseMillis + " ms * 2^n)]";
    }
}
