// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Receives telemetry about a {@link JumpHost}'s hops and streams: connects and their timings, the algorithms a
 * handshake negotiated, authentication, streams with their bytes, rekeys, reconnect attempts and back-pressure. Every method has
 * an empty default, so an implementation overrides only what it needs. Set one with
 * {@link JumpHost.Builder#eventListener(TunnelEventListener)}.
 *
 * <p>This is telemetry, not the record: audit sinks get the authoritative, ordered, durable events; a listener gets
 * cheap callbacks for metrics and health checks, and nothing waits for it.
 *
 * <h2>Threading</h2>
 * Callbacks run synchronously on event loop threads (sometimes the caller's thread), possibly concurrently for
 * different hops and streams. They must be quick and must never block: no I/O, no locks held long, no waiting on
 * futures. An exception a callback throws is caught and logged; it never breaks a tunnel.
 */
public interface TunnelEventListener {

    /** A listener that does nothing. */
    TunnelEventListener NONE = new TunnelEventListener() {
    };

    /**
     * Names a hop of the route: its position from 0, its name (the alias or host written in the route) and its
     * transport ({@code ssh}, {@code ssm}, {@code command}). Low-cardinality: fit for metric tags.
     */
    record HopId(int index, String name, String transport) {
        /** Checks the parts. */
        public HopId {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(transport, "transport");
        }
    }

    /**
     * The algorithms a handshake negotiated; a part the transport does not have (an SSM hop has no MAC) is
     * {@code null}. For SSH, {@code cipher} and {@code mac} are those client to server.
     */
    record Algorithms(@Nullable String kex, @Nullable String hostKey, @Nullable String cipher, @Nullable String mac) {
    }

    /** Which way a stream's bytes flow: {@code UP} toward the target, {@code DOWN} back from it. */
    enum Direction {
        /** From the application or local client toward the target. */
        UP,
        /** From the target back to the application or local client. */
        DOWN
    }

    /** A hop's session starts to connect: attempt 1, or a later one under the {@link ReconnectPolicy}. */
    default void hopConnectStart(HopId hop, int attempt) {
    }

    /** A hop's session connected (TCP or upstream stream, handshake and authentication), after {@code took}. */
    default void hopConnectEnd(HopId hop, Duration took) {
    }

    /**
     * A hop's connect attempt failed after {@code took}; {@code willRetry} says whether the reconnect policy tries
     * again ({@link #reconnectAttempt} follows).
     */
    default void hopConnectFailed(HopId hop, Duration took, TunnelException cause, boolean willRetry) {
    }

    /** A connected hop session closed; {@code cause} is {@code null} for a clean close. */
    default void hopDisconnected(HopId hop, Duration connectedFor, @Nullable Throwable cause) {
    }

    /** A new attempt to connect a hop is scheduled after {@code backoff}, following a failed one. */
    default void reconnectAttempt(HopId hop, int attempt, Duration backoff) {
    }

    /** A hop's protocol handshake (for SSH: key exchange and host key check) finished after {@code took}. */
    default void handshakeEnd(HopId hop, Duration took, @Nullable Algorithms negotiated) {
    }

    /** Authentication to a hop starts. */
    default void authStart(HopId hop) {
    }

    /** Authentication to a hop ended, successfully or not, after {@code took}. */
    default void authEnd(HopId hop, boolean success, Duration took) {
    }

    /** A key re-exchange on an established hop session starts. */
    default void rekeyStart(HopId hop) {
    }

    /** A key re-exchange ended after {@code took}. */
    default void rekeyEnd(HopId hop, Duration took) {
    }

    /**
     * A stream to a target opened through the route's last hop ({@code null} for a direct route) after
     * {@code took}. The target is not passed: it would make metric tags unbounded.
     */
    default void streamOpened(@Nullable HopId lastHop, Duration took) {
    }

    /** A stream could not be opened, after {@code took}. */
    default void streamOpenFailed(@Nullable HopId lastHop, Duration took, Throwable cause) {
    }

    /**
     * A stream closed after {@code open}, having carried {@code bytesUp} toward the target and {@code bytesDown}
     * back.
     */
    default void streamClosed(@Nullable HopId lastHop, Duration open, long bytesUp, long bytesDown) {
    }

    /**
     * A relayed stream (a local forward's or SOCKS proxy's connection) stopped reading in {@code direction} because
     * the side it writes to cannot take more now: for {@code DOWN}, the local client reads slower than the target
     * sends (the tunnel stops reading, so the hop's flow control slows the target); for {@code UP}, the tunnel (the
     * hop's window, a slow link) takes less than the client sends. Nothing is buffered beyond a high-water mark
     * meanwhile. {@code streamId} is the stream's {@code channel_id} in audit records: fit for correlating, not for
     * metric tags. Exactly one {@link #backPressureOff} follows for the same stream and direction.
     */
    default void backPressureOn(@Nullable HopId lastHop, String streamId, Direction direction) {
    }

    /**
     * A paused stream reads again in {@code direction}, after {@code paused}: the other side drained, or, at the
     * latest, the stream closed.
     */
    default void backPressureOff(@Nullable HopId lastHop, String streamId, Direction direction, Duration paused) {
    }
}
