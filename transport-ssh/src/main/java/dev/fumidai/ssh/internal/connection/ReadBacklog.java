// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * Counts, per event-loop thread, the socket read loops that ended with data still waiting in the socket (issue #14).
 *
 * <p>A receive window should grow only while it is what limits a stream. From the SSH layer alone a stream that our
 * own reading limits (decryption on a busy loop, two hops on one loop over loopback) looks the same as one the window
 * limits: data queued in the socket below us counts as in flight, and a round-trip sample includes the queue. The
 * socket's read loop tells them apart: it stops either because the socket ran dry (the last read did not fill its
 * buffer) or because it read its quota of messages with data still there. When most of a loop's reads end the
 * second way, the loop is what limits, and nothing it serves should ask peers for more data. {@link SshChannel} reads
 * these counts on its own event loop, the thread that runs the socket reads of its connection (and, where hops share
 * a loop, of the hop below).
 *
 * <h2>Threading</h2>
 * Counts are per thread; {@link #record} is called by the socket's read loop, the getters by channels on that loop.
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

    /** Records one socket read loop on this thread, and whether it ended with data still waiting. */
    public static void record(boolean backlogged) {
        long[] c = COUNTS.get();
        c[0]++;
        if (backlogged) {
            c[1]++;
        }
    }

    /** Returns the read loops recorded on this thread. */
    public static long loops() {
        return COUNTS.get()[0];
    }

    /** Returns the read loops recorded on this thread that ended with data still waiting. */
    public static long backlogged() {
        return COUNTS.get()[1];
    }
}
