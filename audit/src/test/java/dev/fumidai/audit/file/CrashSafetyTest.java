// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.json.JsonTree;
import dev.fumidai.audit.testing.LogFixture;
import dev.fumidai.audit.verify.AuditLogVerifier;
import dev.fumidai.audit.verify.FindingKind;
import dev.fumidai.audit.verify.VerificationReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that writes events with fsync per event (SIGKILL, {@code destroyForcibly}) at random moments,
 * several times in a row on the same log, and checks that every event whose {@code accept} had returned is in the
 * file, that the chain verifies across all runs, and that a torn last line is reported as such, not as tampering.
 * A SIGKILL leaves the page cache alone, so this shows the process-crash half of the promise; power loss is not
 * simulated.
 */
class CrashSafetyTest {

    private static final int ROUNDS = 6;

    @TempDir
    Path tmp;

    @Test
    void everyAcceptedEventSurvivesSigkillAndTheChainVerifies() throws Exception {
        KeyPair keys = LogFixture.ed25519();
        Path keyFile = tmp.resolve("key.pk8");
        Files.write(keyFile, keys.getPrivate().getEncoded());
        Path events = tmp.resolve("events");
        Path checkpoints = tmp.resolve("checkpoints");
        Random random = new Random();
        Set<String> acknowledged = new HashSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            // The child's stdout goes to a file: every id it printed is there after SIGKILL (a pipe would be closed
            // by destroyForcibly with unread ids in it).
            Path acks = tmp.resolve("acks-" + round + ".txt");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CrashWriterMain.class.getName(), events.toString(),
                    checkpoints.toString(), keyFile.toString(), Checkpoints.keyId(keys.getPublic()), "jh-crash")
                    .redirectOutput(acks.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                int wanted = 1 + random.nextInt(40);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (completeLines(acks).size() < wanted) {
                    assertTrue(child.isAlive(), "child died before printing " + wanted + " ids");
                    assertTrue(System.nanoTime() < deadline, "child too slow");
                    Thread.sleep(2);
                }
                Thread.sleep(random.nextInt(25));
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
                assertEquals(137, child.exitValue(), "killed by SIGKILL");
            } finally {
                child.destroyForcibly();
            }
            acknowledged.addAll(completeLines(acks));
        }

        Set<String> inFile = new HashSet<>();
        List<Path> all = new ArrayList<>();
        try (var s = Files.list(events)) {
            s.sorted().forEach(all::add);
        }
        for (Path p : all) {
            byte[] bytes = Files.readAllBytes(p);
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    inFile.add(JsonTree.string(JsonTree.parseObject(bytes, start, i - start), "event_id"));
                    start = i + 1;
                }
            }
        }
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(inFile);
        assertTrue(missing.isEmpty(), missing.size() + " acknowledged events missing: " + missing);

        try (var s = Files.list(checkpoints)) {
            s.sorted().forEach(all::add);
        }
        VerificationReport report = AuditLogVerifier.verify(all, List.of(keys.getPublic()));
        assertTrue(report.tampering().isEmpty(), report.findings().toString());
        for (var f : report.of(FindingKind.TORN_LINE)) {
            // a torn line is always the last of its segment
            assertEquals(Files.readAllLines(f.file()).size(), f.line(), f.toString());
        }
        // each round starts a new segment; the chain runs through all of them as one stream
        assertTrue(all.stream().filter(p -> p.startsWith(events)).count() >= ROUNDS);
        assertEquals(1, report.streams().stream().filter(st -> st.streamId().equals("jh-crash/file-main")).count());
        long records = report.streams().stream().filter(st -> st.streamId().equals("jh-crash/file-main"))
                .findFirst().orElseThrow().records();
        assertEquals(inFile.size(), records);
    }

    private static List<String> completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1); // after the last newline: empty or a partly printed id
        return lines;
    }

    /** Makes the torn-line case certain rather than left to timing: a record cut mid-write. */
    @Test
    void aRecordCutMidWriteIsATornLineNotTampering() throws IOException {
        LogFixture fx = new LogFixture(tmp);
        List<dev.fumidai.audit.AuditEvent> evs = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            evs.add(dev.fumidai.audit.testing.SampleEvents.forwardClose(
                    dev.fumidai.audit.testing.SampleEvents.header("jh-01", i)));
        }
        fx.write(evs, 1000, 1 << 20);
        Path seg = fx.eventFiles().get(0);
        byte[] bytes = Files.readAllBytes(seg);
        // cut the last record anywhere but at its end (its trailing newline)
        int lastStart = new String(bytes, StandardCharsets.UTF_8).lastIndexOf('\n', bytes.length - 2) + 1;
        for (int cut = lastStart + 1; cut < bytes.length; cut += 97) {
            Files.write(seg, java.util.Arrays.copyOf(bytes, cut));
            VerificationReport r = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
            assertEquals(1, r.of(FindingKind.TORN_LINE).size(), r.findings().toString());
            // the torn record was covered by the closing checkpoint, so its loss shows as truncation, which is
            // the truth: it is gone. Without that checkpoint only the torn line would be reported.
            assertTrue(r.tampering().stream().allMatch(f -> f.kind() == FindingKind.TRUNCATED), r.findings()
                    .toString());
        }
    }
}
