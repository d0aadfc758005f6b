// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.testing.SwitchableSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that spools events for a collector that is down (SIGKILL, at random moments, three times on the
 * same spool), then opens the spool with the collector up: every event whose {@code accept} returned is delivered.
 */
class SpoolCrashTest {

    @TempDir
    Path tmp;

    @Test
    void everyAcceptedEventIsDeliveredAfterSigkillAndRestart() throws Exception {
        Path spoolDir = tmp.resolve("spool");
        Random random = new Random();
        Set<String> acknowledged = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            Path acks = tmp.resolve("acks-" + round);
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SpoolCrashWriterMain.class.getName(),
                    spoolDir.toString()).redirectOutput(acks.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try {
                int wanted = 1 + random.nextInt(60);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (lines(acks).size() < wanted) {
                    assertTrue(child.isAlive(), "child died early");
                    assertTrue(System.nanoTime() < deadline, "child too slow");
                    Thread.sleep(2);
                }
                Thread.sleep(random.nextInt(20));
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            } finally {
                child.destroyForcibly();
            }
            acknowledged.addAll(lines(acks));
        }
        SwitchableSink up = new SwitchableSink();
        try (SpoolingAuditSink spool = SpoolingAuditSink.builder(spoolDir, up).build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (spool.pendingBytes() > 0) {
                assertTrue(System.nanoTime() < deadline, "spool does not drain");
                Thread.sleep(5);
            }
        }
        Set<String> delivered = new HashSet<>();
        List<String> forwardIds = new ArrayList<>();
        up.events().stream().filter(e -> e instanceof ForwardClosed).forEach(e -> {
            delivered.add(e.header().eventId());
            forwardIds.add(e.header().eventId());
        });
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(delivered);
        assertTrue(missing.isEmpty(), missing.size() + " acknowledged events never delivered: " + missing);
        assertEquals(forwardIds.size(), delivered.size(), "nothing delivered twice (the ack never ran ahead)");
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> l = new ArrayList<>(List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1)));
        l.remove(l.size() - 1);
        return l;
    }
}
