// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.testing;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.file.FileAuditSink;
import dev.fumidai.audit.json.JsonTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes logs with a checkpointed {@link FileAuditSink} and edits their lines for tamper tests. */
public final class LogFixture {

    public final Path eventDir;
    public final Path checkpointDir;
    public final KeyPair keys;
    public dev.fumidai.audit.file.Durability durability = dev.fumidai.audit.file.Durability.FSYNC_EACH_EVENT;

    public LogFixture(Path root) {
        this.eventDir = root.resolve("events");
        this.checkpointDir = root.resolve("checkpoints");
        this.keys = ed25519();
    }

    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns a checkpoint sink: a plain chained file sink in its own directory. */
    public FileAuditSink checkpointSink() throws IOException {
        return FileAuditSink.builder(checkpointDir).name("checkpoints").filePrefix("checkpoints")
                .checkpointInterval(null).durability(durability).build();
    }

    /** Returns a builder for the event sink, checkpointing into {@code checkpointSink}. */
    public FileAuditSink.Builder eventSink(FileAuditSink checkpointSink) {
        return FileAuditSink.builder(eventDir).name("file-main").checkpoints(keys, checkpointSink)
                .checkpointInterval(null).durability(durability);
    }

    /** Writes events and closes both sinks. */
    public void write(List<AuditEvent> events, int checkpointEvery, long rotateAfterBytes) throws IOException {
        try (FileAuditSink cps = checkpointSink();
                FileAuditSink sink = eventSink(cps).checkpointEvery(checkpointEvery).rotateAfterBytes(rotateAfterBytes)
                        .build()) {
            for (AuditEvent e : events) {
                sink.accept(e);
            }
        }
    }

    public List<Path> eventFiles() throws IOException {
        return list(eventDir);
    }

    public List<Path> allFiles() throws IOException {
        List<Path> all = new ArrayList<>(list(eventDir));
        all.addAll(list(checkpointDir));
        return all;
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> result = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".jsonl")).sorted().forEach(result::add);
            }
        }
        return result;
    }

    /** A line of the event log with the file it lives in. */
    public record Line(Path file, String text) {
    }

    /** Reads every complete line of the event segments, in order. */
    public List<Line> readLines() throws IOException {
        List<Line> lines = new ArrayList<>();
        for (Path p : eventFiles()) {
            for (String s : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                lines.add(new Line(p, s));
            }
        }
        return lines;
    }

    /** Swaps the texts of two lines, each staying at its place in its file. */
    public static void swapTexts(List<Line> lines, int i, int j) {
        Line a = lines.get(i);
        Line b = lines.get(j);
        lines.set(i, new Line(a.file(), b.text()));
        lines.set(j, new Line(b.file(), a.text()));
    }

    /** Rewrites the event segments from the lines (each segment keeps the lines that name it). */
    public void writeLines(List<Line> lines) throws IOException {
        Map<Path, StringBuilder> byFile = new LinkedHashMap<>();
        for (Path p : eventFiles()) {
            byFile.put(p, new StringBuilder());
        }
        for (Line l : lines) {
            byFile.computeIfAbsent(l.file(), k -> new StringBuilder()).append(l.text()).append('\n');
        }
        for (Map.Entry<Path, StringBuilder> e : byFile.entrySet()) {
            Files.writeString(e.getKey(), e.getValue(), StandardCharsets.UTF_8);
        }
    }

    /** Returns a line with one member replaced (as JSON text) and, if {@code rehash}, a hash that matches again. */
    public static String edit(String line, String member, String newJsonValue, boolean rehash) throws IOException {
        Map<String, Object> tree = new LinkedHashMap<>(JsonTree.parseObject(line.getBytes(StandardCharsets.UTF_8),
                0, line.getBytes(StandardCharsets.UTF_8).length));
        tree.put(member, JsonTree.parse(newJsonValue));
        if (rehash) {
            tree.put("hash", dev.fumidai.audit.file.ChainHash.compute((String) tree.get("prev_hash"), tree));
        }
        return dev.fumidai.audit.json.CanonicalJson.toString(tree);
    }

    /** Returns the member {@code name} of a line. */
    public static Object member(String line, String name) throws IOException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return JsonTree.parseObject(b, 0, b.length).get(name);
    }

    /** Returns a random-looking but valid hex hash. */
    public static String fakeHash(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        b[31] = (byte) (n >> 8);
        return HexFormat.of().formatHex(b);
    }

}
