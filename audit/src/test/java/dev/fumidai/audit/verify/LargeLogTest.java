// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.file.FileAuditSink;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks that the verifier and the file sink's resume read logs in bounded memory: a child JVM with a 32 MiB heap
 * meets a 256 MiB line (a sparse file, so the test costs no disk), which must be reported as too long, not read whole
 * (reading it whole throws {@link OutOfMemoryError} in that heap).
 */
class LargeLogTest {

    private static final long HUGE = 256L << 20;

    @TempDir
    Path tmp;

    /** Writes a sparse file: {@code HUGE} zero bytes, then {@code tail}. */
    private static Path hugeLine(Path file, String tail) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(tail.getBytes(StandardCharsets.US_ASCII)), HUGE);
        }
        return file;
    }

    private static void writeEvents(Path dir, int from, int to) throws IOException {
        try (FileAuditSink sink = FileAuditSink.builder(dir).build()) {
            for (int i = from; i <= to; i++) {
                sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", i)));
            }
        }
    }

    private static List<Path> jsonl(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    private static List<String> runChild(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-cp", System.getProperty("java.class.path"), BoundedMemoryMain.class.getName()));
        cmd.addAll(List.of(args));
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, child.exitValue(), "child failed (see its stderr above); output: " + out);
        return out.lines().toList();
    }

    @Test
    void verifierReportsAHugeLineAndATornHugeLineWithoutReadingThemWhole() throws Exception {
        Path events = tmp.resolve("events");
        writeEvents(events, 1, 3);
        List<Path> segments = jsonl(events);
        Path huge = hugeLine(tmp.resolve("huge.jsonl"), "\n");
        Path torn = hugeLine(tmp.resolve("torn.jsonl"), "x");
        List<String> args = new ArrayList<>(List.of("verify"));
        segments.forEach(p -> args.add(p.toString()));
        args.add(huge.toString());
        args.add(torn.toString());
        List<String> out = runChild(args.toArray(String[]::new));
        assertEquals(List.of("MALFORMED 1 line longer than 1048576",
                "TORN_LINE 1 last line has no line end (" + (HUGE + 1) + " bytes): a write cut short, not a record",
                "STREAM jh-01/file 3"), out);
    }

    @Test
    void sinkResumesPastAHugeLineAndContinuesTheChain() throws Exception {
        Path events = tmp.resolve("events");
        writeEvents(events, 1, 3);
        hugeLine(events.resolve("audit-000002.jsonl"), "\n");
        assertEquals(List.of("RESUMED"), runChild("resume", events.toString(), "4"));
        List<Path> segments = jsonl(events);
        assertEquals(3, segments.size(), segments.toString());
        VerificationReport report = AuditLogVerifier.verify(segments, List.of());
        assertEquals(1, report.findings().size(), report.findings().toString());
        assertEquals(FindingKind.MALFORMED, report.findings().get(0).kind());
        assertEquals(4, report.streams().get(0).lastSeq(), "the resumed sink continued the chain after seq 3");
    }
}
