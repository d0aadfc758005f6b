// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import dev.fumidai.audit.file.ChainHash;
import dev.fumidai.audit.file.Checkpoints;
import dev.fumidai.audit.file.MerkleTree;
import dev.fumidai.audit.internal.LineReader;
import dev.fumidai.audit.json.JsonTree;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks tamper-evident audit logs written by {@link dev.fumidai.audit.file.FileAuditSink} against their hash
 * chains (audit schema §3.1) and signed checkpoints (§3.2), and reports precisely what does not hold.
 *
 * <h2>Input</h2>
 * The event segments and the checkpoint sink's files, in any mix: records are grouped by {@code stream_id}, and
 * within a stream, files are read in the order given (pass rotated segments oldest first; names sort that way).
 * Every record with {@code event_type} {@code audit.checkpoint} is taken as a checkpoint of the stream it names.
 *
 * <h2>Memory</h2>
 * Files are read line by line: a line holds at most {@link #MAX_LINE_BYTES} in memory, and a longer one (or a file
 * with no line end at all) is counted and skipped, not buffered. The chain analysis needs every record's
 * {@code seq}, {@code prev_hash} and {@code hash} at once (a reordered or forked record can only be placed once the
 * rest is known), so memory grows with the number of records, a few hundred bytes each, not with their size; only
 * {@code audit.gap} and {@code audit.checkpoint} records are kept whole.
 *
 * <h2>What is found</h2>
 * <ul>
 *   <li>a record whose {@code hash} does not match its content: {@link FindingKind#MODIFIED};</li>
 *   <li>a missing successor in the chain: {@link FindingKind#DELETED} (with the missing seq range);</li>
 *   <li>a record not on the chain (duplicate line, forged record, dead-end branch): {@link FindingKind#INSERTED};</li>
 *   <li>chain records out of order: {@link FindingKind#REORDERED};</li>
 *   <li>a checkpoint's head beyond the last record present: {@link FindingKind#TRUNCATED}, and a checkpoint whose
 *       head differs from the record at its seq (the chain was rewritten): {@link FindingKind#MODIFIED};</li>
 *   <li>in Merkle mode, records of a checkpoint's window that do not hash to its signed {@code tree_root}
 *       ({@link MerkleTree}): {@link FindingKind#MODIFIED};</li>
 *   <li>an invalid or unknown-key checkpoint: {@link FindingKind#BAD_CHECKPOINT};</li>
 *   <li>a file whose last line has no line end: {@link FindingKind#TORN_LINE}, a crash artefact, not tampering;</li>
 *   <li>{@code audit.gap} records: {@link FindingKind#DECLARED_GAP}, a gap, not tampering;</li>
 *   <li>records after the last valid checkpoint of their stream (appended, or written after it before a crash):
 *       {@link FindingKind#UNANCHORED}. Streams made only of checkpoints (the checkpoint sink's own) need none.</li>
 * </ul>
 * A chain can only show where it breaks; the classification names the simplest edit that explains the break.
 *
 * <h2>Threading</h2>
 * Stateless; safe from any thread.
 */
public final class AuditLogVerifier {

    /**
     * Is the longest line read: far above any event this library writes; a longer line is malformed, and is skipped
     * to its line end without being held in memory.
     */
    public static final int MAX_LINE_BYTES = LineReader.MAX_RECORD_BYTES;

    private AuditLogVerifier() {
    }

    /**
     * Verifies files against the given public keys.
     *
     * @param files event segments and checkpoint files; within a stream, oldest first
     * @param keys the Ed25519 public keys checkpoints may be signed with; empty checks the chains only
     * @throws IOException if a file cannot be read
     */
    public static VerificationReport verify(List<Path> files, Collection<PublicKey> keys) throws IOException {
        List<Finding> findings = new ArrayList<>();
        Map<String, List<Rec>> streams = new LinkedHashMap<>();
        for (Path file : files) {
            read(file, streams, findings);
        }
        Map<String, PublicKey> keyById = new HashMap<>();
        for (PublicKey k : keys) {
            keyById.put(Checkpoints.keyId(k), k);
        }
        Map<String, List<Checkpoint>> checkpoints = collectCheckpoints(streams, keyById, findings);
        Map<String, StreamResult> results = new LinkedHashMap<>();
        for (Map.Entry<String, List<Rec>> e : streams.entrySet()) {
            Set<String> signedHeads = new HashSet<>();
            for (Checkpoint cp : checkpoints.getOrDefault(e.getKey(), List.of())) {
                signedHeads.add(cp.chainHead);
            }
            results.put(e.getKey(), walkChain(e.getKey(), e.getValue(), signedHeads, findings));
        }
        List<VerificationReport.StreamSummary> summaries = new ArrayList<>();
        for (StreamResult r : results.values()) {
            List<Checkpoint> cps = checkpoints.getOrDefault(r.streamId, List.of());
            long anchored = checkAgainstCheckpoints(r, cps, !keys.isEmpty(), findings);
            summaries.add(new VerificationReport.StreamSummary(r.streamId, r.records.size(), r.lastSeq, r.head,
                    anchored));
        }
        // Checkpoints of streams with no record at all in the files: everything they cover is gone.
        for (Map.Entry<String, List<Checkpoint>> e : checkpoints.entrySet()) {
            if (!results.containsKey(e.getKey())) {
                long max = e.getValue().stream().mapToLong(c -> c.lastSeq).max().orElse(0);
                if (max > 0) {
                    findings.add(new Finding(FindingKind.TRUNCATED, e.getKey(), 1, null, 0,
                            "signed checkpoints cover seq 1.." + max + " but no record of this stream was found"));
                }
            }
        }
        return new VerificationReport(findings, summaries);
    }

    /** Holds one complete line's record. */
    private static final class Rec {
        final Path file;
        final int line;
        /** The whole record, for audit.gap and audit.checkpoint only (the others need no more than the fields). */
        final Map<String, Object> tree;
        final String type;
        final long seq;
        final String prev;
        final String hash;
        final boolean selfOk;
        final int index;

        Rec(Path file, int line, Map<String, Object> tree, long seq, String prev, String hash, boolean selfOk,
                int index) {
            this.file = file;
            this.line = line;
            String t = JsonTree.string(tree, "event_type");
            boolean kept = "audit.gap".equals(t) || "audit.checkpoint".equals(t);
            this.type = kept ? t : null;
            this.tree = kept ? tree : null;
            this.seq = seq;
            this.prev = prev;
            this.hash = hash;
            this.selfOk = selfOk;
            this.index = index;
        }

        String type() {
            return type;
        }
    }

    private static final class StreamResult {
        final String streamId;
        final List<Rec> records;
        final Map<Long, Rec> chainBySeq = new HashMap<>();
        long lastSeq;
        String head = ChainHash.GENESIS;
        final Set<Long> reportedMissing = new HashSet<>();

        StreamResult(String streamId, List<Rec> records) {
            this.streamId = streamId;
            this.records = records;
        }

        boolean onlyCheckpoints() {
            return records.stream().allMatch(r -> "audit.checkpoint".equals(r.type()));
        }
    }

    private record Checkpoint(Rec rec, String streamId, long firstSeq, long lastSeq, String chainHead,
            String treeRoot) {
    }

    private static void read(Path file, Map<String, List<Rec>> streams, List<Finding> findings) throws IOException {
        try (LineReader reader = LineReader.open(file)) {
            int line = 0;
            for (LineReader.Line l = reader.next(); l != null; l = reader.next()) {
                line++;
                if (!l.terminated()) {
                    findings.add(new Finding(FindingKind.TORN_LINE, null, -1, file, line, "last line has no line end ("
                            + l.length() + " bytes): a write cut short, not a record"));
                    break;
                }
                if (l.tooLong()) {
                    findings.add(new Finding(FindingKind.MALFORMED, null, -1, file, line,
                            "line longer than " + MAX_LINE_BYTES));
                    continue;
                }
                parseLine(file, line, l.bytes(), 0, l.bytes().length, streams, findings);
            }
        }
    }

    private static void parseLine(Path file, int line, byte[] bytes, int off, int len, Map<String, List<Rec>> streams,
            List<Finding> findings) {
        Map<String, Object> tree;
        try {
            tree = JsonTree.parseObject(bytes, off, len);
        } catch (IOException e) {
            findings.add(new Finding(FindingKind.MALFORMED, null, -1, file, line, "not a JSON object: "
                    + e.getMessage()));
            return;
        }
        String streamId = JsonTree.string(tree, "stream_id");
        Long seq = JsonTree.integer(tree, "seq");
        String prev = JsonTree.string(tree, "prev_hash");
        String hash = JsonTree.string(tree, "hash");
        if (streamId == null || seq == null || !isHash(prev) || !isHash(hash)) {
            findings.add(new Finding(FindingKind.MALFORMED, streamId, seq == null ? -1 : seq, file, line,
                    "record lacks stream_id, seq, prev_hash or hash"));
            return;
        }
        boolean selfOk;
        try {
            selfOk = ChainHash.compute(prev, tree).equals(hash);
        } catch (IllegalArgumentException e) {
            selfOk = false;
        }
        List<Rec> list = streams.computeIfAbsent(streamId, k -> new ArrayList<>());
        list.add(new Rec(file, line, tree, seq, prev, hash, selfOk, list.size()));
    }

    private static boolean isHash(String s) {
        return s != null && s.length() == 64 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /** Follows the chain through the stream's records in file order and reports where it breaks. */
    private static StreamResult walkChain(String streamId, List<Rec> records, Set<String> signedHeads,
            List<Finding> findings) {
        StreamResult result = new StreamResult(streamId, records);
        Map<String, List<Rec>> children = new HashMap<>();
        Map<String, Integer> hashCount = new HashMap<>();
        Map<String, Rec> byHash = new HashMap<>();
        Set<String> known = new HashSet<>();
        for (Rec r : records) {
            children.computeIfAbsent(r.prev, k -> new ArrayList<>()).add(r);
            hashCount.merge(r.hash, 1, Integer::sum);
            byHash.putIfAbsent(r.hash, r);
            known.add(r.hash);
        }
        // The records a signed head descends from are the genuine chain: they decide forks.
        Set<String> signedLine = new HashSet<>();
        for (String head : signedHeads) {
            Rec at = byHash.get(head);
            while (at != null && signedLine.add(at.hash)) {
                at = byHash.get(at.prev);
            }
        }
        boolean[] consumed = new boolean[records.size()];
        Set<String> consumedHashes = new HashSet<>();
        List<Rec> pending = new ArrayList<>();
        String lastHash = ChainHash.GENESIS;
        long lastSeq = 0;
        Rec last = null;

        for (Rec r : records) {
            if ("audit.gap".equals(r.type())) {
                findings.add(new Finding(FindingKind.DECLARED_GAP, streamId, r.seq, r.file, r.line,
                        "sink \"" + JsonTree.string(r.tree, "sink_name") + "\" declared "
                                + JsonTree.integer(r.tree, "dropped_count") + " events lost (emitter seq "
                                + JsonTree.integer(r.tree, "from_seq") + ".." + JsonTree.integer(r.tree, "to_seq")
                                + ")"));
            }
            if (!r.selfOk) {
                findings.add(new Finding(FindingKind.MODIFIED, streamId, r.seq, r.file, r.line,
                        "content does not match its hash"));
            }
            // Records set aside as out of order rejoin once their predecessor is on the chain.
            boolean absorbed = true;
            while (absorbed) {
                absorbed = false;
                for (int i = 0; i < pending.size(); i++) {
                    Rec p = pending.get(i);
                    if (p.prev.equals(lastHash)) {
                        pending.remove(i);
                        consumed[p.index] = true;
                        consumedHashes.add(p.hash);
                        result.chainBySeq.put(p.seq, p);
                        lastHash = p.hash;
                        lastSeq = p.seq;
                        last = p;
                        absorbed = true;
                        break;
                    }
                }
            }
            boolean duplicate = hashCount.get(r.hash) > 1 && consumedHashes.contains(r.hash);
            if (duplicate) {
                findings.add(new Finding(FindingKind.INSERTED, streamId, r.seq, r.file, r.line,
                        "duplicate of a record already on the chain"));
                consumed[r.index] = true;
                continue;
            }
            final String lh = lastHash;
            boolean successorElsewhere = children.getOrDefault(lh, List.of()).stream()
                    .anyMatch(q -> q != r && !consumed[q.index]);
            if (r.prev.equals(lastHash)) {
                // Two records claim the same predecessor: the branch that a signed checkpoint covers, goes on, or
                // has the next seq is the chain; the other was grafted on.
                final long ls = lastSeq;
                int mine = forkScore(r, ls, signedLine, children);
                int best = children.getOrDefault(lh, List.of()).stream()
                        .filter(q -> q != r && !consumed[q.index])
                        .mapToInt(q -> forkScore(q, ls, signedLine, children)).max().orElse(-1);
                if (mine < best) {
                    findings.add(new Finding(FindingKind.INSERTED, streamId, r.seq, r.file, r.line,
                            "forks the chain after seq " + lastSeq + "; another record continues it"));
                    consumed[r.index] = true;
                    continue;
                }
                if (r.seq != lastSeq + 1 && r.selfOk) {
                    findings.add(new Finding(FindingKind.MODIFIED, streamId, r.seq, r.file, r.line,
                            "seq follows " + lastSeq + " on the chain but is " + r.seq));
                }
            } else if (successorElsewhere) {
                boolean belongs = known.contains(r.prev) || children.containsKey(r.hash);
                if (belongs) {
                    findings.add(new Finding(FindingKind.REORDERED, streamId, r.seq, r.file, r.line,
                            "out of order: its predecessor seq " + (r.seq - 1) + " comes later"));
                    pending.add(r);
                } else {
                    findings.add(new Finding(FindingKind.INSERTED, streamId, r.seq, r.file, r.line,
                            "not linked to the chain (prev_hash matches no record)"));
                    consumed[r.index] = true;
                }
                continue;
            } else if (last != null && r.prev.equals(last.prev)) {
                findings.add(new Finding(FindingKind.INSERTED, streamId, r.seq, r.file, r.line,
                        "a second record claims the predecessor of seq " + last.seq));
                consumed[r.index] = true;
                continue;
            } else if (r.selfOk) {
                // Nothing present follows the last chain record: records are missing, or that record's hash changed.
                if (last != null && r.seq == lastSeq + 1) {
                    findings.add(new Finding(FindingKind.MODIFIED, streamId, last.seq, last.file, last.line,
                            "hash rewritten: seq " + r.seq + " expects prev_hash " + r.prev));
                } else {
                    long from = lastSeq + 1;
                    long to = r.seq - 1;
                    String what = last == null ? "stream starts mid-chain: " : "";
                    findings.add(new Finding(FindingKind.DELETED, streamId, from, r.file, r.line,
                            what + (to >= from ? "records seq " + from + ".." + to + " missing before this one"
                                    : "records missing before this one")));
                    for (long s = from; s <= to && s - from < 1_000_000; s++) {
                        result.reportedMissing.add(s);
                    }
                }
            }
            consumed[r.index] = true;
            consumedHashes.add(r.hash);
            result.chainBySeq.put(r.seq, r);
            lastHash = r.hash;
            lastSeq = r.seq;
            last = r;
        }
        for (Rec p : pending) {
            if (!consumed[p.index]) {
                findings.add(new Finding(FindingKind.INSERTED, streamId, p.seq, p.file, p.line,
                        "never joins the chain"));
            }
        }
        result.lastSeq = lastSeq;
        result.head = lastHash;
        return result;
    }

    private static int forkScore(Rec q, long lastSeq, Set<String> signedLine, Map<String, List<Rec>> children) {
        return (signedLine.contains(q.hash) ? 4 : 0) + (children.containsKey(q.hash) ? 2 : 0)
                + (q.seq == lastSeq + 1 ? 1 : 0);
    }

    private static Map<String, List<Checkpoint>> collectCheckpoints(Map<String, List<Rec>> streams,
            Map<String, PublicKey> keyById, List<Finding> findings) {
        Map<String, List<Checkpoint>> byStream = new HashMap<>();
        if (keyById.isEmpty()) {
            return byStream;
        }
        for (Map.Entry<String, List<Rec>> entry : streams.entrySet()) {
            StreamResult r = new StreamResult(entry.getKey(), entry.getValue());
            for (Rec rec : r.records) {
                if (!"audit.checkpoint".equals(rec.type())) {
                    continue;
                }
                Map<String, Object> c = JsonTree.object(rec.tree, "checkpoint");
                String time = JsonTree.string(rec.tree, "time");
                String stream = c == null ? null : JsonTree.string(c, "stream_id");
                Long first = c == null ? null : JsonTree.integer(c, "first_seq");
                Long lastSeq = c == null ? null : JsonTree.integer(c, "last_seq");
                String head = c == null ? null : JsonTree.string(c, "chain_head");
                String keyId = c == null ? null : JsonTree.string(c, "key_id");
                String sig = c == null ? null : JsonTree.string(c, "signature");
                if (stream == null || first == null || lastSeq == null || head == null || keyId == null || sig == null
                        || time == null) {
                    findings.add(new Finding(FindingKind.BAD_CHECKPOINT, r.streamId, rec.seq, rec.file, rec.line,
                            "checkpoint lacks a member"));
                    continue;
                }
                PublicKey key = keyById.get(keyId);
                if (key == null) {
                    findings.add(new Finding(FindingKind.BAD_CHECKPOINT, r.streamId, rec.seq, rec.file, rec.line,
                            "signed with key " + keyId + ", which was not given"));
                    continue;
                }
                String treeRoot = JsonTree.string(c, "tree_root");
                byte[] msg = Checkpoints.signedBytes(stream, first, lastSeq, head, treeRoot, keyId, time);
                if (!Checkpoints.verify(key, msg, sig)) {
                    findings.add(new Finding(FindingKind.BAD_CHECKPOINT, r.streamId, rec.seq, rec.file, rec.line,
                            "signature does not verify"));
                    continue;
                }
                byStream.computeIfAbsent(stream, k -> new ArrayList<>())
                        .add(new Checkpoint(rec, stream, first, lastSeq, head, treeRoot));
            }
        }
        return byStream;
    }

    /**
     * Recomputes the Merkle tree root of a checkpoint's window ({@link MerkleTree}) from the chain records
     * {@code first_seq..last_seq} and reports a difference as {@link FindingKind#MODIFIED}. A window with a missing
     * record is skipped: the chain walk or the checkpoint comparison reports the deletion. A checkpoint whose
     * {@code first_seq} equals its {@code last_seq} and whose root is that of the empty tree covers no record (sent
     * at close or restart with nothing new).
     */
    private static void checkTreeRoot(StreamResult r, Checkpoint cp, List<Finding> findings) {
        byte[] signed;
        try {
            signed = HexFormat.of().parseHex(cp.treeRoot);
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(FindingKind.BAD_CHECKPOINT, r.streamId, cp.rec.seq, cp.rec.file, cp.rec.line,
                    "tree_root is not hex"));
            return;
        }
        if (cp.firstSeq == cp.lastSeq && Arrays.equals(signed, MerkleTree.emptyRoot())) {
            return;
        }
        if (cp.firstSeq < 1 || cp.firstSeq > cp.lastSeq || cp.lastSeq - cp.firstSeq >= Integer.MAX_VALUE) {
            findings.add(new Finding(FindingKind.BAD_CHECKPOINT, r.streamId, cp.rec.seq, cp.rec.file, cp.rec.line,
                    "tree_root over an impossible window " + cp.firstSeq + ".." + cp.lastSeq));
            return;
        }
        MerkleTree.Accumulator tree = new MerkleTree.Accumulator();
        for (long seq = cp.firstSeq; seq <= cp.lastSeq; seq++) {
            Rec rec = r.chainBySeq.get(seq);
            if (rec == null) {
                return;
            }
            tree.add(MerkleTree.recordLeafHash(rec.hash));
        }
        if (!Arrays.equals(tree.root(), signed)) {
            Rec at = r.chainBySeq.get(cp.lastSeq);
            findings.add(new Finding(FindingKind.MODIFIED, r.streamId, cp.firstSeq, at.file, at.line,
                    "records seq " + cp.firstSeq + ".." + cp.lastSeq + " do not hash to the Merkle tree_root signed by"
                            + " the checkpoint at " + cp.rec.file + ":" + cp.rec.line));
        }
    }

    /** Compares a stream's chain with its valid checkpoints; returns the highest seq they cover. */
    private static long checkAgainstCheckpoints(StreamResult r, List<Checkpoint> cps, boolean keysGiven,
            List<Finding> findings) {
        long anchored = 0;
        long truncatedFrom = Long.MAX_VALUE;
        long truncatedTo = 0;
        for (Checkpoint cp : cps) {
            anchored = Math.max(anchored, cp.lastSeq);
            if (cp.lastSeq == 0) {
                continue;
            }
            if (cp.treeRoot != null) {
                checkTreeRoot(r, cp, findings);
            }
            Rec at = r.chainBySeq.get(cp.lastSeq);
            if (at != null) {
                if (!at.hash.equals(cp.chainHead)) {
                    findings.add(new Finding(FindingKind.MODIFIED, r.streamId, cp.lastSeq, at.file, at.line,
                            "differs from the signed checkpoint (" + cp.rec.file + ":" + cp.rec.line
                                    + "): the chain up to here was rewritten"));
                }
            } else if (cp.lastSeq > r.lastSeq) {
                truncatedFrom = Math.min(truncatedFrom, r.lastSeq + 1);
                truncatedTo = Math.max(truncatedTo, cp.lastSeq);
            } else if (!r.reportedMissing.contains(cp.lastSeq)) {
                findings.add(new Finding(FindingKind.DELETED, r.streamId, cp.lastSeq, null, 0,
                        "record covered by the checkpoint at " + cp.rec.file + ":" + cp.rec.line + " is missing"));
            }
        }
        if (truncatedTo > 0) {
            findings.add(new Finding(FindingKind.TRUNCATED, r.streamId, truncatedFrom, null, 0,
                    "records seq " + truncatedFrom + ".." + truncatedTo
                            + " are covered by a signed checkpoint but missing at the end of the stream"));
        }
        if (keysGiven && !r.onlyCheckpoints() && r.lastSeq > anchored) {
            findings.add(new Finding(FindingKind.UNANCHORED, r.streamId, anchored + 1, null, 0,
                    "records seq " + (anchored + 1) + ".." + r.lastSeq + " are covered by no signed checkpoint"));
        }
        return anchored;
    }
}
