// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.ExecEnded;
import dev.fumidai.audit.ExecStarted;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.json.JsonTree;
import dev.fumidai.audit.json.Redaction;
import dev.fumidai.audit.spool.SpoolingAuditSink;
import dev.fumidai.audit.syslog.SyslogAuditSink;
import dev.fumidai.audit.testing.SampleEvents;
import dev.fumidai.audit.testing.SwitchableSink;
import dev.fumidai.audit.verify.AuditLogVerifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks that the {@code command} of {@code exec.*} events (audit schema §1.3: sensitive; an exec command line can
 * carry a password or a token) is written as {@link Redaction#REDACTED} by the file, syslog and spool sinks unless
 * the builder asks for commands, and that the HMAC redaction still applies to it.
 */
class CommandRedactionTest {

    private static final String SECRET = "PGPASSWORD=hunter2-MARKER-7731";
    private static final String COMMAND = "env " + SECRET + " psql -h db.internal -c 'select 1'";

    @TempDir
    Path tmp;

    private static List<AuditEvent> execEvents() {
        return List.of(
                new ExecStarted(SampleEvents.header("jh-01", 1), Outcome.SUCCESS, null, SampleEvents.HOPS, "c-2",
                        "c-2/ch-6", COMMAND),
                new ExecEnded(SampleEvents.header("jh-01", 2), Outcome.SUCCESS, null, SampleEvents.HOPS, "c-2",
                        "c-2/ch-6", COMMAND, 0, null, SampleEvents.T0, 1200, 10, 5000));
    }

    private static String readAll(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path p : FileAuditSink.listSegments(dir, java.util.regex.Pattern.compile(".*\\.jsonl"))) {
            sb.append(Files.readString(p, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private static List<Object> commands(String jsonLines) throws IOException {
        List<Object> result = new ArrayList<>();
        for (String line : jsonLines.split("\n")) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            Map<String, Object> rec = JsonTree.parseObject(b, 0, b.length);
            result.add(rec.get("command"));
        }
        return result;
    }

    private String writeFileSink(FileAuditSink.Builder builder) throws IOException {
        try (FileAuditSink sink = builder.build()) {
            for (AuditEvent e : execEvents()) {
                sink.accept(e);
            }
        }
        return readAll(tmp.resolve("events"));
    }

    @Test
    void fileSinkRedactsCommandsByDefaultAndTheChainStillVerifies() throws IOException {
        String written = writeFileSink(FileAuditSink.builder(tmp.resolve("events")));
        assertFalse(written.contains("MARKER"), written);
        assertEquals(List.of(Redaction.REDACTED, Redaction.REDACTED), commands(written));
        // the other sensitive fields keep the sink's redaction (keep, by default)
        assertTrue(written.contains("okta|00u1abc"), written);
        assertTrue(AuditLogVerifier.verify(FileAuditSink.listSegments(tmp.resolve("events"),
                java.util.regex.Pattern.compile(".*\\.jsonl")), List.of()).intact());
    }

    @Test
    void fileSinkRecordsCommandsVerbatimWhenAsked() throws IOException {
        String written = writeFileSink(FileAuditSink.builder(tmp.resolve("events")).recordCommands(true));
        assertEquals(List.of(COMMAND, COMMAND), commands(written));
    }

    @Test
    void hmacRedactionKeepsCommandsCorrelatableWithoutRevealingThem() throws IOException {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        String written = writeFileSink(FileAuditSink.builder(tmp.resolve("events"))
                .redaction(Redaction.hmacSha256(key)));
        assertFalse(written.contains("MARKER"), written);
        String expected = Redaction.hmacSha256(key).apply(COMMAND);
        assertEquals(List.of(expected, expected), commands(written));
    }

    @Test
    void spoolFilesHoldNoCommandByDefault() throws Exception {
        SwitchableSink collector = new SwitchableSink();
        collector.down(true);
        Path dir = tmp.resolve("spool");
        SpoolingAuditSink spool = SpoolingAuditSink.builder(dir, collector)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).build();
        try {
            for (AuditEvent e : execEvents()) {
                spool.accept(e);
            }
            String spooled = readAll(dir);
            assertTrue(spooled.contains("exec.start"), spooled);
            assertFalse(spooled.contains("MARKER"), spooled);
            collector.down(false);
            await(() -> collector.events().stream().filter(e -> e instanceof ExecEnded).count() == 1, "delivery");
            assertEquals(Redaction.REDACTED, ((ExecStarted) collector.events().stream()
                    .filter(e -> e instanceof ExecStarted).findFirst().orElseThrow()).command());
        } finally {
            collector.down(false);
            spool.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void spoolKeepsCommandsForItsSinkWhenAsked() throws Exception {
        SwitchableSink collector = new SwitchableSink();
        SpoolingAuditSink spool = SpoolingAuditSink.builder(tmp.resolve("spool"), collector).recordCommands(true)
                .build();
        try {
            for (AuditEvent e : execEvents()) {
                spool.accept(e);
            }
            await(() -> collector.events().stream().filter(e -> e instanceof ExecEnded).count() == 1, "delivery");
            assertEquals(COMMAND, ((ExecStarted) collector.events().stream()
                    .filter(e -> e instanceof ExecStarted).findFirst().orElseThrow()).command());
        } finally {
            spool.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void syslogSinkRedactsCommandsByDefault() throws Exception {
        String sent = sendToCollector(SyslogAuditSink.Builder::name);
        assertTrue(sent.contains("exec.start") && sent.contains("exec.end"), sent);
        assertFalse(sent.contains("MARKER"), sent);
        assertTrue(sent.contains("\"command\":\"" + Redaction.REDACTED + "\""), sent);
    }

    @Test
    void syslogSinkRecordsCommandsVerbatimWhenAsked() throws Exception {
        String sent = sendToCollector((b, n) -> b.name(n).recordCommands(true));
        assertTrue(sent.contains(SECRET), sent);
    }

    private interface Configure {
        SyslogAuditSink.Builder apply(SyslogAuditSink.Builder b, String name);
    }

    /** Sends the exec events to a plain TCP collector on 127.0.0.1 and returns all bytes it received. */
    private static String sendToCollector(Configure configure) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    in.transferTo(out);
                    return out.toByteArray();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            SyslogAuditSink sink = configure.apply(SyslogAuditSink.builder("127.0.0.1", server.getLocalPort()),
                    "syslog").build();
            try {
                for (AuditEvent e : execEvents()) {
                    sink.accept(e);
                }
            } finally {
                sink.close();
            }
            return new String(received.get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }
}
