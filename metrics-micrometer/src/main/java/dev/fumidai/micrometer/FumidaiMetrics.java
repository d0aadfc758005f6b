// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.micrometer;

import dev.fumidai.JumpHost;
import dev.fumidai.TunnelEventListener;
import dev.fumidai.TunnelException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link JumpHost}'s telemetry into Micrometer meters. Register it as the JumpHost's listener and bind it
 * to a registry:
 *
 * <pre>{@code
 * FumidaiMetrics metrics = new FumidaiMetrics();
 * metrics.bindTo(registry);
 * try (JumpHost jh = JumpHost.builder().route(route).actor("svc:app").eventListener(metrics).build()) {
 *     metrics.monitorAudit(jh, "main");
 *     ...
 * }
 * }</pre>
 *
 * <h2>Meters</h2>
 * Every meter but the audit ones is tagged {@code hop} (the hop's name) and {@code transport} ({@code ssh},
 * {@code ssm}, {@code command}); streams of a direct route are tagged {@code hop=direct, transport=direct}. Streams
 * count at the route's last hop. Tags stay low-cardinality: no target, user or address.
 * <ul>
 * <li>{@code fumidai.streams.active} (gauge): streams open now;
 * <li>{@code fumidai.hop.sessions.active} (gauge): hop sessions connected now;
 * <li>{@code fumidai.bytes} (counter, bytes, tag {@code direction=up|down}): bytes carried by closed streams,
 *     {@code up} toward targets;
 * <li>{@code fumidai.hop.connects} (counter, tag {@code outcome=success|failure}): hop connect attempts;
 * <li>{@code fumidai.reconnects} (counter): connect attempts scheduled after a failure;
 * <li>{@code fumidai.handshake} (timer): protocol handshakes (key exchange and host key check);
 * <li>{@code fumidai.auth} (timer, tag {@code outcome}): authentications;
 * <li>{@code fumidai.rekeys} (counter) and {@code fumidai.rekey} (timer): key re-exchanges;
 * <li>{@code fumidai.stream.open} (timer, tag {@code outcome}): time to open a stream through the route;
 * <li>{@code fumidai.backpressure.pauses} (counter, tag {@code direction=up|down}): times a relayed stream stopped
 *     reading because the other side could not take more (a slow local reader for {@code down});
 * <li>{@code fumidai.audit.queue.depth} (gauge) and {@code fumidai.audit.dropped} (function counter), tagged
 *     {@code jumphost}, once {@link #monitorAudit} is called.
 * </ul>
 *
 * <h2>Threading</h2>
 * Thread-safe. The callbacks only update meters: they never block. Events before the first {@link #bindTo} move
 * the gauges but no counters or timers.
 */
public final class FumidaiMetrics implements TunnelEventListener, MeterBinder {

    private static final HopId DIRECT = new HopId(-1, "direct", "direct");

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Map<Key, AtomicInteger> activeStreams = new ConcurrentHashMap<>();
    private final Map<Key, AtomicInteger> activeSessions = new ConcurrentHashMap<>();
    private final Map<String, JumpHost> audited = new ConcurrentHashMap<>();

    private record Key(String hop, String transport) {
        Tags tags() {
            return Tags.of("hop", hop, "transport", transport);
        }
    }

    /** Creates the binder; bind it to one or more registries. */
    public FumidaiMetrics() {
    }

    private static Key key(@Nullable HopId hop) {
        HopId h = hop == null ? DIRECT : hop;
        return new Key(h.name(), h.transport());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        registries.add(registry);
        activeStreams.forEach((k, v) -> gauge(registry, "fumidai.streams.active", "streams open now", k, v));
        activeSessions.forEach((k, v) -> gauge(registry, "fumidai.hop.sessions.active", "hop sessions connected now",
                k, v));
        audited.forEach((name, jh) -> auditMeters(registry, name, jh));
    }

    /**
     * Adds gauges of a JumpHost's audit queue: {@code fumidai.audit.queue.depth} and {@code fumidai.audit.dropped},
     * tagged {@code jumphost=name}. The meters hold the JumpHost until the registry is closed or the meters
     * removed.
     */
    public void monitorAudit(JumpHost jh, String name) {
        Objects.requireNonNull(jh, "jh");
        Objects.requireNonNull(name, "name");
        if (audited.putIfAbsent(name, jh) == null) {
            registries.forEach(r -> auditMeters(r, name, jh));
        }
    }

    private static void auditMeters(MeterRegistry r, String name, JumpHost jh) {
        Gauge.builder("fumidai.audit.queue.depth", jh, JumpHost::auditQueueDepth)
                .description("audit events waiting for the sinks").tag("jumphost", name).strongReference(true)
                .register(r);
        FunctionCounter.builder("fumidai.audit.dropped", jh, j -> j.auditQueueDrops())
                .description("audit events dropped on a full queue").tag("jumphost", name).register(r);
    }

    private static void gauge(MeterRegistry r, String name, String description, Key k, AtomicInteger value) {
        Gauge.builder(name, value, AtomicInteger::get).description(description).tags(k.tags()).strongReference(true)
                .register(r);
    }

    private AtomicInteger level(Map<Key, AtomicInteger> levels, String name, String description, HopId hop) {
        return levels.computeIfAbsent(key(hop), k -> {
            AtomicInteger v = new AtomicInteger();
            registries.forEach(r -> gauge(r, name, description, k, v));
            return v;
        });
    }

    private void count(String name, @Nullable HopId hop, double amount, String... tags) {
        Tags t = key(hop).tags().and(tags);
        for (MeterRegistry r : registries) {
            r.counter(name, t).increment(amount);
        }
    }

    private void bytes(HopId hop, long n, String direction) {
        Tags t = key(hop).tags().and("direction", direction);
        for (MeterRegistry r : registries) {
            Counter.builder("fumidai.bytes").baseUnit("bytes").description("bytes carried by closed streams")
                    .tags(t).register(r).increment(n);
        }
    }

    private void time(String name, HopId hop, Duration d, String... tags) {
        Tags t = key(hop).tags().and(tags);
        for (MeterRegistry r : registries) {
            Timer.builder(name).tags(t).register(r).record(d);
        }
    }

    @Override
    public void hopConnectEnd(HopId hop, Duration took) {
        count("fumidai.hop.connects", hop, 1, "outcome", "success");
        level(activeSessions, "fumidai.hop.sessions.active", "hop sessions connected now", hop).incrementAndGet();
    }

    @Override
    public void hopConnectFailed(HopId hop, Duration took, TunnelException cause, boolean willRetry) {
        count("fumidai.hop.connects", hop, 1, "outcome", "failure");
    }

    @Override
    public void hopDisconnected(HopId hop, Duration connectedFor, @Nullable Throwable cause) {
        level(activeSessions, "fumidai.hop.sessions.active", "hop sessions connected now", hop).decrementAndGet();
    }

    @Override
    public void reconnectAttempt(HopId hop, int attempt, Duration backoff) {
        count("fumidai.reconnects", hop, 1);
    }

    @Override
    public void handshakeEnd(HopId hop, Duration took, @Nullable Algorithms negotiated) {
        time("fumidai.handshake", hop, took);
    }

    @Override
    public void authEnd(HopId hop, boolean success, Duration took) {
        time("fumidai.auth", hop, took, "outcome", success ? "success" : "failure");
    }

    @Override
    public void rekeyEnd(HopId hop, Duration took) {
        count("fumidai.rekeys", hop, 1);
        time("fumidai.rekey", hop, took);
    }

    @Override
    public void streamOpened(@Nullable HopId lastHop, Duration took) {
        level(activeStreams, "fumidai.streams.active", "streams open now", lastHop).incrementAndGet();
        time("fumidai.stream.open", lastHop, took, "outcome", "success");
    }

    @Override
    public void streamOpenFailed(@Nullable HopId lastHop, Duration took, Throwable cause) {
        time("fumidai.stream.open", lastHop, took, "outcome", "failure");
    }

    @Override
    public void backPressureOn(@Nullable HopId lastHop, String streamId, Direction direction) {
        count("fumidai.backpressure.pauses", lastHop, 1, "direction",
                direction == Direction.UP ? "up" : "down");
    }

    @Override
    public void streamClosed(@Nullable HopId lastHop, Duration open, long bytesUp, long bytesDown) {
        level(activeStreams, "fumidai.streams.active", "streams open now", lastHop).decrementAndGet();
        bytes(lastHop, bytesUp, "up");
        bytes(lastHop, bytesDown, "down");
    }
}
