// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * Counts, per event-loop thread, the socket read loops and how long their sockets had been dry before them (issue #14).
 *
 * <p>A receive window should grow only while it is what limits a stream. From the SSH layer alone a stream that our
 * own reading limits (decryption on a busy loop, two hops on one loop over loopback) looks the same as one the window
 * limits: data queued in the socket below us counts as in flight, and a round-trip sample includes the queue. The
 * socket tells them apart by whether it ever runs dry. A read loop stops either because the socket ran dry (its last
 * read did not fill the buffer) or because it read its quota of messages with data still there. A window-limited
 * stream leaves the socket dry for part of every round trip, waiting for data the peer may not send yet, however
 * fast each burst arrives; a stream our reading limits finds data waiting nearly all the time. {@link SshChannel}
 * compares the dry time with the length of its interval, on its own event loop: the thread that runs the socket
 * reads of its connection (and, where hops share a loop, of the hop below).
 *
 * <h2>Threading</h2>
 * Counts are per thread; {@link #recordLoop} is called by the socket's read loop, the getters by channels on that
 * loop. Several sockets on one loop add their dry time up, which can only make a backlog look smaller.
 */
public final class ReadBacklog {

    private static final FastThreadLocal<long[]> COUNTS = new FastThreadLocal<>() {
        @Override
        protected long[] initialValue() {
            return new long[2];
        }
    };

    private ReadBacklog() {
    }

    /**
     * Records one socket read loop on this thread, begun after its socket had been dry for {@code dryNanos} (0 when
     * the loop before it stopped with data still waiting).
     */
    public static void recordLoop(long dryNanos) {
        long[] c = COUNTS.get();
        c[0]++;
        c[1] += Math.max(0, dryNanos);
    }

    /** Returns the read loops recorded on this thread. */
    public static long loops() {
        return COUNTS.get()[0];
    }

    /** Returns the nanoseconds this thread's sockets were dry before the read loops recorded, summed. */
    public static long dryNanos() {
        return COUNTS.get()[1];
    }
}
