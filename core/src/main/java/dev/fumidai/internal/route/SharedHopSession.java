// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.route;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopDisconnectedException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.HopUnreachableException;
import dev.fumidai.ReconnectPolicy;
import dev.fumidai.Target;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelException;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.Hops;
import io.netty.channel.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the one session of a hop that all streams through it share (like OpenSSH's ControlMaster): opened on
 * first use, re-established under the {@link ReconnectPolicy} after it breaks, audited with {@code hop.connect}
 * and {@code hop.disconnect}.
 *
 * <h2>Threading</h2>
 * Thread-safe; state changes under this object's lock; nothing blocks.
 *
 * <h2>Failure</h2>
 * A connect that does not finish within connect timeout plus handshake timeout fails with
 * {@link TunnelTimeoutException}; a late session is closed. Streams of a broken session are closed by its
 * transport; the next open connects anew.
 */
public final class SharedHopSession {

    private static final Logger LOG = LoggerFactory.getLogger(SharedHopSession.class);

    private final Hop hop;
    private final HopContext ctx;
    private final ReconnectPolicy policy;
    private CompletableFuture<HopSession> current;
    private volatile HopInfo lastInfo;
    /** Completes once the live session's {@code hop.disconnect} has been emitted. */
    private volatile CompletableFuture<Void> disconnectRecorded = CompletableFuture.completedFuture(null);
    private boolean closed;

    // Telemetry and status (see HopStatus); written on event loops, read by status().
    private final dev.fumidai.TunnelEventListener.HopId id;
    private volatile Instant connectedSince;
    private volatile String lastError;
    private final java.util.concurrent.atomic.AtomicInteger openStreams = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong bytesUp = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong bytesDown = new java.util.concurrent.atomic.AtomicLong();

    /**
     * How long {@link #close} waits, after the session closed, for its {@code hop.disconnect} to be emitted; a
     * guard against a transport whose close future never completes, not a delay anyone should see.
     */
    private static final long RECORD_WAIT_MS = 2_000;

    /** Creates the shared session holder of a hop; nothing connects yet. */
    public SharedHopSession(Hop hop, HopContext ctx, ReconnectPolicy policy) {
        this.hop = hop;
        this.ctx = ctx;
        this.policy = policy;
        this.lastInfo = hop.describe();
        this.id = new dev.fumidai.TunnelEventListener.HopId(ctx.hopIndex(), hop.name(), hop.transport());
    }

    /** Returns the hop's telemetry id. */
    public dev.fumidai.TunnelEventListener.HopId id() {
        return id;
    }

    /** Counts a stream that opened through this (last) hop. */
    public void streamOpened() {
        openStreams.incrementAndGet();
    }

    /** Counts a stream through this (last) hop that closed, with its bytes. */
    public void streamClosed(long up, long down) {
        openStreams.decrementAndGet();
        bytesUp.addAndGet(up);
        bytesDown.addAndGet(down);
    }

    /** Returns a snapshot of this hop's session. */
    public dev.fumidai.HopStatus status() {
        Instant since = connectedSince;
        HopInfo info = lastInfo;
        dev.fumidai.TunnelEventListener.Algorithms algs = info == null || info.crypto() == null ? null
                : new dev.fumidai.TunnelEventListener.Algorithms(info.crypto().kex(), info.crypto().hostkeyAlg(),
                        info.crypto().cipher(), info.crypto().mac());
        return new dev.fumidai.HopStatus(id, since != null, since, algs, Math.max(0, openStreams.get()),
                bytesUp.get(), bytesDown.get(), lastError);
    }

    /** Returns the hop. */
    public Hop hop() {
        return hop;
    }

    /** Returns the hop as last connected (or as configured before the first connect). */
    public HopInfo info() {
        return lastInfo;
    }

    /** Returns the connection id of the live session, or {@code null}. */
    public synchronized String connectionId() {
        if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
            return current.join().connectionId();
        }
        return null;
    }

    /** Returns the live session, connecting (with retries) when there is none. */
    public synchronized CompletableFuture<HopSession> session() {
        if (closed) {
            return CompletableFuture.failedFuture(
                    new HopDisconnectedException(Hops.describe(hop), "the JumpHost is closed", null));
        }
        if (current != null) {
            if (!current.isDone()) {
                return current;
            }
            if (!current.isCompletedExceptionally() && current.join().isOpen()) {
                return current;
            }
        }
        CompletableFuture<HopSession> f = new CompletableFuture<>();
        current = f;
        attempt(1, f);
        return f;
    }

    /** Opens a stream to a target through this hop's session; retries once if the session broke meanwhile. */
    public CompletableFuture<Channel> open(Target target) {
        return session().thenCompose(s -> s.open(target).handle((ch, t) -> {
            if (t == null) {
                return CompletableFuture.completedFuture(ch);
            }
            Throwable c = unwrap(t);
            if (c instanceof TargetUnreachableException e) {
                e.locate(hop.name(), ctx.hopIndex(), target); // per stream: this hop could not open this target
            }
            if (!s.isOpen() && !(c instanceof TargetUnreachableException)) {
                LOG.debug("{}: session broke during open, reconnecting once", Hops.describe(hop));
                return session().thenCompose(s2 -> s2.open(target));
            }
            return CompletableFuture.<Channel>failedFuture(c);
        }).thenCompose(x -> x));
    }

    private void attempt(int n, CompletableFuture<HopSession> result) {
        Instant started = ctx.clock().instant();
        ctx.events().hopConnectStart(id, n);
        CompletableFuture<HopSession> c;
        try {
            c = hop.connect(ctx);
        } catch (RuntimeException e) {
            c = CompletableFuture.failedFuture(e);
        }
        Duration limit = ctx.connectTimeout().plus(ctx.handshakeTimeout());
        CompletableFuture<HopSession> connect = c;
        var timer = ctx.eventLoopGroup().next().schedule(() -> {
            connect.completeExceptionally(new TunnelTimeoutException(Hops.describe(hop),
                    "connect and handshake did not finish within " + limit.toMillis() + " ms", null));
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        connect.whenComplete((s, t) -> {
            timer.cancel(false);
            if (t == null) {
                if (result.isDone()) {
                    s.close();
                    return;
                }
                connected(s, started);
                ctx.events().hopConnectEnd(id, Duration.between(started, ctx.clock().instant()));
                result.complete(s);
                return;
            }
            TunnelException cause = wrap(unwrap(t));
            ctx.audit().emit(new HopConnected(ctx.audit().header(), Outcome.FAILURE, reasonFor(cause),
                    ctx.hopIndex(), lastInfo, null, null));
            boolean retryable = !(cause instanceof HopHandshakeException || cause instanceof HopAuthenticationException);
            boolean retry = n < policy.maxAttempts() && retryable && !isClosed();
            lastError = cause.getMessage();
            ctx.events().hopConnectFailed(id, Duration.between(started, ctx.clock().instant()), cause, retry);
            if (retry) {
                Duration wait = policy.backoffBefore(n + 1);
                ctx.events().reconnectAttempt(id, n + 1, wait);
                LOG.info("{}: connect attempt {} of {} failed ({}); retrying in {} ms", Hops.describe(hop), n,
                        policy.maxAttempts(), cause.getMessage(), wait.toMillis());
                ctx.eventLoopGroup().next().schedule(() -> attempt(n + 1, result), wait.toMillis(),
                        TimeUnit.MILLISECONDS);
            } else {
                // Shared by every stream waiting for this hop, so it names the hop but no target. A failure of an
                // earlier hop, passed on through this hop's upstream, keeps the earlier hop's name.
                cause.locate(hop.name(), ctx.hopIndex(), null);
                result.completeExceptionally(cause);
            }
        });
    }

    private void connected(HopSession s, Instant started) {
        HopInfo info = s.info() == null ? lastInfo : s.info();
        lastInfo = info;
        connectedSince = ctx.clock().instant();
        s.closeFuture().whenComplete((v, t) -> {
            Instant since = connectedSince;
            connectedSince = null;
            if (t != null) {
                lastError = String.valueOf(unwrap(t).getMessage());
            }
            ctx.events().hopDisconnected(id, since == null ? Duration.ZERO
                    : Duration.between(since, ctx.clock().instant()), t == null ? null : unwrap(t));
        });
        if (s.recordsOwnConnections()) {
            return; // one record per underlying connection comes from the session itself (SSM sessions)
        }
        ctx.audit().emit(new HopConnected(ctx.audit().header(), Outcome.SUCCESS, null, ctx.hopIndex(), info,
                s.connectionId(), null));
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        disconnectRecorded = recorded;
        s.closeFuture().whenComplete((v, t) -> {
            try {
                Instant now = ctx.clock().instant();
                Reason reason = t == null
                        ? Reason.of(isClosed() ? ReasonCode.CLOSED_BY_APPLICATION : ReasonCode.CLOSED_BY_SERVER)
                        : Reason.of(ReasonCode.NETWORK_ERROR, unwrap(t));
                ctx.audit().emit(new HopDisconnected(ctx.audit().header(), t == null ? Outcome.SUCCESS
                        : Outcome.ERROR, reason, ctx.hopIndex(), lastInfo, s.connectionId(), started,
                        Duration.between(started, now).toMillis()));
            } finally {
                recorded.complete(null);
            }
        });
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Closes the live session, if any; later opens fail. The future completes once the session has closed and its
     * {@code hop.disconnect} has been emitted (a close future's dependents run in no fixed order, so without
     * waiting for the record the {@code JumpHost} could close its audit log first and lose it).
     */
    public CompletableFuture<Void> close() {
        CompletableFuture<HopSession> c;
        synchronized (this) {
            closed = true;
            c = current;
        }
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (!c.isDone()) {
            c.completeExceptionally(new HopDisconnectedException(Hops.describe(hop), "the JumpHost is closed", null));
        }
        if (c.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> recorded = disconnectRecorded;
        return c.join().close().exceptionally(t -> null).thenCompose(v -> recorded)
                .completeOnTimeout(null, RECORD_WAIT_MS, TimeUnit.MILLISECONDS);
    }

    private TunnelException wrap(Throwable t) {
        if (t instanceof TunnelException) {
            return (TunnelException) t;
        }
        return new HopUnreachableException(Hops.describe(hop), String.valueOf(t.getMessage()), t);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Returns the reason for a failure: a code and fixed text by its type, never its message ({@link Reason}). */
    static Reason reasonFor(Throwable t) {
        String detail = Reason.describe(t);
        if (t instanceof TunnelTimeoutException) {
            return Reason.of(ReasonCode.TIMEOUT, detail);
        }
        if (t instanceof HopAuthenticationException) {
            return Reason.of(ReasonCode.AUTH_FAILED, detail);
        }
        if (t instanceof HopHandshakeException) {
            return Reason.of(ReasonCode.HANDSHAKE_FAILED, detail);
        }
        if (t instanceof HopUnreachableException) {
            return Reason.of(ReasonCode.CONNECT_FAILED, detail);
        }
        if (t instanceof TargetUnreachableException) {
            return Reason.of(ReasonCode.TARGET_UNREACHABLE, detail);
        }
        if (t instanceof dev.fumidai.AuditUnavailableException) {
            return Reason.of(ReasonCode.AUDIT_FAILURE, detail);
        }
        return Reason.of(ReasonCode.NETWORK_ERROR, detail);
    }
}
