// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.json.JsonTree;
import dev.fumidai.audit.json.Redaction;
import dev.fumidai.audit.testing.LogFixture;
import dev.fumidai.audit.testing.SampleEvents;
import dev.fumidai.audit.verify.AuditLogVerifier;
import dev.fumidai.audit.verify.FindingKind;
import dev.fumidai.audit.verify.VerificationReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAuditSinkTest {

    @TempDir
    Path tmp;

    private static List<AuditEvent> events(String emitter, int n) {
        List<AuditEvent> result = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            result.add(SampleEvents.forwardClose(SampleEvents.header(emitter, i)));
        }
        return result;
    }

    private static Map<String, Object> parse(String line) throws IOException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return JsonTree.parseObject(b, 0, b.length);
    }

    @Test
    void writesAChainedLinePerEventThatVerifies() throws IOException {
        LogFixture fx = new LogFixture(tmp);
        fx.write(events("jh-01", 5), 1000, 1 << 20);
        List<LogFixture.Line> lines = fx.readLines();
        assertEquals(5, lines.size());
        String prev = ChainHash.GENESIS;
        for (int i = 0; i < 5; i++) {
            Map<String, Object> rec = parse(lines.get(i).text());
            assertEquals("jh-01/file-main", rec.get("stream_id"));
            assertEquals((long) i + 1, rec.get("seq"));
            assertEquals(prev, rec.get("prev_hash"));
            assertEquals(ChainHash.compute(prev, rec), rec.get("hash"));
            // the line is exactly what the encoder writes for the event with its stamp and hash
            String hash = (String) rec.get("hash");
            assertEquals(new String(new dev.fumidai.audit.json.AuditJsonEncoder(Redaction.keep()).encode(
                    events("jh-01", 5).get(i), new dev.fumidai.audit.json.ChainStamp("jh-01/file-main", i + 1, prev,
                            hash)), StandardCharsets.UTF_8), lines.get(i).text());
            prev = (String) rec.get("hash");
        }
        VerificationReport report = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
        assertTrue(report.intact(), report.findings().toString());
        // open checkpoint (seq 0) and close checkpoint (seq 5)
        assertEquals(5, report.streams().stream().filter(s -> s.streamId().equals("jh-01/file-main")).findFirst()
                .orElseThrow().anchoredSeq());
    }

    @Test
    void checkpointsGoToTheSecondSinkAtOpenEveryNAndClose() throws IOException {
        LogFixture fx = new LogFixture(tmp);
        fx.write(events("jh-01", 7), 3, 1 << 20);
        List<Long> lastSeqs = new ArrayList<>();
        for (Path p : Files.list(fx.checkpointDir).sorted().toList()) {
            for (String line : Files.readAllLines(p)) {
                Map<String, Object> rec = parse(line);
                assertEquals("audit.checkpoint", rec.get("event_type"));
                assertEquals("jh-01/checkpoints", rec.get("stream_id"));
                lastSeqs.add(JsonTree.integer(JsonTree.object(rec, "checkpoint"), "last_seq"));
            }
        }
        assertEquals(List.of(0L, 3L, 6L, 7L), lastSeqs);
        assertTrue(Files.list(fx.eventDir).allMatch(p -> !p.toString().contains("checkpoint")));
    }

    @Test
    void timedCheckpointCoversRecordsWithoutMoreEvents() throws Exception {
        LogFixture fx = new LogFixture(tmp);
        try (FileAuditSink cps = fx.checkpointSink();
                FileAuditSink sink = fx.eventSink(cps).checkpointEvery(0).checkpointInterval(Duration.ofMillis(50))
                        .build()) {
            for (AuditEvent e : events("jh-01", 3)) {
                sink.accept(e);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            VerificationReport report;
            do {
                Thread.sleep(20);
                report = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
            } while (!report.intact() && System.nanoTime() < deadline);
            assertTrue(report.intact(), "timer checkpoint anchors seq 3: " + report.findings());
        }
    }

    @Test
    void rotationBySizeKeepsTheChainAcrossFiles() throws IOException {
        LogFixture fx = new LogFixture(tmp);
        fx.write(events("jh-01", 20), 4, 3000);
        List<Path> files = fx.eventFiles();
        assertTrue(files.size() >= 5, "rotated into " + files);
        for (Path p : files) {
            assertTrue(Files.size(p) <= 3000 || Files.readAllLines(p).size() == 1, p + " too large");
        }
        Map<String, Object> firstOfSecond = parse(Files.readAllLines(files.get(1)).get(0));
        List<String> firstFile = Files.readAllLines(files.get(0));
        assertEquals(parse(firstFile.get(firstFile.size() - 1)).get("hash"), firstOfSecond.get("prev_hash"));
        VerificationReport report = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
        assertTrue(report.intact(), report.findings().toString());
    }

    @Test
    void rotationByTimeStartsANewSegmentForTheFirstRecordAfterTheAge() throws IOException {
        LogFixture fx = new LogFixture(tmp);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T00:00:00Z"));
        try (FileAuditSink cps = fx.checkpointSink();
                FileAuditSink sink = fx.eventSink(cps).rotateAfter(Duration.ofHours(1)).clock(clock).build()) {
            List<AuditEvent> evs = events("jh-01", 4);
            sink.accept(evs.get(0));
            sink.accept(evs.get(1));
            clock.now = clock.now.plus(Duration.ofMinutes(59));
            sink.accept(evs.get(2));
            assertEquals(1, sink.segments().size());
            clock.now = clock.now.plus(Duration.ofMinutes(1));
            sink.accept(evs.get(3));
            assertEquals(2, sink.segments().size());
            assertTrue(sink.currentSegment().getFileName().toString().endsWith("-000002.jsonl"));
        }
        assertTrue(AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic())).intact());
    }

    @Test
    void reopeningContinuesEveryStreamInANewSegment() throws IOException {
        LogFixture fx = new LogFixture(tmp);
        fx.write(events("jh-01", 3), 1000, 1 << 20);
        List<AuditEvent> more = new ArrayList<>();
        for (int i = 4; i <= 6; i++) {
            more.add(SampleEvents.forwardClose(SampleEvents.header("jh-01", i)));
        }
        more.add(SampleEvents.forwardClose(SampleEvents.header("jh-02", 1)));
        fx.write(more, 1000, 1 << 20);
        List<Path> files = fx.eventFiles();
        assertEquals(2, files.size());
        Map<String, Object> resumed = parse(Files.readAllLines(files.get(1)).get(0));
        assertEquals(4L, resumed.get("seq"));
        VerificationReport report = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
        assertTrue(report.intact(), report.findings().toString());
        assertEquals(2, report.streams().stream().filter(s -> s.streamId().endsWith("/file-main")).count());
    }

    @Test
    void tornLastLineIsReportedAsSuchAndTheNextRunGoesOn() throws IOException {
        LogFixture fx = new LogFixture(tmp);
        fx.write(events("jh-01", 3), 1000, 1 << 20);
        Path seg = fx.eventFiles().get(0);
        String torn = Files.readAllLines(seg).get(2).substring(0, 40);
        Files.writeString(seg, torn, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        VerificationReport report = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
        assertEquals(1, report.of(FindingKind.TORN_LINE).size(), report.findings().toString());
        assertEquals(4, report.of(FindingKind.TORN_LINE).get(0).line());
        assertTrue(report.tampering().isEmpty(), report.findings().toString());
        assertTrue(report.intact(), "a torn line is neither tampering nor unanchored");

        List<AuditEvent> more = List.of(SampleEvents.forwardClose(SampleEvents.header("jh-01", 4)));
        fx.write(more, 1000, 1 << 20);
        report = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
        assertTrue(report.tampering().isEmpty(), report.findings().toString());
        assertEquals(1, report.of(FindingKind.TORN_LINE).size());
        assertEquals(4L, parse(Files.readAllLines(fx.eventFiles().get(1)).get(0)).get("seq"));
    }

    @Test
    void everyDurabilitySettingKeepsEveryAcceptedEvent() throws IOException {
        for (Durability d : Durability.values()) {
            LogFixture fx = new LogFixture(tmp.resolve(d.name()));
            fx.durability = d;
            try (FileAuditSink cps = fx.checkpointSink();
                    FileAuditSink sink = fx.eventSink(cps).batchSize(3).checkpointEvery(4).build()) {
                for (AuditEvent e : events("jh-01", 10)) {
                    sink.accept(e);
                }
                sink.flush();
                assertEquals(10, Files.readAllLines(sink.currentSegment()).size(), d.name());
            }
            VerificationReport report = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
            assertTrue(report.intact(), d + ": " + report.findings());
            assertEquals(10, report.streams().get(0).anchoredSeq(), d + ": closing checkpoint covers everything");
        }
    }

    @Test
    void redactionAppliesToTheFile() throws IOException {
        try (FileAuditSink sink = FileAuditSink.builder(tmp).redaction(Redaction.redact()).build()) {
            sink.accept(events("jh-01", 1).get(0));
            String line = Files.readString(sink.currentSegment());
            assertFalse(line.contains("okta|00u1abc"), line);
            assertTrue(line.contains("\"id\":\"[redacted]\""), line);
        }
    }

    @Test
    void secondSinkOnTheSameDirectoryIsRefusedUntilTheFirstCloses() throws IOException {
        FileAuditSink first = FileAuditSink.builder(tmp).build();
        IOException e = assertThrows(IOException.class, () -> FileAuditSink.builder(tmp).build());
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        FileAuditSink.builder(tmp).filePrefix("other").build().close(); // another prefix is another log
        first.close();
        FileAuditSink.builder(tmp).build().close();
    }

    @Test
    void closedSinkRefusesEvents() throws IOException {
        FileAuditSink sink = FileAuditSink.builder(tmp).build();
        sink.close();
        assertThrows(IOException.class, () -> sink.accept(events("jh-01", 1).get(0)));
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
