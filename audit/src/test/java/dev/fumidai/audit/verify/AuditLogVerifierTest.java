// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.file.ChainHash;
import dev.fumidai.audit.testing.LogFixture;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogVerifierTest {

    @TempDir
    Path tmp;

    private LogFixture fx;
    private List<LogFixture.Line> lines;

    @BeforeEach
    void writeTenEvents() throws IOException {
        fx = new LogFixture(tmp);
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            events.add(i == 6 ? new AuditGap(SampleEvents.header("jh-01", i), "file-main", 2, 40, 41)
                    : SampleEvents.forwardClose(SampleEvents.header("jh-01", i)));
        }
        fx.write(events, 4, 4000);
        lines = fx.readLines();
        assertEquals(10, lines.size());
    }

    private VerificationReport verify() throws IOException {
        return AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
    }

    private VerificationReport verifyEdited() throws IOException {
        fx.writeLines(lines);
        return verify();
    }

    private static void assertOnly(VerificationReport r, FindingKind kind, long seq) {
        assertFalse(r.intact(), r.findings().toString());
        List<Finding> t = r.tampering();
        assertEquals(1, t.size(), t.toString());
        assertEquals(kind, t.get(0).kind(), t.toString());
        assertEquals(seq, t.get(0).seq(), t.toString());
    }

    @Test
    void untouchedLogIsIntactAndTheGapIsDeclared() throws IOException {
        VerificationReport r = verify();
        assertTrue(r.intact(), r.findings().toString());
        List<Finding> gaps = r.of(FindingKind.DECLARED_GAP);
        assertEquals(1, gaps.size());
        assertEquals(6, gaps.get(0).seq());
        assertTrue(gaps.get(0).detail().contains("40..41"), gaps.get(0).detail());
    }

    @Test
    void modifiedContentIsReportedAtItsRecord() throws IOException {
        lines.set(4, new LogFixture.Line(lines.get(4).file(), lines.get(4).text().replace("\"bytes_up\":18211",
                "\"bytes_up\":18")));
        assertOnly(verifyEdited(), FindingKind.MODIFIED, 5);
    }

    @Test
    void modifiedRecordWithRecomputedHashIsReportedAtItsRecord() throws IOException {
        String edited = LogFixture.edit(lines.get(4).text(), "bytes_down", "1", true);
        lines.set(4, new LogFixture.Line(lines.get(4).file(), edited));
        assertOnly(verifyEdited(), FindingKind.MODIFIED, 5);
    }

    @Test
    void rewrittenChainIsCaughtByTheSignedCheckpoint() throws IOException {
        // Edit seq 3 and recompute every hash after it: the chain is consistent again, the checkpoint is not.
        String prev = (String) LogFixture.member(lines.get(1).text(), "hash");
        for (int i = 2; i < lines.size(); i++) {
            String text = lines.get(i).text();
            if (i == 2) {
                text = LogFixture.edit(text, "bytes_down", "1", false);
            }
            text = LogFixture.edit(text, "prev_hash", "\"" + prev + "\"", true);
            prev = (String) LogFixture.member(text, "hash");
            lines.set(i, new LogFixture.Line(lines.get(i).file(), text));
        }
        VerificationReport r = verifyEdited();
        assertFalse(r.intact());
        assertTrue(r.tampering().stream().allMatch(f -> f.kind() == FindingKind.MODIFIED), r.findings().toString());
        assertTrue(r.tampering().stream().anyMatch(f -> f.detail().contains("signed checkpoint")), r.findings()
                .toString());
    }

    @Test
    void deletedRecordIsReportedWithItsSeq() throws IOException {
        lines.remove(6);
        VerificationReport r = verifyEdited();
        assertOnly(r, FindingKind.DELETED, 7);
        assertTrue(r.tampering().get(0).detail().contains("7..7"), r.tampering().toString());
    }

    @Test
    void deletedFirstRecordIsReported() throws IOException {
        lines.remove(0);
        assertOnly(verifyEdited(), FindingKind.DELETED, 1);
    }

    @Test
    void duplicatedLineIsInserted() throws IOException {
        lines.add(7, lines.get(2));
        assertOnly(verifyEdited(), FindingKind.INSERTED, 3);
    }

    @Test
    void forgedRecordWithAValidHashIsInserted() throws IOException {
        String prevHash = (String) LogFixture.member(lines.get(3).text(), "hash");
        String forged = LogFixture.edit(lines.get(4).text(), "prev_hash", "\"" + prevHash + "\"", false);
        forged = LogFixture.edit(forged, "event_id", "\"0190f6c4-6b2e-7c1a-9a57-000000000bad\"", true);
        lines.add(4, new LogFixture.Line(lines.get(4).file(), forged));
        assertOnly(verifyEdited(), FindingKind.INSERTED, 5);
    }

    @Test
    void swappedRecordsAreReordered() throws IOException {
        LogFixture.swapTexts(lines, 3, 4);
        assertOnly(verifyEdited(), FindingKind.REORDERED, 5);
    }

    @Test
    void truncationIsCaughtByTheClosingCheckpoint() throws IOException {
        lines.remove(9);
        lines.remove(8);
        VerificationReport r = verifyEdited();
        assertOnly(r, FindingKind.TRUNCATED, 9);
        assertTrue(r.tampering().get(0).detail().contains("9..10"));
    }

    @Test
    void withoutCheckpointsATruncatedTailIsInvisibleSoRecordsAreUnanchored() throws IOException {
        VerificationReport r = AuditLogVerifier.verify(fx.eventFiles(), List.of(fx.keys.getPublic()));
        assertFalse(r.intact());
        assertTrue(r.tampering().isEmpty());
        assertTrue(r.has(FindingKind.UNANCHORED));
    }

    @Test
    void forgedCheckpointIsBad() throws IOException {
        Path cp = fx.allFiles().get(fx.allFiles().size() - 1);
        List<String> cpLines = new ArrayList<>(Files.readAllLines(cp));
        String last = cpLines.get(cpLines.size() - 1);
        byte[] sig = new byte[64];
        String forged = last.replaceAll("\"signature\":\"[^\"]+\"",
                "\"signature\":\"" + Base64.getEncoder().encodeToString(sig) + "\"");
        forged = LogFixture.edit(forged, "prev_hash", "\"" + LogFixture.member(forged, "prev_hash") + "\"", true);
        cpLines.set(cpLines.size() - 1, forged);
        Files.write(cp, cpLines);
        VerificationReport r = verify();
        assertTrue(r.has(FindingKind.BAD_CHECKPOINT), r.findings().toString());
        assertFalse(r.intact());
    }

    @Test
    void checkpointsFromAnotherKeyAreNotTrusted() throws IOException {
        VerificationReport r = AuditLogVerifier.verify(fx.allFiles(), List.of(LogFixture.ed25519().getPublic()));
        assertTrue(r.has(FindingKind.BAD_CHECKPOINT));
        assertFalse(r.intact());
    }

    @Test
    void garbageLineIsMalformed() throws IOException {
        lines.add(3, new LogFixture.Line(lines.get(3).file(), "{not json"));
        VerificationReport r = verifyEdited();
        assertEquals(FindingKind.MALFORMED, r.tampering().get(0).kind());
    }

    @Test
    void verifyCommandPrintsFindingsAndExitsByResult() throws IOException {
        Path pem = tmp.resolve("audit-key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(fx.keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = {fx.eventDir.toString(), fx.checkpointDir.toString(), "--public-key", pem.toString()};
        assertEquals(0, VerifyCommand.run(args, new PrintStream(out), new PrintStream(err)), err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("INTACT"));

        lines.remove(6);
        fx.writeLines(lines);
        out.reset();
        assertEquals(1, VerifyCommand.run(args, new PrintStream(out), new PrintStream(err)));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("DELETED") && text.contains("seq 7") && text.contains("TAMPERED"), text);

        assertEquals(2, VerifyCommand.run(new String[] {"--public-key"}, new PrintStream(out),
                new PrintStream(err)));
    }

    @Test
    void verifyCommandRunsAsAMainClass() throws Exception {
        Path pem = tmp.resolve("audit-key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(fx.keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), VerifyCommand.class.getName()));
        for (Path p : fx.allFiles()) {
            cmd.add(p.toString());
        }
        cmd.add("--public-key");
        cmd.add(pem.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("DECLARED_GAP") && out.trim().endsWith("INTACT"), out);
    }

    @Test
    void genesisIsZeros() {
        assertEquals(64, ChainHash.GENESIS.length());
    }
}
