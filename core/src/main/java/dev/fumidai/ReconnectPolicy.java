// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Says how a broken or failing hop session is re-established: up to {@code maxAttempts} connects, with
 * exponential backoff and full jitter between them. Immutable.
 */
public final class ReconnectPolicy {

    private static final ReconnectPolicy DEFAULT = new ReconnectPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5));
    private static final ReconnectPolicy NONE = new ReconnectPolicy(1, Duration.ZERO, Duration.ZERO);

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private ReconnectPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
        this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
    }

    /** Returns the default: 3 attempts, backoff from 200 ms up to 5 s. */
    public static ReconnectPolicy defaults() {
        return DEFAULT;
    }

    /** Returns a policy that tries once and never again for the same open. */
    public static ReconnectPolicy none() {
        return NONE;
    }

    /** Returns a policy with the given attempts and backoff bounds. */
    public static ReconnectPolicy of(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new ReconnectPolicy(maxAttempts, initialBackoff, maxBackoff);
    }

    /** Returns how many connects are tried for one open, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Returns how long to wait before attempt {@code attempt} (2 for the first retry): a random time up to
     * {@code min(maxBackoff, initialBackoff * 2^(attempt-2))}.
     */
    public Duration backoffBefore(int attempt) {
        if (attempt <= 1 || initialBackoff.isZero()) {
            return Duration.ZERO;
        }
        long base = initialBackoff.toMillis() << Math.min(20, attempt - 2);
        long cap = Math.min(maxBackoff.toMillis(), base);
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }
}
