// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.time.Duration;

/**
 * Bounds the wall-clock time of deriving a key from a passphrase ({@code PrivateKeyPolicy.decryptionDeadline}):
 * the KDF loops call {@link #check()} between rounds, and it throws once the deadline has passed. Started
 * when the passphrase is known, so the time a person takes to type it is not counted.
 *
 * <p>Not thread-safe: one per key load.
 */
final class KdfDeadline {

    /** A deadline that never passes, for callers (and tests) that bound the work by other means. */
    static final KdfDeadline NONE = new KdfDeadline(null, null, Long.MAX_VALUE);

    private final String keyName;
    private final Duration deadline;
    private final long endNanos;
    private final long startNanos;

    private KdfDeadline(String keyName, Duration deadline, long startNanos) {
        this.keyName = keyName;
        this.deadline = deadline;
        this.startNanos = startNanos;
        this.endNanos = deadline == null ? 0 : startNanos + deadline.toNanos();
    }

    /** Starts a deadline of the given length now. */
    static KdfDeadline start(String keyName, Duration deadline) {
        return new KdfDeadline(keyName, deadline, System.nanoTime());
    }

    /** Throws if the deadline has passed. */
    void check() throws PrivateKeyException {
        if (deadline != null && System.nanoTime() - endNanos > 0) {
            throw new PrivateKeyException(Reason.OVER_LIMIT, keyName + ": deriving the key from the passphrase took"
                    + " longer than the deadline of " + deadline.toMillis() + " ms (PrivateKeyPolicy"
                    + ".decryptionDeadline); the key is refused");
        }
    }

    /** Returns the time since the deadline started, for tests and logs. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
