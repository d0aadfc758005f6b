// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.testing.EchoServer;
import dev.fumidai.testing.TcpPipe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class CommandHopTest {

    private static final Duration T = Duration.ofSeconds(30);

    /** Runs {@link TcpPipe} with this JVM: a stdio-to-TCP tool every machine with a JDK has. */
    static CommandHop javaPipe() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return CommandHop.of(java, "-cp", System.getProperty("java.class.path"), TcpPipe.class.getName(), "%h", "%p")
                .named("tcppipe");
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    static void echoThrough(JumpHost jh, int port, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", port), T)) {
            Thread w = new Thread(() -> {
                try {
                    c.outputStream().write(data);
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            w.start();
            byte[] back = readAll(c.inputStream());
            w.join();
            assertEquals(size, back.length);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data),
                    MessageDigest.getInstance("SHA-256").digest(back));
        }
    }

    @Test
    void tokensAreReplacedPerArgumentWithoutAShell() {
        CommandHop hop = CommandHop.of("nc", "%h", "%p", "100%%", "x%hy");
        assertEquals(List.of("nc", "db.internal", "5432", "100%", "xdb.internaly"),
                hop.commandFor(Target.of("db.internal", 5432)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandHop.of("nc", "%r").commandFor(Target.of("a", 1)));
        assertTrue(e.getMessage().contains("%r"));
    }

    @Test
    void streamsThroughAChildProcessAndReapsIt() throws Exception {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        try (EchoServer echo = EchoServer.start();
                JumpHost jh = JumpHost.builder().route(Route.of(javaPipe())).actor("test:cmd").auditSink(sink)
                        .build()) {
            long before = ProcessHandle.current().descendants().count();
            echoThrough(jh, echo.port(), 2 * 1024 * 1024);
            echoThrough(jh, echo.port(), 10);
            HopConnected hc = sink.await(HopConnected.class, T);
            assertEquals("command", hc.hop().transport());
            assertEquals("tcppipe", hc.hop().name());
            sink.await(ForwardClosed.class, T);
            // The processes of closed streams are reaped.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ProcessHandle.current().descendants().count() > before && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(before, ProcessHandle.current().descendants().count(), "child processes reaped");
        }
    }

    @Test
    void closingAStreamKillsAProcessThatWouldRunForever() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(Route.of(CommandHop.of("sleep", "600").named("sleeper")))
                .actor("test:cmd").build()) {
            TunnelConnection c = jh.connect(Target.of("ignored", 1), T);
            List<ProcessHandle> kids = new ArrayList<>();
            ProcessHandle.current().children().forEach(kids::add);
            ProcessHandle sleeper = kids.stream().filter(p -> p.info().command().orElse("").endsWith("sleep"))
                    .findFirst().orElseThrow();
            c.close();
            sleeper.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(!sleeper.isAlive(), "the process is gone");
        }
    }

    @Test
    void aCommandThatCannotRunNamesTheHop() {
        try (JumpHost jh = JumpHost.builder().route(Route.of(CommandHop.of("/nonexistent/tool", "%h")))
                .actor("test:cmd").build()) {
            TargetUnreachableException e = assertThrows(TargetUnreachableException.class,
                    () -> jh.connect(Target.of("db", 5432), T));
            assertTrue(e.getMessage().startsWith("command hop \"tool\" => db:5432"), e.getMessage());
            assertTrue(e.getMessage().contains("/nonexistent/tool"), e.getMessage());
        }
    }

    /**
     * Runs socat with {@code -t 60}: by default socat exits 0.5 s after one direction ends, which under load cut
     * off the last echoed chunk (seen once: 16 KiB short of 4 MiB).
     */
    @Test
    @Tag("interop")
    void streamsThroughSocat() throws Exception {
        assertTrue(new java.io.File("/usr/bin/socat").canExecute(),
                "socat is required for the interop profile (.ci/run installs it with apt-get)");
        try (EchoServer echo = EchoServer.start();
                JumpHost jh = JumpHost.builder().route(Route.of(CommandHop.of("socat", "-t", "60", "-", "TCP:%h:%p")))
                        .actor("test:socat").build()) {
            echoThrough(jh, echo.port(), 4 * 1024 * 1024);
        }
    }
}
