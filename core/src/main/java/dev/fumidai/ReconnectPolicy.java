// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import dev.fumidai.internal.retry.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * Says how a broken or failing hop session is re-established: up to {@code maxAttempts} connects, with
 * exponential backoff and full jitter between them (see {@link #backoffBefore}). Immutable.
 */
public final class ReconnectPolicy {

    private static final ReconnectPolicy DEFAULT = new ReconnectPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5));
    private static final ReconnectPolicy NONE = new ReconnectPolicy(1, Duration.ZERO, Duration.ZERO);

    private final int maxAttempts;
    private final Backoff backoff;

    private ReconnectPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.backoff = Backoff.fullJitter(Objects.requireNonNull(initialBackoff, "initialBackoff"),
                Objects.requireNonNull(maxBackoff, "maxBackoff"));
    }

    /** Returns the default: 3 attempts; the ceiling of the wait starts at 200 ms and doubles up to 5 s. */
    public static ReconnectPolicy defaults() {
        return DEFAULT;
    }

    /** Returns a policy that tries once and never again for the same open. */
    public static ReconnectPolicy none() {
        return NONE;
    }

    /**
     * Returns a policy with the given attempts and backoff bounds. A {@code maxBackoff} longer than
     * {@code Long.MAX_VALUE} milliseconds (such as {@code ChronoUnit.FOREVER.getDuration()}) means no cap.
     *
     * @throws IllegalArgumentException if {@code maxAttempts} is below 1 or a backoff bound is negative
     */
    public static ReconnectPolicy of(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new ReconnectPolicy(maxAttempts, initialBackoff, maxBackoff);
    }

    /** Returns how many connects are tried for one open, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Returns how long to wait before attempt {@code attempt} (2 for the first retry; 1 and below wait nothing):
     * "full jitter" as the AWS Architecture Blog's "Exponential Backoff And Jitter" defines it, a time drawn
     * uniformly from 0 to {@code min(maxBackoff, initialBackoff * 2^(attempt-2))} inclusive, in whole milliseconds.
     * Successive waits are independent draws, so a later one may be shorter than an earlier one.
     */
    public Duration backoffBefore(int attempt) {
        if (attempt <= 1) {
            return Duration.ZERO;
        }
        return backoff.delay(attempt - 2);
    }
}
