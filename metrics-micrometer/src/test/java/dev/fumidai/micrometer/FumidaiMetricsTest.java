// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.micrometer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopStatus;
import dev.fumidai.JumpHost;
import dev.fumidai.ReconnectPolicy;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.testing.EchoServer;
import dev.fumidai.testsupport.EmbeddedBastions;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Drives real tunnels through two embedded MINA bastions and checks that every meter moves as the traffic says:
 * bytes as sent, active streams up then back to 0, connects by outcome (including a failed hop), handshakes,
 * rekeys, reconnects.
 */
class FumidaiMetricsTest {

    private static final Duration T = Duration.ofSeconds(20);

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static double gauge(SimpleMeterRegistry r, String name, String hop) {
        var g = r.find(name).tag("hop", hop).gauge();
        return g == null ? Double.NaN : g.value();
    }

    private static double counter(SimpleMeterRegistry r, String name, String... tags) {
        var c = r.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private static long timerCount(SimpleMeterRegistry r, String name, String... tags) {
        var t = r.find(name).tags(tags).timer();
        return t == null ? 0 : t.count();
    }

    @Test
    void everyMeterMovesAsTheTrafficSays() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FumidaiMetrics metrics = new FumidaiMetrics();
        metrics.bindTo(registry);
        try (EchoServer echo = EchoServer.start();
                EmbeddedBastions b = EmbeddedBastions.builder().bastion("outer")
                        .bastion("inner", "127.0.0.1:" + echo.port()).start()) {
            // The first hop re-keys every 64 KiB, so the traffic below forces rekeys on it.
            SshHop outer = ((SshHop) b.route().hops().get(0)).toBuilder().transportConfig(
                    SshTransportConfig.defaults().toBuilder().rekeyBytes(64 * 1024).build()).build();
            Route route = Route.of(outer, b.route().hops().get(1));
            int streams = 3;
            int size = 200_000;
            try (JumpHost jh = JumpHost.builder().route(route).actor("test:metrics")
                    .auditSink(InMemoryAuditSink.create()).eventListener(metrics).build()) {
                metrics.monitorAudit(jh, "main");
                List<TunnelConnection> open = new ArrayList<>();
                for (int i = 0; i < streams; i++) {
                    open.add(jh.connect(Target.of("127.0.0.1", echo.port()), T));
                }
                assertEquals(streams, gauge(registry, "fumidai.streams.active", "inner"), registry.getMetersAsString());
                assertEquals(1, gauge(registry, "fumidai.hop.sessions.active", "outer"));
                assertEquals(1, gauge(registry, "fumidai.hop.sessions.active", "inner"));
                List<HopStatus> status = jh.status();
                assertEquals(2, status.size());
                assertEquals(streams, status.get(1).openStreams(), status.toString());
                assertNotNull(status.get(0).negotiated(), status.toString());
                assertNotNull(status.get(0).negotiated().kex(), status.toString());
                for (int i = 0; i < streams; i++) {
                    byte[] data = new byte[size];
                    new Random(i).nextBytes(data);
                    TunnelConnection c = open.get(i);
                    c.outputStream().write(data);
                    c.shutdownOutput();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    c.inputStream().transferTo(got);
                    assertArrayEquals(data, got.toByteArray());
                    c.close();
                }
                await(() -> gauge(registry, "fumidai.streams.active", "inner") == 0, "streams.active back to 0");
                await(() -> counter(registry, "fumidai.bytes", "hop", "inner", "direction", "down")
                        == (double) streams * size, "bytes down");
                assertEquals((double) streams * size, counter(registry, "fumidai.bytes", "hop", "inner", "transport",
                        "ssh", "direction", "up"), registry.getMetersAsString());
                assertEquals(1, counter(registry, "fumidai.hop.connects", "hop", "outer", "outcome", "success"));
                assertEquals(1, counter(registry, "fumidai.hop.connects", "hop", "inner", "outcome", "success"));
                assertEquals(0, counter(registry, "fumidai.hop.connects", "outcome", "failure"));
                assertEquals(1, timerCount(registry, "fumidai.handshake", "hop", "outer"));
                assertEquals(1, timerCount(registry, "fumidai.handshake", "hop", "inner"));
                assertEquals(1, timerCount(registry, "fumidai.auth", "hop", "inner", "outcome", "success"));
                assertEquals(streams, timerCount(registry, "fumidai.stream.open", "hop", "inner", "outcome",
                        "success"));
                assertTrue(counter(registry, "fumidai.rekeys", "hop", "outer") >= 1, registry.getMetersAsString());
                assertEquals(counter(registry, "fumidai.rekeys", "hop", "outer"),
                        (double) timerCount(registry, "fumidai.rekey", "hop", "outer"));
                assertEquals(0, counter(registry, "fumidai.rekeys", "hop", "inner"),
                        "the inner hop keeps the default limits");
                assertEquals(0, registry.find("fumidai.audit.dropped").functionCounter().count());
                assertTrue(registry.find("fumidai.audit.queue.depth").gauge().value() >= 0);
                assertEquals(2L * size * streams, jh.status().get(1).bytesUp() + jh.status().get(1).bytesDown());
            }
            await(() -> gauge(registry, "fumidai.hop.sessions.active", "outer") == 0
                    && gauge(registry, "fumidai.hop.sessions.active", "inner") == 0, "sessions.active back to 0");
        }
    }

    @Test
    void aHopThatCannotBeReachedCountsFailedConnectsAndReconnects() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FumidaiMetrics metrics = new FumidaiMetrics();
        metrics.bindTo(registry);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (EmbeddedBastions b = EmbeddedBastions.builder().bastion("gone").start()) {
            SshHop gone = SshHop.builder().address(Target.of("127.0.0.1", closedPort))
                    .hostKeyVerifier(KnownHostsVerifier.of(b.knownHosts())).name("gone").user(b.user())
                    .identity(b.clientKey()).build();
            try (JumpHost jh = JumpHost.builder().route(Route.of(gone)).actor("test:metrics")
                    .auditSink(InMemoryAuditSink.create())
                    .reconnectPolicy(ReconnectPolicy.of(2, Duration.ofMillis(10), Duration.ofMillis(20)))
                    .eventListener(metrics).build()) {
                assertThrows(IOException.class, () -> jh.connect(Target.of("127.0.0.1", 9), T));
                assertEquals(2, counter(registry, "fumidai.hop.connects", "hop", "gone", "transport", "ssh",
                        "outcome", "failure"), registry.getMetersAsString());
                assertEquals(0, counter(registry, "fumidai.hop.connects", "outcome", "success"));
                assertEquals(1, counter(registry, "fumidai.reconnects", "hop", "gone"));
                await(() -> timerCount(registry, "fumidai.stream.open", "hop", "gone", "outcome", "failure") == 1,
                        "a failed stream open");
                HopStatus st = jh.status().get(0);
                assertTrue(!st.connected() && st.lastError() != null, st.toString());
                for (Meter m : registry.getMeters()) {
                    assertTrue(m.getId().getTag("hop") == null || m.getId().getTag("hop").equals("gone"),
                            m.getId().toString());
                }
            }
        }
    }
}
