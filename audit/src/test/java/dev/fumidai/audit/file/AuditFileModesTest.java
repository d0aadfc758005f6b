// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.spool.SpoolingAuditSink;
import dev.fumidai.audit.testing.LogFixture;
import dev.fumidai.audit.testing.SampleEvents;
import dev.fumidai.audit.testing.SwitchableSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the modes of every file and directory the audit sinks create: event segments, their lock, the checkpoint
 * sink's segments, and the spool's segments, ack and lock. The process umask cannot be changed from inside the JVM,
 * so the in-process tests assert the exact permission set (the build's umask, typically 022, would give 0644 files
 * and 0755 directories), and two tests run the sinks in a child JVM started under umask 000 and 077.
 */
class AuditFileModesTest {

    private static final Set<PosixFilePermission> FILE_PRIVATE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> FILE_GROUP = PosixFilePermissions.fromString("rw-r-----");
    private static final Set<PosixFilePermission> DIR_PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> DIR_GROUP = PosixFilePermissions.fromString("rwxr-x---");

    @TempDir
    Path tmp;

    private static AuditEvent event(long seq) {
        return SampleEvents.forwardClose(SampleEvents.header("jh-01", seq));
    }

    private static Set<PosixFilePermission> mode(Path p) throws IOException {
        return Files.getPosixFilePermissions(p);
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        List<Path> result = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).forEach(result::add);
        }
        return result;
    }

    private static void assertMode(Set<PosixFilePermission> expected, Path p) throws IOException {
        assertEquals(PosixFilePermissions.toString(expected), PosixFilePermissions.toString(mode(p)), p.toString());
    }

    @Test
    void eventSegmentsLockAndCheckpointsArePrivateAndTheirDirectories0700() throws IOException {
        Path events = tmp.resolve("var/log/events");
        Path checkpoints = tmp.resolve("cp/checkpoints");
        try (FileAuditSink cp = FileAuditSink.builder(checkpoints).name("checkpoints").filePrefix("checkpoints")
                .build()) {
            try (FileAuditSink sink = FileAuditSink.builder(events).checkpoints(LogFixture.ed25519(), cp)
                    .checkpointEvery(2).rotateAfterBytes(3000).build()) {
                for (long i = 1; i <= 5; i++) {
                    sink.accept(event(i));
                }
            }
        }
        // every directory the sinks created, not only the last one
        assertMode(DIR_PRIVATE, tmp.resolve("var"));
        assertMode(DIR_PRIVATE, tmp.resolve("var/log"));
        assertMode(DIR_PRIVATE, events);
        assertMode(DIR_PRIVATE, tmp.resolve("cp"));
        assertMode(DIR_PRIVATE, checkpoints);
        List<Path> eventFiles = filesIn(events);
        assertTrue(eventFiles.size() >= 3, "segments and lock: " + eventFiles);
        assertTrue(eventFiles.contains(events.resolve(".audit.lock")), eventFiles.toString());
        for (Path f : eventFiles) {
            assertMode(FILE_PRIVATE, f);
        }
        List<Path> cpFiles = filesIn(checkpoints);
        assertTrue(cpFiles.stream().anyMatch(p -> p.getFileName().toString().endsWith(".jsonl")), cpFiles.toString());
        for (Path f : cpFiles) {
            assertMode(FILE_PRIVATE, f);
        }
    }

    @Test
    void groupReadableGives0640FilesAnd0750Directories() throws IOException {
        Path events = tmp.resolve("shared/events");
        try (FileAuditSink sink = FileAuditSink.builder(events).groupReadable(true).build()) {
            sink.accept(event(1));
        }
        assertMode(DIR_GROUP, tmp.resolve("shared"));
        assertMode(DIR_GROUP, events);
        List<Path> files = filesIn(events);
        assertEquals(2, files.size(), files.toString());
        for (Path f : files) {
            assertMode(FILE_GROUP, f);
        }
    }

    @Test
    void spoolSegmentsAckAndLockArePrivateAndTheirDirectory0700() throws Exception {
        Path dir = tmp.resolve("spool/syslog");
        SwitchableSink collector = new SwitchableSink();
        collector.down(true); // keeps the events in the spool, so that its segment exists when we look
        SpoolingAuditSink spool = SpoolingAuditSink.builder(dir, collector).backoff(Duration.ofMillis(5),
                Duration.ofMillis(20)).build();
        try {
            spool.accept(event(1));
            spool.accept(event(2));
            assertMode(DIR_PRIVATE, tmp.resolve("spool"));
            assertMode(DIR_PRIVATE, dir);
            List<Path> files = filesIn(dir);
            assertTrue(files.contains(dir.resolve("spool.ack")), files.toString());
            assertTrue(files.contains(dir.resolve("spool.lock")), files.toString());
            assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().startsWith("spool-")),
                    files.toString());
            for (Path f : files) {
                assertMode(FILE_PRIVATE, f);
            }
        } finally {
            collector.down(false);
            spool.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void groupReadableSpoolGives0640FilesAnd0750Directory() throws Exception {
        Path dir = tmp.resolve("spool-shared");
        SwitchableSink collector = new SwitchableSink();
        collector.down(true);
        SpoolingAuditSink spool = SpoolingAuditSink.builder(dir, collector).groupReadable(true)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).build();
        try {
            spool.accept(event(1));
            assertMode(DIR_GROUP, dir);
            List<Path> files = filesIn(dir);
            assertEquals(3, files.size(), files.toString());
            for (Path f : files) {
                assertMode(FILE_GROUP, f);
            }
        } finally {
            collector.down(false);
            spool.close(Duration.ofSeconds(5));
        }
    }

    /** Runs {@link FileModesChildMain} in a JVM started by {@code sh} under {@code umask}. */
    private static void writeUnderUmask(String umask, Path root, boolean groupReadable) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\"", javaBin, "-cp",
                System.getProperty("java.class.path"), FileModesChildMain.class.getName(), root.toString(),
                String.valueOf(groupReadable)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, child.exitValue(), "child failed (see its stderr above): " + out);
        assertEquals("WRITTEN", out.strip());
    }

    private void assertTree(Path root, Set<PosixFilePermission> dirMode, Set<PosixFilePermission> fileMode)
            throws IOException {
        for (String d : List.of("log", "log/events", "spool", "spool/q")) {
            assertMode(dirMode, root.resolve(d));
        }
        List<Path> files = new ArrayList<>(filesIn(root.resolve("log/events")));
        files.addAll(filesIn(root.resolve("spool/q")));
        assertEquals(5, files.size(), "segment and lock; segment, ack and lock: " + files);
        for (Path f : files) {
            assertMode(fileMode, f);
        }
    }

    /** A permissive umask must not widen the modes: under umask 000 the JDK's defaults would give 0666 and 0777. */
    @Test
    void modesAreExactUnderAPermissiveUmask() throws Exception {
        writeUnderUmask("000", tmp.resolve("open"), false);
        assertTree(tmp.resolve("open"), DIR_PRIVATE, FILE_PRIVATE);
    }

    /** A strict umask must not narrow the group mode asked for: under umask 077 the group bits would be gone. */
    @Test
    void groupModesAreExactUnderAStrictUmask() throws Exception {
        writeUnderUmask("077", tmp.resolve("strict"), true);
        assertTree(tmp.resolve("strict"), DIR_GROUP, FILE_GROUP);
    }

    @Test
    void existingFilesWithBroaderModesAreTightenedAndAnExistingDirectoryIsLeftAsItIs() throws IOException {
        Path events = tmp.resolve("events");
        try (FileAuditSink sink = FileAuditSink.builder(events).build()) {
            sink.accept(event(1));
        }
        // An operator (or an earlier version) left the directory and files readable by everyone.
        Set<PosixFilePermission> worldReadable = PosixFilePermissions.fromString("rw-r--r--");
        Set<PosixFilePermission> dirWorld = PosixFilePermissions.fromString("rwxr-xr-x");
        Files.setPosixFilePermissions(events, dirWorld);
        List<Path> before = filesIn(events);
        for (Path f : before) {
            Files.setPosixFilePermissions(f, worldReadable);
        }
        try (FileAuditSink sink = FileAuditSink.builder(events).build()) {
            sink.accept(event(2));
        }
        for (Path f : filesIn(events)) {
            assertMode(FILE_PRIVATE, f);
        }
        // The directory may be shared (chosen by the operator): the sink warns and leaves its mode alone.
        assertMode(dirWorld, events);

        Path spoolDir = tmp.resolve("spool");
        SwitchableSink collector = new SwitchableSink();
        SpoolingAuditSink.builder(spoolDir, collector).build().close(Duration.ofSeconds(5));
        for (Path f : filesIn(spoolDir)) {
            Files.setPosixFilePermissions(f, worldReadable);
        }
        SpoolingAuditSink.builder(spoolDir, collector).build().close(Duration.ofSeconds(5));
        List<Path> spoolFiles = filesIn(spoolDir);
        assertFalse(spoolFiles.isEmpty());
        for (Path f : spoolFiles) {
            assertMode(FILE_PRIVATE, f);
        }
    }
}
