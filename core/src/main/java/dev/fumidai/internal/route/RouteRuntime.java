package dev.fumidai.internal.route;

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
        this.route = route;
        this.group = group;
        this.direct = new DirectOpener(group, connectTimeout);
        StreamOpener upstream = direct;
        int i = 0;
        for (Hop hop : route.hops()) {
            HopContextImpl ctx = new HopContextImpl(i++, group, upstream, audit, clock, connectTimeout,
                    handshakeTimeout);
            SharedHopSession s = new SharedHopSession(hop, ctx, policy);
            sessions.add(s);
            upstream = s::open;
        }
        long hops = route.hops().size();
        this.openTimeout = connectTimeout.plus(handshakeTimeout).multipliedBy(hops * policy.maxAttempts() + 1);
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

    /** Returns the last hop, or {@code null} for a direct route. */
    public Hop lastHop() {
        return sessions.isEmpty() ? null : sessions.get(sessions.size() - 1).hop();
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
        var timer = group.next().schedule(() -> result.completeExceptionally(new TunnelTimeoutException(
                where(target), "no stream within " + openTimeout.toMillis() + " ms", null)),
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
