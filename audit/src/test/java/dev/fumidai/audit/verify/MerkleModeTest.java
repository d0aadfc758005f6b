// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.file.Checkpoints;
import dev.fumidai.audit.file.FileAuditSink;
import dev.fumidai.audit.file.MerkleTree;
import dev.fumidai.audit.json.CanonicalJson;
import dev.fumidai.audit.json.JsonTree;
import dev.fumidai.audit.testing.LogFixture;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes logs in Merkle mode (audit schema §3.3) and checks that every checkpoint carries the RFC 9162 root of its
 * window, that the verifier recomputes it (across rotation and a restart), that one record can be proven covered by
 * an inclusion proof, and that a signed root that does not match the records is reported.
 */
class MerkleModeTest {

    @TempDir
    Path tmp;

    private LogFixture fx;

    @BeforeEach
    void fixture() {
        fx = new LogFixture(tmp);
    }

    private void write(long fromSeq, long toSeq) throws IOException {
        try (FileAuditSink cps = fx.checkpointSink();
                FileAuditSink sink = fx.eventSink(cps).merkleTree(true).checkpointEvery(4).rotateAfterBytes(5000)
                        .build()) {
            for (long i = fromSeq; i <= toSeq; i++) {
                sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", i)));
            }
        }
    }

    private static Map<String, Object> tree(String line) throws IOException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return JsonTree.parseObject(b, 0, b.length);
    }

    /** Returns the checkpoint objects of the event stream, in order. */
    private List<Map<String, Object>> checkpoints() throws IOException {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Path p : fx.allFiles()) {
            if (!p.startsWith(fx.checkpointDir)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                Map<String, Object> cp = JsonTree.object(tree(line), "checkpoint");
                if (cp != null && "jh-01/file-main".equals(cp.get("stream_id"))) {
                    result.add(cp);
                }
            }
        }
        return result;
    }

    private VerificationReport verify() throws IOException {
        return AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
    }

    @Test
    void everyCheckpointSignsTheRootOfItsWindowAndTheLogVerifies() throws IOException {
        write(1, 10);
        List<Map<String, Object>> cps = checkpoints();
        // at open (empty), after 4 and 8 records, at close
        assertEquals(List.of(0L, 1L, 5L, 9L), cps.stream().map(c -> c.get("first_seq")).toList());
        assertEquals(List.of(0L, 4L, 8L, 10L), cps.stream().map(c -> c.get("last_seq")).toList());
        assertEquals(HexFormat.of().formatHex(MerkleTree.emptyRoot()), cps.get(0).get("tree_root"));
        List<LogFixture.Line> lines = fx.readLines();
        List<byte[]> window = new ArrayList<>();
        for (int i = 4; i < 8; i++) {
            window.add(MerkleTree.recordLeafHash((String) LogFixture.member(lines.get(i).text(), "hash")));
        }
        assertEquals(HexFormat.of().formatHex(MerkleTree.root(window)), cps.get(2).get("tree_root"));
        assertTrue(fx.eventFiles().size() > 1, "rotated: " + fx.eventFiles());
        VerificationReport r = verify();
        assertTrue(r.intact(), r.findings().toString());
    }

    @Test
    void anAuditorProvesOneRecordCoveredWithAnInclusionProof() throws IOException {
        write(1, 10);
        Map<String, Object> cp = checkpoints().get(2); // seq 5..8
        List<LogFixture.Line> lines = fx.readLines();
        List<byte[]> window = new ArrayList<>();
        for (int i = 4; i < 8; i++) {
            window.add(MerkleTree.recordLeafHash((String) LogFixture.member(lines.get(i).text(), "hash")));
        }
        // The auditor holds seq 7 and its proof, not the other records of the window.
        List<byte[]> proof = MerkleTree.inclusionProof(window, 2);
        assertEquals(2, proof.size());
        byte[] root = HexFormat.of().parseHex((String) cp.get("tree_root"));
        String record = lines.get(6).text();
        assertEquals(7L, LogFixture.member(record, "seq"));
        assertTrue(MerkleTree.verifyInclusion(7 - 5, 8 - 5 + 1, MerkleTree.recordLeafHash(
                (String) LogFixture.member(record, "hash")), proof, root));
        String edited = LogFixture.edit(record, "bytes_down", "1", true);
        assertFalse(MerkleTree.verifyInclusion(2, 4, MerkleTree.recordLeafHash(
                (String) LogFixture.member(edited, "hash")), proof, root), "a rewritten record is not covered");
    }

    @Test
    void theFirstCheckpointAfterARestartCoversTheStreamFromTheStart() throws IOException {
        write(1, 5);
        write(6, 9);
        List<Map<String, Object>> cps = checkpoints();
        Map<String, Object> resumed = cps.stream().filter(c -> c.get("first_seq").equals(1L)
                && c.get("last_seq").equals(5L)).findFirst().orElse(null);
        assertNotNull(resumed, cps.toString());
        VerificationReport r = verify();
        assertTrue(r.intact(), r.findings().toString());
        assertEquals(9, r.streams().stream().filter(s -> s.streamId().equals("jh-01/file-main")).findFirst()
                .orElseThrow().anchoredSeq());
    }

    @Test
    void aSignedRootThatDoesNotMatchItsRecordsIsReported() throws Exception {
        write(1, 10);
        // Re-sign the closing checkpoint (seq 9..10) over a wrong tree root: the chain heads all match, only the
        // tree check can see it.
        Path cpFile = fx.allFiles().get(fx.allFiles().size() - 1);
        List<String> cpLines = new ArrayList<>(Files.readAllLines(cpFile));
        int idx = cpLines.size() - 1;
        Map<String, Object> rec = new LinkedHashMap<>(tree(cpLines.get(idx)));
        Map<String, Object> cp = new LinkedHashMap<>(JsonTree.object(rec, "checkpoint"));
        assertEquals(10L, cp.get("last_seq"));
        String wrongRoot = HexFormat.of().formatHex(MerkleTree.root(List.of(MerkleTree.leafHash(new byte[32]))));
        cp.put("tree_root", wrongRoot);
        cp.put("signature", Checkpoints.sign(fx.keys.getPrivate(), Checkpoints.signedBytes((String) cp.get(
                "stream_id"), (Long) cp.get("first_seq"), (Long) cp.get("last_seq"), (String) cp.get("chain_head"),
                wrongRoot, (String) cp.get("key_id"), (String) rec.get("time"))));
        rec.put("checkpoint", cp);
        rec.remove("hash");
        rec.put("hash", dev.fumidai.audit.file.ChainHash.compute((String) rec.get("prev_hash"), rec));
        cpLines.set(idx, CanonicalJson.toString(rec));
        Files.write(cpFile, cpLines);
        VerificationReport r = verify();
        assertFalse(r.intact());
        List<Finding> t = r.tampering();
        assertEquals(1, t.size(), r.findings().toString());
        assertEquals(FindingKind.MODIFIED, t.get(0).kind());
        assertEquals(9, t.get(0).seq());
        assertTrue(t.get(0).detail().contains("Merkle tree_root"), t.get(0).detail());
    }
}
