// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.route;

import dev.fumidai.HopUnreachableException;
import dev.fumidai.ReconnectPolicy;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelException;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.Reason;
import dev.fumidai.spi.AuditEmitter;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.Hops;
import dev.fumidai.spi.StreamOpener;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Route}: one {@link SharedHopSession} per hop, each reaching its hop through the one before (the
 * first through direct TCP), and the target through the last.
 */
public final class RouteRuntime {

    private final Route route;
    private final DirectOpener direct;
    private final List<SharedHopSession> sessions = new ArrayList<>();
    private final EventLoopGroup group;
    private final Duration openTimeout;

    /** Builds the runtime; nothing connects until the first open. */
    public RouteRuntime(Route route, EventLoopGroup group, AuditEmitter audit, Clock clock, Duration connectTimeout,
            Duration handshakeTimeout, ReconnectPolicy policy) {
        this(route, group, audit, clock, connectTimeout, handshakeTimeout, policy,
                dev.fumidai.TunnelEventListener.NONE);
    }

    /** Builds the runtime reporting telemetry to a (guarded) listener; nothing connects until the first open. */
    public RouteRuntime(Route route, EventLoopGroup group, AuditEmitter audit, Clock clock, Duration connectTimeout,
            Duration handshakeTimeout, ReconnectPolicy policy, dev.fumidai.TunnelEventListener events) {
        this.route = route;
        this.group = group;
        this.direct = new DirectOpener(group, connectTimeout);
        StreamOpener upstream = direct;
        boolean ownLoops = hopsOnOwnLoops();
        int i = 0;
        for (Hop hop : route.hops()) {
            StreamOpener toHop = i == 0 || !ownLoops ? upstream : onOwnLoop(upstream, group);
            HopContextImpl ctx = new HopContextImpl(i, group, reaching(hop, i, toHop), audit, clock,
                    connectTimeout, handshakeTimeout, events);
            SharedHopSession s = new SharedHopSession(hop, ctx, policy);
            sessions.add(s);
            upstream = s::open;
            i++;
        }
        long hops = route.hops().size();
        this.openTimeout = connectTimeout.plus(handshakeTimeout).multipliedBy(hops * policy.maxAttempts() + 1);
    }

    /**
     * Names the system property that says whether each hop after the first runs its transport on its own event loop
     * (issue 14): {@code own} (whenever the group has another loop), {@code shared} (every hop on the loop of the
     * stream it runs over, as before), or {@code auto}, the default: {@code own} on a machine with more than two
     * CPUs. On two CPUs, measured on a busy 2-vCPU machine in one JVM, two hops on one loop moved more bytes per
     * second than two hops on two loops (the two {@code sshd}s and the application already use both CPUs, and each
     * batch then crosses threads twice); see benchmarks/README.md. Read when a {@code JumpHost} is built.
     */
    public static final String HOP_LOOPS_PROPERTY = "fumidai.hopLoops";

    /** Returns whether hops after the first get their own loop, from {@link #HOP_LOOPS_PROPERTY}. */
    static boolean hopsOnOwnLoops() {
        String v = System.getProperty(HOP_LOOPS_PROPERTY, "auto");
        return switch (v) {
            case "own" -> true;
            case "shared" -> false;
            default -> Runtime.getRuntime().availableProcessors() > 2;
        };
    }

    /**
     * Returns an opener whose streams are moved (by a {@link LoopBridge}) to a loop of the group other than the
     * upstream stream's, when the group has one: a hop after the first runs its transport (packet codec, crypto)
     * over a stream of the hop before, which lives on that hop's loop, so without the move every hop of a route
     * would share one thread (issue 14). The bridge adds no round trip: only tasks between the two loops.
     */
    private static StreamOpener onOwnLoop(StreamOpener upstream, EventLoopGroup group) {
        return address -> upstream.open(address).thenCompose(ch -> {
            io.netty.channel.EventLoop loop = LoopBridge.pick(group, ch);
            return loop == null ? CompletableFuture.completedFuture(ch) : LoopBridge.bridge(ch, loop);
        });
    }

