// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.observe;

import dev.fumidai.TunnelEventListener;
import dev.fumidai.TunnelException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls an application's {@link TunnelEventListener}, catching and logging whatever it throws so that telemetry
 * never breaks a tunnel. Thread-safe if the delegate is.
 */
public final class SafeEventListener implements TunnelEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(SafeEventListener.class);

    private final TunnelEventListener d;

    private SafeEventListener(TunnelEventListener delegate) {
        this.d = delegate;
    }

    /** Wraps a listener (once). */
    public static TunnelEventListener of(TunnelEventListener l) {
        return l instanceof SafeEventListener ? l : new SafeEventListener(l);
    }

    private static void guard(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            LOG.warn("the tunnel event listener threw from {}; ignored", what, e);
        }
    }

    @Override
    public void hopConnectStart(HopId hop, int attempt) {
        guard("hopConnectStart", () -> d.hopConnectStart(hop, attempt));
    }

    @Override
    public void hopConnectEnd(HopId hop, Duration took) {
        guard("hopConnectEnd", () -> d.hopConnectEnd(hop, took));
    }

    @Override
    public void hopConnectFailed(HopId hop, Duration took, TunnelException cause, boolean willRetry) {
        guard("hopConnectFailed", () -> d.hopConnectFailed(hop, took, cause, willRetry));
    }

    @Override
    public void hopDisconnected(HopId hop, Duration connectedFor, Throwable cause) {
        guard("hopDisconnected", () -> d.hopDisconnected(hop, connectedFor, cause));
    }

    @Override
    public void reconnectAttempt(HopId hop, int attempt, Duration backoff) {
        guard("reconnectAttempt", () -> d.reconnectAttempt(hop, attempt, backoff));
    }

    @Override
    public void handshakeEnd(HopId hop, Duration took, Algorithms negotiated) {
        guard("handshakeEnd", () -> d.handshakeEnd(hop, took, negotiated));
    }

    @Override
    public void authStart(HopId hop) {
        guard("authStart", () -> d.authStart(hop));
    }

    @Override
    public void authEnd(HopId hop, boolean success, Duration took) {
        guard("authEnd", () -> d.authEnd(hop, success, took));
    }

    @Override
    public void rekeyStart(HopId hop) {
        guard("rekeyStart", () -> d.rekeyStart(hop));
    }

    @Override
    public void rekeyEnd(HopId hop, Duration took) {
        guard("rekeyEnd", () -> d.rekeyEnd(hop, took));
    }

    @Override
    public void streamOpened(HopId lastHop, Duration took) {
        guard("streamOpened", () -> d.streamOpened(lastHop, took));
    }

    @Override
    public void streamOpenFailed(HopId lastHop, Duration took, Throwable cause) {
        guard("streamOpenFailed", () -> d.streamOpenFailed(lastHop, took, cause));
    }

    @Override
    public void streamClosed(HopId lastHop, Duration open, long bytesUp, long bytesDown) {
        guard("streamClosed", () -> d.streamClosed(lastHop, open, bytesUp, bytesDown));
    }

    @Override
    public void backPressureOn(HopId lastHop, String streamId, Direction direction) {
        guard("backPressureOn", () -> d.backPressureOn(lastHop, streamId, direction));
    }

    @Override
    public void backPressureOff(HopId lastHop, String streamId, Direction direction, Duration paused) {
        guard("backPressureOff", () -> d.backPressureOff(lastHop, streamId, direction, paused));
    }
}
