// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditDegraded;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditRecovered;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.testing.SampleEvents;
import dev.fumidai.audit.testing.SwitchableSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolingAuditSinkTest {

    @TempDir
    Path tmp;

    private static AuditEvent event(long seq) {
        return SampleEvents.forwardClose(SampleEvents.header("jh-01", seq));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    private static List<Long> forwardSeqs(List<AuditEvent> events) {
        return events.stream().filter(e -> e instanceof ForwardClosed).map(e -> e.header().emitterSeq())
                .collect(Collectors.toList());
    }

    @Test
    void deliversInOrderWhileTheSinkWorks() throws Exception {
        SwitchableSink collector = new SwitchableSink();
        try (SpoolingAuditSink spool = SpoolingAuditSink.builder(tmp, collector).build()) {
            assertEquals(AuditPolicy.SPOOL, spool.policy());
            assertEquals("collector", spool.name());
            for (long i = 1; i <= 50; i++) {
                spool.accept(event(i));
            }
            await(() -> collector.events().size() == 50, "delivery");
            assertEquals(event(7), collector.events().get(6), "events come back equal to what was accepted");
        }
        assertTrue(collector.closed());
    }

    @Test
    void outageIsSpooledThenDeliveredWithDegradedAndRecovered() throws Exception {
        SwitchableSink collector = new SwitchableSink();
        try (SpoolingAuditSink spool = SpoolingAuditSink.builder(tmp, collector)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(40)).build()) {
            spool.accept(event(1));
            await(() -> collector.events().size() == 1, "first event");
            collector.down(true);
            for (long i = 2; i <= 30; i++) {
                spool.accept(event(i)); // never throws: the spool absorbs the outage
            }
            await(() -> collector.refusals() >= 3, "retries");
            assertTrue(spool.pendingBytes() > 0);
            collector.down(false);
            await(() -> forwardSeqs(collector.events()).size() == 30, "recovery");
            List<AuditEvent> got = collector.events();
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), forwardSeqs(got).subList(0, 5));
            assertEquals(30, forwardSeqs(got).stream().distinct().count());
            AuditDegraded degraded = (AuditDegraded) got.get(1);
            assertEquals(ReasonCode.SINK_FAILURE, degraded.reason().code());
            // fixed text by the failure's type; the sink's message ("collector is down") is not copied
            assertEquals("I/O error", degraded.reason().detail());
            AuditRecovered recovered = assertInstanceOf(AuditRecovered.class, got.get(2));
            assertEquals(0, recovered.droppedCount());
            assertEquals(0, spool.pendingBytes());
        }
    }

    /**
     * Failed before the shared Backoff: the drain thread computed {@code maxBackoff.toMillis()} after the first
     * refusal, which throws ArithmeticException for a maximum beyond Long.MAX_VALUE ms ("no cap"), and died; the
     * spool then kept accepting but never delivered again.
     */
    @Test
    void anUnboundedMaximumBackoffKeepsRetrying() throws Exception {
        SwitchableSink collector = new SwitchableSink();
        try (SpoolingAuditSink spool = SpoolingAuditSink.builder(tmp, collector)
                .backoff(Duration.ofMillis(1), ChronoUnit.FOREVER.getDuration()).build()) {
            collector.down(true);
            spool.accept(event(1));
            await(() -> collector.refusals() >= 4, "four refused attempts");
            collector.down(false);
            spool.accept(event(2));
            await(() -> forwardSeqs(collector.events()).equals(List.of(1L, 2L)), "delivery after the outage");
        }
    }

    @Test
    void spooledEventsSurviveARestartAndATornTail() throws Exception {
        SwitchableSink down = new SwitchableSink();
        down.down(true);
        SpoolingAuditSink first = SpoolingAuditSink.builder(tmp, down).backoff(Duration.ofMillis(5),
                Duration.ofMillis(20)).build();
        for (long i = 1; i <= 20; i++) {
            first.accept(event(i));
        }
        first.close(Duration.ZERO); // the collector never came back in this run
        // a crash in the middle of an append leaves a partial line at the end of the segment
        Path segment;
        try (var s = Files.list(tmp)) {
            segment = s.filter(p -> p.getFileName().toString().startsWith("spool-")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        Files.writeString(segment, "{\"schema\":\"fumidai-au", StandardOpenOption.APPEND);

        SwitchableSink up = new SwitchableSink();
        try (SpoolingAuditSink second = SpoolingAuditSink.builder(tmp, up).build()) {
            await(() -> forwardSeqs(up.events()).size() == 20, "replay after restart");
            second.accept(event(21));
            await(() -> forwardSeqs(up.events()).size() == 21, "new event after replay");
        }
        assertEquals(21, forwardSeqs(up.events()).stream().distinct().count());
        try (var s = Files.list(tmp)) {
            assertTrue(s.filter(p -> p.getFileName().toString().startsWith("spool-")).count() <= 2,
                    "delivered segments are deleted");
        }
    }

    @Test
    void fullSpoolDropsAndDeclaresTheGap() throws Exception {
        SwitchableSink collector = new SwitchableSink();
        collector.down(true);
        // every sample event spools as one line of the same length: its JSON and a newline
        long lineSize = new dev.fumidai.audit.json.AuditJsonEncoder(dev.fumidai.audit.json.Redaction.keep())
                .encode(event(1), dev.fumidai.audit.json.ChainStamp.plain("jh-01", 1)).length + 1;
        try (SpoolingAuditSink spool = SpoolingAuditSink.builder(tmp.resolve("spool"), collector)
                .maxSpoolBytes(lineSize * 5 + lineSize / 2).backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .build()) {
            for (long i = 1; i <= 12; i++) {
                spool.accept(event(i)); // 1..5 fit, 6..12 are dropped
            }
            assertEquals(7, spool.dropped());
            // the outage is only seen once the drainer failed a hand-over; without waiting for one, a slow drainer
            // would find the collector up again and (rightly) record no degraded/recovered pair
            await(() -> collector.refusals() > 0, "a refused hand-over");
            collector.down(false);
            await(() -> forwardSeqs(collector.events()).size() == 5, "first five");
            spool.accept(event(13)); // first event after room is made: the gap is declared before it
            await(() -> forwardSeqs(collector.events()).size() == 6, "event 13");
            List<AuditEvent> got = collector.events();
            AuditGap gap = got.stream().filter(e -> e instanceof AuditGap).map(e -> (AuditGap) e).findFirst()
                    .orElseThrow();
            assertEquals(7, gap.droppedCount());
            assertEquals(6, gap.fromSeq());
            assertEquals(12, gap.toSeq());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 13L), forwardSeqs(got));
            AuditRecovered recovered = got.stream().filter(e -> e instanceof AuditRecovered)
                    .map(e -> (AuditRecovered) e).findFirst().orElseThrow();
            assertEquals(7, recovered.droppedCount());
        }
    }

    @Test
    void secondSpoolOnTheSameDirectoryIsRefused() throws IOException {
        try (SpoolingAuditSink first = SpoolingAuditSink.builder(tmp, new SwitchableSink()).build()) {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> SpoolingAuditSink.builder(tmp, new SwitchableSink()).build());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertEquals(AuditPolicy.SPOOL, first.policy());
        }
        SpoolingAuditSink.builder(tmp, new SwitchableSink()).build().close();
    }

    @Test
    void closedSpoolRefuses() throws IOException {
        SpoolingAuditSink spool = SpoolingAuditSink.builder(tmp, new SwitchableSink()).build();
        spool.close();
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> spool.accept(event(1)));
    }
}
