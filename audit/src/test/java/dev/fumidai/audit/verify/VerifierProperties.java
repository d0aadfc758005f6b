// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.file.Durability;
import dev.fumidai.audit.testing.LogFixture;
import dev.fumidai.audit.testing.SampleEvents;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Checks, for random event sequences written by the file sink, that the verifier accepts the untouched log and
 * detects every single modification, deletion, insertion, swap and truncation (issue 6).
 */
class VerifierProperties {

    /** One generated log: events of one or two emitters, checkpoint spacing and rotation size. */
    record LogSpec(List<AuditEvent> events, int checkpointEvery, long rotateAfterBytes) {
        @Override
        public String toString() {
            return events.size() + " events, checkpoint every " + checkpointEvery + ", rotate after "
                    + rotateAfterBytes;
        }
    }

    enum EditKind { MODIFY, DELETE, DUPLICATE, FORGE, SWAP, TRUNCATE }

    /** One edit: a kind and two positions, taken modulo the number of lines. */
    record Edit(EditKind kind, int a, int b, int count) {
    }

    static Gen<LogSpec> logs() {
        // Type 5, audit.checkpoint, is left out: a sample checkpoint in the event log is one with an unknown key,
        // which the verifier rightly reports. (Mapped rather than filtered: 0..19 with 5 moved to 20.)
        // jqwik's withChars("...😀...") added the two UTF-16 halves of the emoji as separate characters.
        Gen<Step> step = Gens.ints(0, 19).map(t -> t == 5 ? 20 : t).zip(Gens.ints(0, 1),
                Gens.strings(Gens.charRange('!', '~', "éß€日本😀\t\"\\"), 1, 12).assuming(s -> !s.isBlank()),
                Step::new);
        return Gens.lists(step, 1, 30).zip(Gens.ints(1, 8), Gens.of(2500L, 6000L, 1L << 20),
                (steps, every, rotate) -> {
                    long[] seqs = new long[2];
                    List<AuditEvent> events = new ArrayList<>();
                    for (Step s : steps) {
                        String emitter = s.emitter == 0 ? "jh-a" : "jh-b";
                        EventHeader base = SampleEvents.header(emitter, ++seqs[s.emitter]);
                        EventHeader h = new EventHeader(base.eventId(), emitter, base.emitterSeq(), base.time(),
                                new Actor(s.actorId, null, List.of(), null, null), base.origin(), base.sessionId());
                        events.add(SampleEvents.sample(s.type, h));
                    }
                    return new LogSpec(events, every, rotate);
                });
    }

    record Step(int type, int emitter, String actorId) {
    }

    static Gen<Edit> edits() {
        return Generate.enumValues(EditKind.class).zip(Gens.ints(0, 1000), Gens.ints(0, 1000), Gens.ints(1, 3),
                Edit::new);
    }

    @Test
    void untouchedLogVerifies() {
        PropertyCheck.forAll(40, logs(), VerifierProperties::untouchedLogVerifies);
    }

    private static void untouchedLogVerifies(LogSpec spec) throws IOException {
        Path dir = Files.createTempDirectory("fumidai-audit-prop");
        try {
            LogFixture fx = write(dir, spec);
            VerificationReport r = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
            assertTrue(r.intact(), r.findings().toString());
        } finally {
            delete(dir);
        }
    }

    @Test
    void everySingleEditIsDetected() {
        PropertyCheck.forAll(150, logs(), edits(), VerifierProperties::everySingleEditIsDetected);
    }

    private static void everySingleEditIsDetected(LogSpec spec, Edit edit) throws IOException {
        Path dir = Files.createTempDirectory("fumidai-audit-prop");
        try {
            LogFixture fx = write(dir, spec);
            List<LogFixture.Line> lines = fx.readLines();
            Set<FindingKind> expected = apply(edit, lines);
            fx.writeLines(lines);
            VerificationReport r = AuditLogVerifier.verify(fx.allFiles(), List.of(fx.keys.getPublic()));
            assertFalse(r.intact(), edit + " went unnoticed");
            assertTrue(r.findings().stream().anyMatch(f -> expected.contains(f.kind())),
                    edit + " expected one of " + expected + ", got " + r.findings());
        } finally {
            delete(dir);
        }
    }

    private static LogFixture write(Path dir, LogSpec spec) throws IOException {
        LogFixture fx = new LogFixture(dir);
        fx.durability = Durability.NONE; // durability is not what is tested here; fsync per event only slows it
        fx.write(spec.events(), spec.checkpointEvery(), spec.rotateAfterBytes());
        return fx;
    }

    /** Applies the edit to the lines; returns the finding kinds that name it correctly. */
    private static Set<FindingKind> apply(Edit edit, List<LogFixture.Line> lines) throws IOException {
        int n = lines.size();
        int i = edit.a() % n;
        String stream = (String) LogFixture.member(lines.get(i).text(), "stream_id");
        List<Integer> same = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            if (stream.equals(LogFixture.member(lines.get(k).text(), "stream_id"))) {
                same.add(k);
            }
        }
        int pos = same.indexOf(i);
        boolean lastOfStream = pos == same.size() - 1;
        switch (edit.kind()) {
            case MODIFY: {
                String text = LogFixture.edit(lines.get(i).text(), "event_id",
                        "\"0190f6c4-6b2e-7c1a-9a57-00000000" + String.format("%04x", edit.b()) + "\"", false);
                lines.set(i, new LogFixture.Line(lines.get(i).file(), text));
                return EnumSet.of(FindingKind.MODIFIED);
            }
            case DELETE:
                lines.remove(i);
                return lastOfStream ? EnumSet.of(FindingKind.TRUNCATED) : EnumSet.of(FindingKind.DELETED);
            case TRUNCATE: {
                int k = Math.min(edit.count(), n);
                for (int c = 0; c < k; c++) {
                    lines.remove(lines.size() - 1);
                }
                return EnumSet.of(FindingKind.TRUNCATED);
            }
            case DUPLICATE: {
                int at = edit.b() % (n + 1);
                lines.add(at, new LogFixture.Line(lines.get(Math.min(at, n - 1)).file(), lines.get(i).text()));
                return EnumSet.of(FindingKind.INSERTED);
            }
            case FORGE: {
                // A forged record grafted after the stream record at position pos-1 (or at its start), with a valid
                // hash: the attacker can compute SHA-256 but cannot sign a checkpoint.
                int after = same.get(edit.b() % same.size());
                String prev = (String) LogFixture.member(lines.get(after).text(), "hash");
                String text = LogFixture.edit(lines.get(i).text(), "prev_hash", "\"" + prev + "\"", false);
                text = LogFixture.edit(text, "event_id", "\"0190f6c4-6b2e-7c1a-9a57-0000000f0bad\"", true);
                lines.add(after + 1, new LogFixture.Line(lines.get(after).file(), text));
                boolean atEnd = after == same.get(same.size() - 1);
                return atEnd ? EnumSet.of(FindingKind.UNANCHORED, FindingKind.INSERTED, FindingKind.MODIFIED)
                        : EnumSet.of(FindingKind.INSERTED);
            }
            case SWAP: {
                if (same.size() < 2) {
                    // nothing to swap within this stream: delete instead, which must be detected too
                    lines.remove(i);
                    return EnumSet.of(FindingKind.TRUNCATED, FindingKind.DELETED);
                }
                int other = same.get(pos == same.size() - 1 ? pos - 1 : pos + 1 + edit.b() % (same.size() - pos - 1));
                LogFixture.swapTexts(lines, i, other);
                return EnumSet.of(FindingKind.REORDERED);
            }
            default:
                throw new IllegalStateException();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
