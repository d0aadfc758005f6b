// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal;

import dev.fumidai.AuditUnavailableException;
import dev.fumidai.Target;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardDenied;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.Source;
import dev.fumidai.audit.TargetInfo;
import dev.fumidai.audit.TargetProtocol;
import dev.fumidai.internal.audit.AuditDispatcher;
import dev.fumidai.internal.route.RouteRuntime;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens audited streams through a route: refuses while a fail-closed sink fails, records {@code forward.open}
 * (and waits for fail-closed sinks to accept it before any byte flows), {@code forward.denied} and, through
 * {@link Record#closed}, {@code forward.close}.
 */
public final class TunnelOpener {

    private final RouteRuntime runtime;
    private final AuditDispatcher audit;
    private final Clock clock;
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final dev.fumidai.TunnelEventListener events;

    /** Creates an opener over a route runtime. */
    public TunnelOpener(RouteRuntime runtime, AuditDispatcher audit, Clock clock) {
        this(runtime, audit, clock, dev.fumidai.TunnelEventListener.NONE);
    }

    /** Creates an opener that also reports streams to a (guarded) telemetry listener. */
    public TunnelOpener(RouteRuntime runtime, AuditDispatcher audit, Clock clock,
            dev.fumidai.TunnelEventListener events) {
        this.events = events;
        this.runtime = runtime;
        this.audit = audit;
        this.clock = clock;
    }

    /** Returns the route runtime. */
    public RouteRuntime runtime() {
        return runtime;
    }

    /** Returns the dispatcher. */
    public AuditDispatcher audit() {
        return audit;
    }

    /** Returns bytes sent toward targets by all closed streams. */
    public long totalBytesUp() {
        return bytesUp.get();
    }

    /** Returns bytes received from targets by all closed streams. */
    public long totalBytesDown() {
        return bytesDown.get();
    }

    /** Is an opened stream and its audit record. */
    public record Opened(Channel channel, Record record) {
    }

    /** Describes a target for audit records. */
    public TargetInfo targetInfo(Target t, String address) {
        return targetInfo(t, address, false);
    }

    /** Describes a target for audit records; {@code local} for one this machine connects to itself. */
    public TargetInfo targetInfo(Target t, String address, boolean local) {
        boolean unix = t.isUnixSocket();
        return new TargetInfo(unix ? t.path() : t.host(), address, t.port(),
                unix ? TargetProtocol.STREAMLOCAL : TargetProtocol.TCP, null,
                local || runtime.route().isDirect() ? "local" : "remote");
    }

    /** Records a connection refused before any open (local policy, limits). */
    public void denied(Target target, Source source, Reason reason, String ruleId) {
        audit.emit(new ForwardDenied(audit.header(), reason, source, targetInfo(target, null), runtime.hopInfos(),
                ruleId));
    }

    /**
     * Opens a connection from this machine to a local target on behalf of a source (a remote forward's incoming
     * connection): audited as {@code forward.open} / {@code forward.close} like a stream, with
     * {@code resolved_by: "local"}.
     */
    public CompletableFuture<Opened> openLocal(Target target, Source source) {
        return open(target, source, runtime.direct().open(target), true);
    }

    /**
     * Opens a stream to a target on behalf of a source.
     *
     * @return a future completing once the stream is open and its {@code forward.open} accepted by every
     *     fail-closed sink; failing with the {@link dev.fumidai.TunnelException} that names the hop
     */
    public CompletableFuture<Opened> open(Target target, Source source) {
        if (audit.isRefusing()) {
            Reason r = Reason.of(ReasonCode.AUDIT_FAILURE, "a fail-closed audit sink is failing");
            denied(target, source, r, null);
            return CompletableFuture.failedFuture(new AuditUnavailableException(runtime.where(target),
                    "refused: a fail-closed audit sink is failing", null));
        }
        return open(target, source, runtime.open(target), false);
    }

    private CompletableFuture<Opened> open(Target target, Source source, CompletableFuture<Channel> opening,
            boolean local) {
        if (local && audit.isRefusing()) {
            opening.thenAccept(Channel::close);
            Reason r = Reason.of(ReasonCode.AUDIT_FAILURE, "a fail-closed audit sink is failing");
            denied(target, source, r, null);
            return CompletableFuture.failedFuture(new AuditUnavailableException(runtime.where(target),
                    "refused: a fail-closed audit sink is failing", null));
        }
        Instant started = clock.instant();
        CompletableFuture<Opened> result = new CompletableFuture<>();
        dev.fumidai.internal.route.SharedHopSession last = local ? null : runtime.lastShared();
        dev.fumidai.TunnelEventListener.HopId lastId = last == null ? null : last.id();
        opening.whenComplete((ch, t) -> {
            if (!local) {
                Duration took = Duration.between(started, clock.instant());
                if (t != null) {
                    events.streamOpenFailed(lastId, took, t);
                } else {
                    if (last != null) {
                        last.streamOpened();
                    }
                    events.streamOpened(lastId, took);
                }
            }
            if (t != null) {
                audit.emit(new ForwardOpened(audit.header(), Outcome.FAILURE, RouteRuntime.reasonFor(t), source,
                        targetInfo(target, null, local), runtime.hopInfos(), runtime.lastConnectionId(), null));
                result.completeExceptionally(t);
                return;
            }
            String address = null;
            if ((local || runtime.route().isDirect()) && ch.remoteAddress() instanceof InetSocketAddress) {
                InetSocketAddress ra = (InetSocketAddress) ch.remoteAddress();
                address = ra.getAddress() == null ? null : ra.getAddress().getHostAddress();
            }
            String connectionId = runtime.lastConnectionId();
            String channelId = (connectionId == null ? "direct" : connectionId) + "/ch-" + ch.id().asShortText();
            TargetInfo ti = targetInfo(target, address, local);
            Record rec = new Record(source, ti, connectionId, channelId, started, local ? null : last, !local);
            audit.emitOpening(new ForwardOpened(audit.header(), Outcome.SUCCESS, null, source, ti, runtime.hopInfos(),
                    connectionId, channelId)).whenComplete((v, at) -> {
                        if (at == null) {
                            result.complete(new Opened(ch, rec));
                        } else {
                            ch.close();
                            rec.closed(0, 0, Reason.of(ReasonCode.AUDIT_FAILURE, "fail-closed audit sink failing"));
                            result.completeExceptionally(new AuditUnavailableException(runtime.where(target),
                                    "refused: a fail-closed audit sink did not record the opening", at));
                        }
                    });
        });
        return result;
    }

    /** Records the close of one stream, once. */
    public final class Record {
        private final Source source;
        private final TargetInfo target;
        private final String connectionId;
        private final String channelId;
        private final Instant started;
        private final AtomicBoolean done = new AtomicBoolean();
        private final dev.fumidai.internal.route.SharedHopSession hop;
        private final boolean reported;

        Record(Source source, TargetInfo target, String connectionId, String channelId, Instant started,
                dev.fumidai.internal.route.SharedHopSession hop, boolean reported) {
            this.hop = hop;
            this.reported = reported;
            this.source = source;
            this.target = target;
            this.connectionId = connectionId;
            this.channelId = channelId;
            this.started = started;
        }

        /**
         * Returns the watcher that reports a relay's back-pressure for this stream to the telemetry listener, with the
         * relay's first channel being the local client (its reads carry bytes up): {@link Relay.BackPressure#NONE}
         * for a stream the listener does not hear about (a remote forward's local leg).
         */
        public dev.fumidai.internal.relay.Relay.BackPressure backPressure() {
            if (!reported) {
                return dev.fumidai.internal.relay.Relay.BackPressure.NONE;
            }
            dev.fumidai.TunnelEventListener.HopId id = hop == null ? null : hop.id();
            // nanoTime a pause began, per reader; Relay reports a reader's pause and resume under one lock, in turn
            long[] since = new long[2];
            return new dev.fumidai.internal.relay.Relay.BackPressure() {
                @Override
                public void paused(dev.fumidai.internal.relay.Relay.Ender reader) {
                    since[reader.ordinal()] = System.nanoTime();
                    events.backPressureOn(id, channelId, direction(reader));
                }

                @Override
                public void resumed(dev.fumidai.internal.relay.Relay.Ender reader) {
                    Duration paused = Duration.ofNanos(System.nanoTime() - since[reader.ordinal()]);
                    events.backPressureOff(id, channelId, direction(reader), paused);
                }
            };
        }

        private static dev.fumidai.TunnelEventListener.Direction direction(
                dev.fumidai.internal.relay.Relay.Ender reader) {
            // The first channel is the local client: when its reads pause, bytes going up wait.
            return reader == dev.fumidai.internal.relay.Relay.Ender.FIRST ? dev.fumidai.TunnelEventListener.Direction.UP
                    : dev.fumidai.TunnelEventListener.Direction.DOWN;
        }

        /** Emits {@code forward.close}; later calls do nothing. */
        public void closed(long up, long down, Reason reason) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            bytesUp.addAndGet(up);
            bytesDown.addAndGet(down);
            Instant now = clock.instant();
            if (hop != null) {
                hop.streamClosed(up, down);
            }
            if (reported) {
                events.streamClosed(hop == null ? null : hop.id(), Duration.between(started, now), up, down);
            }
            boolean ok = reason.code() == ReasonCode.CLOSED_BY_CLIENT || reason.code() == ReasonCode.CLOSED_BY_SERVER
                    || reason.code() == ReasonCode.CLOSED_BY_APPLICATION;
            audit.emit(new ForwardClosed(audit.header(), ok ? Outcome.SUCCESS : Outcome.ERROR, reason, source, target,
                    runtime.hopInfos(), connectionId, channelId, started, Duration.between(started, now).toMillis(),
                    up, down));
        }
    }
}
