// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Is a snapshot of one hop's shared session, for health endpoints: immutable, taken by {@link JumpHost#status()}.
 * Streams and bytes count the streams whose last hop this is (a stream through several hops counts at the last).
 *
 * @param hop the hop
 * @param connected whether a session is up now
 * @param connectedSince when the live session connected, or {@code null} when none is up
 * @param negotiated the algorithms of the live (or last) session, or {@code null} before any
 * @param openStreams streams open now
 * @param bytesUp bytes sent toward targets by closed streams
 * @param bytesDown bytes received from targets by closed streams
 * @param lastError the message of the last connect failure or broken session, or {@code null}
 */
public record HopStatus(TunnelEventListener.HopId hop, boolean connected, @Nullable Instant connectedSince,
        TunnelEventListener.@Nullable Algorithms negotiated, int openStreams, long bytesUp, long bytesDown,
        @Nullable String lastError) {

    /** Returns a one-line summary, e.g. for a CLI. */
    @Override
    public String toString() {
        return "hop " + hop.index() + " " + hop.transport() + ":" + hop.name() + " "
                + (connected ? "up since " + connectedSince : "down") + ", " + openStreams + " open stream(s), "
                + bytesUp + " B up, " + bytesDown + " B down"
                + (negotiated == null ? "" : ", " + negotiated.kex() + "/" + negotiated.cipher())
                + (lastError == null ? "" : ", last error: " + lastError);
    }
}
