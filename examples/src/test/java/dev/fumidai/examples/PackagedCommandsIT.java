// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.Listener;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.SessionStarted;
import dev.fumidai.audit.Source;
import dev.fumidai.audit.file.FileAuditSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged examples jar as the README says: the demo, and the audit verifier on a real signed log
 * before and after a record is deleted.
 */
class PackagedCommandsIT {

    private static final Path JAR = Path.of("target", "fumidai-demo.jar");

    private record Run(int exit, String out) {
    }

    private static Run java(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished in time");
        return new Run(p.exitValue(), out);
    }

    @Test
    void theDemoRunsEndToEnd() throws Exception {
        Run r = java("-jar", JAR.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("got 'HELLO THROUGH A FORWARD'"), r.out());
        assertTrue(r.out().contains("got 'HELLO IN PROCESS'"), r.out());
        assertTrue(r.out().contains("forward.close"), r.out());
    }

    @Test
    void theVerifierTellsAnIntactLogFromATamperedOne(@TempDir Path dir) throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path events = dir.resolve("events");
        Path checkpoints = dir.resolve("checkpoints");
        try (AuditSink cps = FileAuditSink.builder(checkpoints).name("checkpoints").filePrefix("checkpoints")
                .checkpointInterval(null).build();
                AuditSink sink = FileAuditSink.builder(events).name("main").checkpoints(keys, cps)
                        .checkpointInterval(null).build()) {
            for (int i = 1; i <= 10; i++) {
                EventHeader h = new EventHeader(EventHeader.newEventId(Instant.now()), "jh-it", i, Instant.now(),
                        Actor.of("test:verify"), new Origin("host", "it", 1, "0"), "s-it");
                sink.accept(new SessionStarted(h, Outcome.SUCCESS, null,
                        new Source(null, 0, new Listener(ListenerKind.IN_PROCESS, null, 0)), List.of()));
            }
        }
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        String[] verify = {"-cp", JAR.toString(), AuditVerify.class.getName(), events.toString(),
            checkpoints.toString(), "--public-key", pem.toString()};
        Run intact = java(verify);
        assertEquals(0, intact.exit(), intact.out());
        assertTrue(intact.out().contains("INTACT"), intact.out());

        Path log;
        try (var files = Files.list(events)) {
            log = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.remove(4);
        Files.write(log, lines);
        Run tampered = java(verify);
        assertEquals(1, tampered.exit(), tampered.out());
        assertTrue(tampered.out().contains("DELETED"), tampered.out());
    }
}
