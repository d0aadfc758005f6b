// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.CommandExit;
import dev.fumidai.JumpHost;
import dev.fumidai.RemoteCommand;
import dev.fumidai.audit.ExecEnded;
import dev.fumidai.audit.ExecStarted;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs commands on the last of two real OpenSSH bastions with {@link JumpHost#exec}: standard output and error as
 * JDK streams, the exit status, a signal, standard input closed early, and 100 MiB of output read slowly while the
 * bytes buffered in the stream adapter stay bounded; {@code exec.start}/{@code exec.end} list both hops.
 */
@Tag("interop")
class JumpHostExecIT {

    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static OpenSshChain chain;
    InMemoryAuditSink sink;
    JumpHost jh;

    @BeforeAll
    static void start() throws Exception {
        // LogLevel INFO: at DEBUG, sshd's session process writes its debug lines to the command's stderr.
        chain = OpenSshChain.start(dir, 2, List.of("127.0.0.1:9"), i -> List.of("LogLevel INFO"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (chain != null) {
            chain.close();
        }
    }

    @BeforeEach
    void open() {
        sink = InMemoryAuditSink.create();
        jh = JumpHost.builder().route(chain.route()).actor("test:exec").auditSink(sink).build();
    }

    @AfterEach
    void close() {
        jh.close();
    }

    static String text(InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void stdoutStderrAndExitStatusWithEveryHopAudited() throws Exception {
        try (RemoteCommand c = jh.exec("echo to-out; echo to-err >&2; exit 3", T)) {
            assertEquals("to-out\n", text(c.stdout()));
            assertEquals("to-err\n", text(c.stderr()));
            CommandExit exit = c.exit().get(T.toSeconds(), TimeUnit.SECONDS);
            assertEquals(OptionalInt.of(3), exit.status());
            assertEquals(Optional.empty(), exit.signal());
        }
        ExecStarted start = sink.await(ExecStarted.class, T);
        assertEquals(Outcome.SUCCESS, start.outcome());
        assertEquals(2, start.hops().size(), "exec.start lists every hop of the route");
        assertEquals("bastion2", start.hops().get(1).name());
        ExecEnded end = sink.await(ExecEnded.class, T);
        assertEquals(2, end.hops().size(), "exec.end lists every hop of the route");
        assertEquals(Integer.valueOf(3), end.exitStatus());
    }

    @Test
    void signalEndsTheCommand() throws Exception {
        try (RemoteCommand c = jh.exec("kill -TERM $$", T)) {
            assertEquals("", text(c.stdout()));
            CommandExit exit = c.exit().get(T.toSeconds(), TimeUnit.SECONDS);
            assertEquals(Optional.of("TERM"), exit.signal());
            assertEquals(OptionalInt.empty(), exit.status());
        }
        assertEquals("TERM", sink.await(ExecEnded.class, T).exitSignal());
    }

    @Test
    void stdinReachesTheCommandAndEofEndsIt() throws Exception {
        try (RemoteCommand c = jh.exec("wc -c", T)) {
            c.stdin().write(new byte[12345]);
            c.stdin().close();
            assertEquals("12345", text(c.stdout()).trim());
            assertEquals(OptionalInt.of(0), c.exit().get(T.toSeconds(), TimeUnit.SECONDS).status());
        }
    }

    @Test
    void stdinClosedBeforeTheCommandReadsIt() throws Exception {
        try (RemoteCommand c = jh.exec("sleep 0.3; cat; echo after-eof", T)) {
            c.stdin().close();
            assertEquals("after-eof\n", text(c.stdout()));
            assertEquals(OptionalInt.of(0), c.exit().get(T.toSeconds(), TimeUnit.SECONDS).status());
        }
    }

    @Test
    void hundredMebibytesReadSlowlyKeepTheAdapterBounded() throws Exception {
        long total = 100L << 20;
        // Our bound: the bridge stops asking at 256 KiB unread, and one read hands on at most the SSH channel's
        // queue, itself at most our 2 MiB window. Anything near the 100 MiB would mean unbounded buffering.
        long bound = (256L << 10) + (2L << 20);
        long maxBuffered = 0;
        long read = 0;
        try (RemoteCommand c = jh.exec("head -c " + total + " /dev/zero", T)) {
            byte[] buf = new byte[64 * 1024];
            InputStream out = c.stdout();
            int n;
            long chunks = 0;
            while ((n = out.read(buf)) >= 0) {
                read += n;
                maxBuffered = Math.max(maxBuffered, c.bufferedBytes());
                if (++chunks % 16 == 0) {
                    Thread.sleep(2); // a slow reader: the server must wait for our window
                }
            }
            assertEquals(OptionalInt.of(0), c.exit().get(T.toSeconds(), TimeUnit.SECONDS).status());
        }
        assertEquals(total, read);
        assertTrue(maxBuffered <= bound, "bytes buffered in the adapter stayed bounded: max " + maxBuffered);
        assertTrue(maxBuffered > 0, "the reader saw buffered bytes at all (the measure works)");
    }

    @Test
    void stderrBeyondOneWindowArrivesWhole() throws Exception {
        // 3 MiB on standard error, more than one 2 MiB channel window. Both streams are read at once, as with a
        // java.lang.Process: with both flow-controlled, reading one to its end first may wait forever.
        try (RemoteCommand c = jh.exec("head -c 3145728 /dev/zero >&2; echo done", T)) {
            java.util.concurrent.CompletableFuture<Integer> err = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return c.stderr().readAllBytes().length;
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            assertEquals("done\n", text(c.stdout()));
            assertEquals(3145728, err.get(T.toSeconds(), TimeUnit.SECONDS));
            assertEquals(OptionalInt.of(0), c.exit().get(T.toSeconds(), TimeUnit.SECONDS).status());
        }
    }

    @Test
    void directRouteRefusesExecWithATypedError() throws Exception {
        try (JumpHost direct = JumpHost.builder().route(dev.fumidai.Route.direct()).actor("test:exec").build()) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> direct.exec("true", T));
            assertInstanceOf(dev.fumidai.UnsupportedHopOperationException.class, e);
        }
    }
}
