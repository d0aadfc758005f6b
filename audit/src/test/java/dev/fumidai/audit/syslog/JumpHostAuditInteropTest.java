// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.AuditUnavailableException;
import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.file.FileAuditSink;
import dev.fumidai.audit.spool.SpoolingAuditSink;
import dev.fumidai.audit.testing.LogFixture;
import dev.fumidai.audit.verify.AuditLogVerifier;
import dev.fumidai.audit.verify.VerificationReport;
import dev.fumidai.testing.EchoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs real tunnels through a {@link JumpHost} (direct route to an echo server) whose dispatcher feeds the durable
 * sinks, with a real rsyslogd as collector that is stopped and restarted mid-stream: each policy's promise as the
 * application sees it.
 */
@Tag("interop")
class JumpHostAuditInteropTest {

    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private EchoServer echo;
    private Rsyslog rsyslog;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        rsyslog = new Rsyslog(tmp);
        rsyslog.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        rsyslog.close();
        echo.close();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    private List<String> receivedTypes() {
        try {
            return rsyslog.lines().stream().map(l -> l.split("\t", 2)[0]).collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }

    private void tunnel(JumpHost jh) throws IOException {
        try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
            c.outputStream().write(new byte[] {1, 2, 3});
            c.outputStream().flush();
            assertEquals(1, c.inputStream().read());
        }
    }

    private static long count(List<String> types, String type) {
        return types.stream().filter(type::equals).count();
    }

    @Test
    void failClosedRefusesNewTunnelsWhileTheCollectorIsDownAndTheFileLogVerifies() throws Exception {
        LogFixture fx = new LogFixture(tmp.resolve("log"));
        InMemoryAuditSink observer = InMemoryAuditSink.create();
        FileAuditSink checkpoints = fx.checkpointSink();
        SyslogAuditSink syslog = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).policy(AuditPolicy.FAIL_CLOSED)
                .connectTimeout(Duration.ofSeconds(1)).build();
        try (JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:interop").emitterId("jh-fc")
                .ownedAuditSink(fx.eventSink(checkpoints).build()).ownedAuditSink(syslog).auditSink(observer).build()) {
            tunnel(jh);
            await(() -> count(receivedTypes(), "forward.close") == 1, "first tunnel at the collector");
            rsyslog.stop();
            await(() -> !syslog.isConnected(), "the sink to notice the close");
            assertThrows(AuditUnavailableException.class, () -> tunnel(jh), "new tunnels are refused");
            assertThrows(AuditUnavailableException.class, () -> tunnel(jh), "and stay refused");
            rsyslog.start();
            // The dispatcher learns the sink works again from the next event it takes.
            await(() -> {
                try {
                    tunnel(jh);
                    return true;
                } catch (IOException stillRefused) {
                    return false;
                }
            }, "tunnels after the collector is back");
            observer.await(e -> e.type().wireName().equals("audit.recovered"), T);
        }
        checkpoints.close();
        List<String> types = receivedTypes();
        assertTrue(count(types, "forward.close") >= 2, types.toString());
        VerificationReport report = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
        assertTrue(report.intact(), report.findings().toString());
        List<String> fileTypes = new ArrayList<>();
        for (Path p : fx.eventFiles()) {
            for (String line : Files.readAllLines(p)) {
                fileTypes.add((String) LogFixture.member(line, "event_type"));
            }
        }
        assertTrue(fileTypes.contains("forward.denied"), "the refusals are in the tamper-evident log: " + fileTypes);
        assertTrue(fileTypes.contains("audit.degraded") && fileTypes.contains("audit.recovered"), fileTypes.toString());
    }

    @Test
    void spoolLosesNothingAcrossACollectorRestart() throws Exception {
        SyslogAuditSink syslog = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).policy(AuditPolicy.SPOOL)
                .connectTimeout(Duration.ofSeconds(1)).build();
        SpoolingAuditSink spool = SpoolingAuditSink.builder(tmp.resolve("spool"), syslog)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        InMemoryAuditSink observer = InMemoryAuditSink.create();
        try (JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:interop").emitterId("jh-spool")
                .ownedAuditSink(spool).auditSink(observer).build()) {
            tunnel(jh);
            await(() -> count(receivedTypes(), "forward.close") == 1, "first tunnel at the collector");
            rsyslog.stop();
            await(() -> !syslog.isConnected(), "the sink to notice the close");
            for (int i = 0; i < 5; i++) {
                tunnel(jh); // never refused, never lost
            }
            Thread.sleep(300);
            rsyslog.start();
            await(() -> spool.pendingBytes() == 0 && count(receivedTypes(), "forward.close") == 6, "the spool to drain");
            // every event the application saw emitted reached the collector, once
            List<String> emitted = observer.events().stream().map(e -> e.header().eventId()).toList();
            List<String> got = rsyslog.lines().stream().map(l -> l.substring(l.lastIndexOf('\t') + 1))
                    .map(msg -> msg.substring(msg.indexOf("\"event_id\":\"") + 12, msg.indexOf("\"event_id\":\"") + 48))
                    .toList();
            Map<String, Long> counts = got.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
            for (String id : emitted) {
                assertEquals(1L, counts.getOrDefault(id, 0L), "event " + id + " exactly once at the collector");
            }
        }
        List<String> types = receivedTypes();
        assertEquals(1, count(types, "audit.degraded"), types.toString());
        assertEquals(1, count(types, "audit.recovered"), types.toString());
    }

    @Test
    void bestEffortReportsTheGapAtTheCollector() throws Exception {
        SyslogAuditSink syslog = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).policy(AuditPolicy.BEST_EFFORT)
                .connectTimeout(Duration.ofSeconds(1)).build();
        try (JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:interop").emitterId("jh-be")
                .ownedAuditSink(syslog).build()) {
            tunnel(jh);
            await(() -> count(receivedTypes(), "forward.close") == 1, "first tunnel at the collector");
            rsyslog.stop();
            await(() -> !syslog.isConnected(), "the sink to notice the close");
            for (int i = 0; i < 3; i++) {
                tunnel(jh); // tunnels still open; their events are dropped and counted
            }
            rsyslog.start();
            await(() -> {
                try {
                    tunnel(jh);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return receivedTypes().contains("audit.gap");
            }, "the gap at the collector");
        }
        String gap = rsyslog.lines().stream().filter(l -> l.startsWith("audit.gap\t")).findFirst().orElseThrow();
        String sd = gap.split("\t")[1];
        assertTrue(sd.matches(".* dropped_count=\"[1-9][0-9]*\" from_seq=\"[0-9]+\" to_seq=\"[0-9]+\".*"), sd);
        try (Stream<String> s = rsyslog.lines().stream()) {
            assertTrue(s.anyMatch(l -> l.startsWith("forward.close\t")));
        }
    }
}
