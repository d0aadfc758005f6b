// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.forward;

import dev.fumidai.RemoteForward;
import dev.fumidai.Target;
import dev.fumidai.audit.ForwardListened;
import dev.fumidai.audit.ForwardUnlistened;
import dev.fumidai.audit.Listener;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.Source;
import dev.fumidai.internal.TunnelOpener;
import dev.fumidai.internal.relay.Relay;
import dev.fumidai.spi.RemoteForwardingSession;
import dev.fumidai.spi.StreamChannels;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the connections a hop accepted for a remote forward to a local target: each incoming stream is joined to
 * a new local connection by a {@link Relay}, audited like a local forward's connections.
 *
 * <h2>Closing</h2>
 * {@link #close()} cancels the listener on the hop (waiting a bounded time for its reply), closes active relays
 * and records {@code forward.unlisten}.
 */
public final class RemoteForwardImpl implements RemoteForward {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteForwardImpl.class);

    private final Target target;
    private final TunnelOpener opener;
    private final Clock clock;
    private final ChannelGroup active = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger activeCount = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Instant started;
    private volatile RemoteForwardingSession.Listening listening;
    private volatile Listener listener;

    private RemoteForwardImpl(Target target, TunnelOpener opener, Clock clock) {
        this.target = target;
        this.opener = opener;
        this.clock = clock;
        this.started = clock.instant();
    }

    /**
     * Asks the session to listen and records {@code forward.listen} (success or failure).
     *
     * @param unixPath the hop's socket path, or {@code null} for TCP on {@code bindAddress:port}
     */
    public static CompletableFuture<RemoteForward> listen(RemoteForwardingSession session, String bindAddress,
            int port, String unixPath, Target target, TunnelOpener opener, Clock clock) {
        RemoteForwardImpl f = new RemoteForwardImpl(target, opener, clock);
        CompletableFuture<RemoteForwardingSession.Listening> l = unixPath != null
                ? session.listenUnix(unixPath, f::accept) : session.listenTcp(bindAddress, port, f::accept);
        return l.handle((listening, t) -> {
            if (t != null) {
                Listener asked = unixPath != null ? new Listener(ListenerKind.REMOTE, unixPath, 0)
                        : new Listener(ListenerKind.REMOTE, bindAddress, port);
                opener.audit().emit(new ForwardListened(opener.audit().header(), Outcome.FAILURE,
                        Reason.of(ReasonCode.CONNECT_FAILED, unwrap(t)), asked,
                        opener.targetInfo(target, null, true), opener.runtime().hopInfos()));
                throw new java.util.concurrent.CompletionException(unwrap(t));
            }
            f.listening = listening;
            f.listener = new Listener(ListenerKind.REMOTE, listening.bindAddress(), listening.boundPort());
            opener.audit().emit(new ForwardListened(opener.audit().header(), Outcome.SUCCESS, null, f.listener,
                    opener.targetInfo(target, null, true), opener.runtime().hopInfos()));
            LOG.info("remote forward {}:{} on {} to {}", listening.bindAddress(), listening.boundPort(),
                    opener.runtime().lastHop() == null ? "?" : opener.runtime().lastHop().name(), target);
            return f;
        });
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Takes one incoming stream (on the session's event loop): connects to the target, then relays. */
    private void accept(RemoteForwardingSession.IncomingStream in) {
        Channel remote = in.channel();
        Listener l = listener != null ? listener : new Listener(ListenerKind.REMOTE, "", 0);
        Source source = new Source(in.originAddress().isEmpty() ? null : in.originAddress(), in.originPort(), l);
        if (closed.get()) {
            remote.close();
            return;
        }
        accepted.incrementAndGet();
        activeCount.incrementAndGet();
        active.add(remote);
        opener.openLocal(target, source).whenComplete((opened, t) -> {
            if (t != null) {
                LOG.warn("remote forward {} -> {}: {}", l.port(), target, t.getMessage());
                activeCount.decrementAndGet();
                remote.close();
                return;
            }
            if (!remote.isOpen()) {
                opened.channel().close();
                opened.record().closed(0, 0, Reason.of(ReasonCode.CLOSED_BY_CLIENT));
                activeCount.decrementAndGet();
                return;
            }
            active.add(opened.channel());
            Relay relay = Relay.join(remote, opened.channel(), opened.record().backPressure());
            relay.done().whenComplete((r, x) -> {
                activeCount.decrementAndGet();
                Reason reason;
                if (r.cause() != null) {
                    reason = Reason.of(ReasonCode.NETWORK_ERROR, r.cause());
                } else if (r.endedBy() == Relay.Ender.FIRST) {
                    Throwable c = remote.attr(StreamChannels.CLOSE_CAUSE).get();
                    reason = c != null ? Reason.of(ReasonCode.NETWORK_ERROR, c)
                            : Reason.of(ReasonCode.CLOSED_BY_CLIENT);
                } else if (r.endedBy() == Relay.Ender.SECOND) {
                    reason = Reason.of(ReasonCode.CLOSED_BY_SERVER);
                } else {
                    reason = Reason.of(ReasonCode.CLOSED_BY_APPLICATION);
                }
                opened.record().closed(r.firstToSecond(), r.secondToFirst(), reason);
            });
        });
    }

    @Override
    public String remoteAddress() {
        return listening.isUnixSocket() ? null : listening.bindAddress();
    }

    @Override
    public int remotePort() {
        return listening.boundPort();
    }

    @Override
    public String remoteSocketPath() {
        return listening.isUnixSocket() ? listening.bindAddress() : null;
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public int activeConnections() {
        return Math.max(0, activeCount.get());
    }

    @Override
    public long acceptedConnections() {
        return accepted.get();
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Reason reason = Reason.of(ReasonCode.CLOSED_BY_APPLICATION);
        Outcome outcome = Outcome.SUCCESS;
        try {
            listening.cancel().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The hop did not confirm (refused, or the session is gone and its listener with it).
            outcome = Outcome.ERROR;
            reason = Reason.of(ReasonCode.NETWORK_ERROR, "cancel not confirmed: " + Reason.describe(unwrap(e)));
            LOG.info("remote forward {}: {}", listener.port(), reason.detail());
        }
        active.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        Instant now = clock.instant();
        opener.audit().emit(new ForwardUnlistened(opener.audit().header(), outcome, reason, listener,
                opener.targetInfo(target, null, true), opener.runtime().hopInfos(), started,
                Duration.between(started, now).toMillis(), accepted.get()));
    }
}