    /**
     * Returns the upstream a hop connects through, reporting a refused stream to the hop's address as the hop's
     * failure: the opener before it (direct TCP or the previous hop) sees the hop's address as its target and
     * says {@link TargetUnreachableException}, but for the route that stream is the way to a hop, so a caller
     * must see {@link HopUnreachableException} naming the hop it could not reach (STYLE.md rule 6). Only the
     * last opener's refusal, to the route's target, stays a {@code TargetUnreachableException}. By induction no
     * other {@code TargetUnreachableException} comes out of an upstream: an earlier hop's own failure is already
     * its {@code HopUnreachableException} (or handshake, authentication, timeout failure) and passes unchanged.
     */
    private static StreamOpener reaching(Hop hop, int index, StreamOpener upstream) {
        return address -> {
            CompletableFuture<Channel> f;
            try {
                f = upstream.open(address);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            CompletableFuture<Channel> out = new CompletableFuture<>();
            f.whenComplete((ch, t) -> {
                if (t == null) {
                    out.complete(ch);
                    return;
                }
                Throwable c = SharedHopSession.unwrap(t);
                if (c instanceof TargetUnreachableException e) {
                    c = new HopUnreachableException(Hops.describe(hop), reach(hop, address, e), e)
                            .locate(hop.name(), index, null);
                }
                out.completeExceptionally(c);
            });
            return out;
        };
    }

    /**
     * Says how reaching a hop failed: {@code cannot connect: <why>} for direct TCP, {@code unreachable through
     * <previous hop>: <why>} when the hop before it refused the stream.
     */
    private static String reach(Hop hop, Target address, TunnelException e) {
        String w = e.where();
        int arrow = w.lastIndexOf(" => ");
        String from = arrow < 0 ? w : w.substring(0, arrow);
        String to = hop.address() == null ? " to " + address : "";
        return (from.isEmpty() || from.equals("direct") ? "cannot connect" + to
                : "unreachable" + to + " through " + from) + ": " + what(e);
    }

    /** Returns the part of a tunnel exception's message after its location. */
    private static String what(TunnelException e) {
        String m = String.valueOf(e.getMessage());
        String prefix = e.where() + ": ";
        return !e.where().isEmpty() && m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    /** Returns the route. */
    public Route route() {
        return route;
    }

    /** Returns each hop's description, as connected so far. */
    public List<HopInfo> hopInfos() {
        List<HopInfo> out = new ArrayList<>(sessions.size());
        for (SharedHopSession s : sessions) {
            out.add(s.info());
        }
        return out;
    }

    /** Returns the connection id of the last hop's live session, or {@code null} (direct routes). */
    public String lastConnectionId() {
        return sessions.isEmpty() ? null : sessions.get(sessions.size() - 1).connectionId();
    }

    /** Returns the last hop's shared session, or {@code null} for a direct route. */
    public SharedHopSession lastShared() {
        return sessions.isEmpty() ? null : sessions.get(sessions.size() - 1);
    }

    /** Returns a snapshot of every hop's session, first hop first. */
    public List<dev.fumidai.HopStatus> status() {
        List<dev.fumidai.HopStatus> out = new ArrayList<>(sessions.size());
        for (SharedHopSession s : sessions) {
            out.add(s.status());
        }
        return List.copyOf(out);
    }

    /** Returns the last hop, or {@code null} for a direct route. */
    public Hop lastHop() {
        return sessions.isEmpty() ? null : sessions.get(sessions.size() - 1).hop();
    }

    /** Returns the opener of local connections (this machine's TCP and Unix sockets), e.g. remote forward targets. */
    public DirectOpener direct() {
        return direct;
    }

    /**
     * Returns the last hop's live session, connecting the route first when needed (under the reconnect policy), or
     * {@code null} for a direct route. For operations on the hop itself: exec, remote forwards.
     */
    public CompletableFuture<dev.fumidai.spi.HopSession> lastSession() {
        return sessions.isEmpty() ? null : sessions.get(sessions.size() - 1).session();
    }

    /**
     * Opens a stream to a target through the whole route, with an overall time limit.
     *
     * @return a future failing with a {@link TunnelException} that names the hop
     */
    public CompletableFuture<Channel> open(Target target) {
        CompletableFuture<Channel> f = sessions.isEmpty() ? direct.open(target)
                : sessions.get(sessions.size() - 1).open(target);
        CompletableFuture<Channel> result = new CompletableFuture<>();
        Hop lastHop = lastHop();
        var timer = group.next().schedule(() -> result.completeExceptionally(new TunnelTimeoutException(
                where(target), "no stream within " + openTimeout.toMillis() + " ms", null)
                .locate(lastHop == null ? null : lastHop.name(), sessions.size() - 1, target)),
                openTimeout.toMillis(), TimeUnit.MILLISECONDS);
        f.whenComplete((ch, t) -> {
            timer.cancel(false);
            if (t == null) {
                if (!result.complete(ch)) {
                    ch.close();
                }
            } else {
                Throwable c = SharedHopSession.unwrap(t);
                if (!(c instanceof TunnelException)) {
                    c = new TargetUnreachableException(where(target), String.valueOf(c.getMessage()), c);
                }
                if (c instanceof TargetUnreachableException || sessions.isEmpty()) {
                    // Per stream (a refused target, or any failure of a direct route): it names the target.
                    ((TunnelException) c).locate(lastHop == null ? null : lastHop.name(), sessions.size() - 1,
                            target);
                }
                result.completeExceptionally(c);
            }
        });
        return result;
    }

    /**
     * Connects every hop's shared session (the last hop's connect reaches it through all the others), without
     * opening a stream, with the same overall time limit as {@link #open}. Sessions stay up for later streams.
     *
     * @return a future failing with the {@link TunnelException} that names the hop; complete at once for a
     *     direct route
     */
    public CompletableFuture<Void> connectHops() {
        if (sessions.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        SharedHopSession last = sessions.get(sessions.size() - 1);
        CompletableFuture<Void> result = new CompletableFuture<>();
        var timer = group.next().schedule(() -> result.completeExceptionally(new TunnelTimeoutException(
                Hops.describe(last.hop()), "hops not connected within " + openTimeout.toMillis() + " ms", null)),
                openTimeout.toMillis(), TimeUnit.MILLISECONDS);
        last.session().whenComplete((s, t) -> {
            timer.cancel(false);
            if (t == null) {
                result.complete(null);
            } else {
                Throwable c = SharedHopSession.unwrap(t);
                if (!(c instanceof TunnelException)) {
                    c = new HopUnreachableException(Hops.describe(last.hop()), String.valueOf(c.getMessage()), c);
                }
                result.completeExceptionally(c);
            }
        });
        return result;
    }

    /** Returns the hop and target part of a message for this route. */
    public String where(Target target) {
        Hop last = lastHop();
        return last == null ? "direct => " + target : Hops.describe(last, target);
    }

    /** Maps a failure to an audit reason. */
    public static Reason reasonFor(Throwable t) {
        return SharedHopSession.reasonFor(SharedHopSession.unwrap(t));
    }

    /** Closes every hop session, last hop first. */
    public CompletableFuture<Void> close() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = sessions.size() - 1; i >= 0; i--) {
            all.add(sessions.get(i).close());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0]));
    }
}
