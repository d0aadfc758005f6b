// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.json.JsonTree;
import dev.fumidai.audit.spool.SpoolingAuditSink;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sends events to a real rsyslogd over RFC 6587 octet-counted TCP, and stops and restarts it mid-stream. */
@Tag("interop")
class SyslogRsyslogInteropTest {

    @TempDir
    Path tmp;

    /** One received message as rsyslog parsed it. */
    record Received(String msgId, String structuredData, String appName, String hostname, String procId, String time,
            int pri, Map<String, Object> json) {
    }

    static List<Received> received(Rsyslog rsyslog) throws IOException {
        List<Received> result = new ArrayList<>();
        for (String line : rsyslog.lines()) {
            String[] f = line.split("\t", 8);
            assertEquals(8, f.length, line);
            byte[] msg = f[7].getBytes(StandardCharsets.UTF_8);
            int off = msg.length >= 3 && (msg[0] & 0xff) == 0xEF && (msg[1] & 0xff) == 0xBB
                    && (msg[2] & 0xff) == 0xBF ? 3 : 0;
            result.add(new Received(f[0], f[1], f[2], f[3], f[4], f[5], Integer.parseInt(f[6]),
                    JsonTree.parseObject(msg, off, msg.length - off)));
        }
        return result;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    static boolean count(Rsyslog r, int n) {
        try {
            return r.lines().size() >= n;
        } catch (IOException e) {
            return false;
        }
    }

    static Map<String, Integer> eventIdCounts(List<Received> got) {
        Map<String, Integer> counts = new HashMap<>();
        for (Received r : got) {
            counts.merge((String) r.json().get("event_id"), 1, Integer::sum);
        }
        return counts;
    }

    static AuditEvent forward(long seq) {
        return SampleEvents.forwardClose(SampleEvents.header("jh-01", seq));
    }

    /** Returns one event of each type, 50 forward closes and one whose session id needs SD escaping. */
    static List<AuditEvent> sampleStream() {
        List<AuditEvent> sent = new ArrayList<>(SampleEvents.oneOfEach("jh-01"));
        for (long i = 100; i < 150; i++) {
            sent.add(forward(i));
        }
        EventHeader base = SampleEvents.header("jh-01", 999);
        sent.add(SampleEvents.forwardClose(new EventHeader(base.eventId(), "jh-01", 999, base.time(),
                base.actor(), base.origin(), "s\"]\\x")));
        return sent;
    }

    /** Asserts that {@link #sampleStream()} arrived in order, each event once, parseable and with its SD intact. */
    static void assertSampleStreamArrived(List<AuditEvent> sent, List<Received> got) {
        assertEquals(sent.size(), got.size());
        Map<String, Integer> counts = eventIdCounts(got);
        for (int i = 0; i < sent.size(); i++) {
            AuditEvent e = sent.get(i);
            Received r = got.get(i);
            assertEquals(1, counts.get(e.header().eventId()), "exactly once: " + e.header().eventId());
            assertEquals(e.header().eventId(), r.json().get("event_id"), "in order");
            assertEquals(e.type().wireName(), r.msgId());
            assertEquals("ops-portal", r.appName());
            assertEquals("jump-client-7", r.hostname());
            assertEquals("4120", r.procId());
            assertEquals(13 * 8 + switch (e.outcome()) {
                case SUCCESS -> 5;
                case FAILURE, DENIED -> 4;
                case ERROR -> 3;
            }, r.pri());
            assertTrue(r.structuredData().startsWith("[fumidai@32473 event_id=\"" + e.header().eventId() + "\""),
                    r.structuredData());
            assertTrue(r.structuredData().contains(" event_type=\"" + e.type().wireName() + "\""));
            assertEquals("jh-01/syslog", r.json().get("stream_id"));
            assertEquals((long) i + 1, r.json().get("seq"));
        }
        Received escaped = got.get(got.size() - 1);
        assertTrue(escaped.structuredData().contains(" session_id=\"s\\\"\\]\\\\x\""), escaped.structuredData());
        assertEquals("s\"]\\x", escaped.json().get("session_id"));
        Received close = got.get(22);
        assertTrue(close.structuredData().contains(" target.host=\"db.internal\" target.address=\"10.2.3.4\""
                + " target.port=\"5432\" target.protocol=\"tcp\""), close.structuredData());
    }

    @Test
    void everyEventArrivesOnceParseableWithStructuredDataIntact() throws Exception {
        try (Rsyslog rsyslog = new Rsyslog(tmp)) {
            rsyslog.start();
            List<AuditEvent> sent = sampleStream();
            try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).build()) {
                for (AuditEvent e : sent) {
                    sink.accept(e);
                }
                await(() -> count(rsyslog, sent.size()), sent.size() + " messages");
            }
            assertSampleStreamArrived(sent, received(rsyslog));
        }
    }

    @Test
    void failClosedSinkRefusesWhileTheCollectorIsDownAndWorksAfterRestart() throws Exception {
        try (Rsyslog rsyslog = new Rsyslog(tmp);
                SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port)
                        .policy(AuditPolicy.FAIL_CLOSED).connectTimeout(Duration.ofSeconds(2)).build()) {
            rsyslog.start();
            sink.accept(forward(1));
            await(() -> count(rsyslog, 1), "first");
            rsyslog.stop();
            await(() -> !sink.isConnected(), "the sink to notice the close");
            // FAIL_CLOSED: accept throws, so the dispatcher refuses the opening this event stands for
            IOException refused = assertThrows(IOException.class, () -> sink.accept(forward(2)));
            assertTrue(refused.getMessage().contains("unreachable"), refused.getMessage());
            rsyslog.start();
            sink.accept(forward(3));
            await(() -> count(rsyslog, 2), "after restart");
            List<Received> got = received(rsyslog);
            assertEquals(List.of(forward(1).header().eventId(), forward(3).header().eventId()),
                    got.stream().map(r -> r.json().get("event_id")).toList());
        }
    }

    @Test
    void spooledSinkLosesNothingAcrossACollectorRestart() throws Exception {
        try (Rsyslog rsyslog = new Rsyslog(tmp)) {
            rsyslog.start();
            SyslogAuditSink syslog = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).policy(AuditPolicy.SPOOL)
                    .connectTimeout(Duration.ofSeconds(1)).build();
            try (SpoolingAuditSink spool = SpoolingAuditSink.builder(tmp.resolve("spool"), syslog)
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build()) {
                for (long i = 1; i <= 20; i++) {
                    spool.accept(forward(i));
                }
                await(() -> count(rsyslog, 20), "first 20");
                rsyslog.stop();
                await(() -> !syslog.isConnected(), "the sink to notice the close");
                for (long i = 21; i <= 40; i++) {
                    spool.accept(forward(i)); // never refused: the spool absorbs the outage
                }
                Thread.sleep(300); // let the spool fail and back off at least once
                rsyslog.start();
                await(() -> spool.pendingBytes() == 0, "the spool to drain");
                await(() -> count(rsyslog, 42), "40 events plus degraded and recovered");
            }
            List<Received> got = received(rsyslog);
            Map<String, Integer> counts = eventIdCounts(got);
            for (long i = 1; i <= 40; i++) {
                assertEquals(1, counts.get(forward(i).header().eventId()), "event " + i + " exactly once");
            }
            List<String> types = got.stream().map(Received::msgId).toList();
            assertEquals(40, types.stream().filter("forward.close"::equals).count());
            assertEquals(1, types.stream().filter("audit.degraded"::equals).count(), types.toString());
            assertEquals(1, types.stream().filter("audit.recovered"::equals).count(), types.toString());
        }
    }

    @Test
    void bestEffortSinkReportsEachLossSoTheGapCanBeDeclared() throws Exception {
        try (Rsyslog rsyslog = new Rsyslog(tmp);
                SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port)
                        .policy(AuditPolicy.BEST_EFFORT).connectTimeout(Duration.ofSeconds(1)).build()) {
            rsyslog.start();
            for (long i = 1; i <= 10; i++) {
                sink.accept(forward(i));
            }
            await(() -> count(rsyslog, 10), "first 10");
            rsyslog.stop();
            await(() -> !sink.isConnected(), "the sink to notice the close");
            long from = -1;
            long to = -1;
            int dropped = 0;
            for (long i = 11; i <= 15; i++) {
                try {
                    sink.accept(forward(i));
                } catch (IOException lost) {
                    // what the dispatcher does for BEST_EFFORT: count the drop and remember the range
                    dropped++;
                    from = from < 0 ? i : from;
                    to = i;
                }
            }
            assertEquals(5, dropped, "every event sent while the collector is down is reported as lost");
            rsyslog.start();
            sink.accept(new AuditGap(SampleEvents.header("jh-01", 16), sink.name(), dropped, from, to));
            sink.accept(forward(17));
            await(() -> count(rsyslog, 12), "gap and next event");
            List<Received> got = received(rsyslog);
            Received gap = got.get(10);
            assertEquals("audit.gap", gap.msgId());
            assertTrue(gap.structuredData().contains(" dropped_count=\"5\" from_seq=\"11\" to_seq=\"15\""),
                    gap.structuredData());
            assertEquals(forward(17).header().eventId(), got.get(11).json().get("event_id"));
        }
    }
}
