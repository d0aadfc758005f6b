// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.TargetUnreachableException;
import dev.fumidai.audit.ExecEnded;
import dev.fumidai.audit.ExecStarted;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.spi.StreamChannels;
import dev.fumidai.ssh.spi.SshExec;
import dev.fumidai.ssh.SshExitStatus;
import dev.fumidai.ssh.spi.SshExtendedDataEvent;
import dev.fumidai.ssh.SshHopSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs commands on a real OpenSSH bastion through {@link SshHopSession#exec}: standard output, standard error
 * (SSH_MSG_CHANNEL_EXTENDED_DATA type 1) and the exit status reach the application, standard input reaches the
 * command, and every command is audited as {@code exec.start} / {@code exec.end}.
 */
@Tag("interop")
class OpenSshExecIT {

    @TempDir
    static Path dir;
    static OpenSshChain chain;

    @BeforeAll
    static void start() throws Exception {
        // With -D -e at DEBUG level, sshd's session process writes its debug lines to the command's stderr.
        chain = OpenSshChain.start(dir, 1, List.of("127.0.0.1:9"), i -> List.of("LogLevel INFO"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (chain != null) {
            chain.close();
        }
    }

    /** Collects stdout, stderr and the end of a command's channel. */
    static final class Output extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        static Output on(SshExec exec) {
            Output o = new Output();
            exec.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            exec.channel().pipeline().addLast(o);
            StreamChannels.release(exec.channel());
            exec.channel().config().setAutoRead(true);
            return o;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                synchronized (this) {
                    b.readBytes(out, b.readableBytes());
                }
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            } finally {
                b.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SshExtendedDataEvent e) {
                try {
                    if (e.isStderr()) {
                        synchronized (this) {
                            e.content().readBytes(err, e.content().readableBytes());
                        }
                    }
                } catch (java.io.IOException x) {
                    throw new AssertionError(x);
                } finally {
                    e.release();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
        }

        synchronized String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        synchronized String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void stdoutStderrAndExitStatusReachTheApplicationAndAreAudited() throws Exception {
        try (DirectHopContext ctx = new DirectHopContext()) {
            SshHopSession session = (SshHopSession) chain.hop(0, b -> b).connect(ctx).get(30, TimeUnit.SECONDS);
            try {
                String command = "sh -c 'echo out; echo err >&2; exit 3'";
                SshExec exec = session.exec(command).get(30, TimeUnit.SECONDS);
                Output o = Output.on(exec);
                SshExitStatus status = exec.exitStatus().get(30, TimeUnit.SECONDS);
                o.closed.get(30, TimeUnit.SECONDS);
                assertEquals(3, status.status().getAsInt());
                assertEquals("out\n", o.out());
                assertEquals("err\n", o.err());

                ExecStarted start = ctx.events(ExecStarted.class).get(0);
                assertEquals(Outcome.SUCCESS, start.outcome());
                assertEquals(command, start.command());
                assertEquals("c1", start.connectionId());
                assertTrue(start.channelId().startsWith("c1/ch-"), start.channelId());
                assertEquals("bastion1", start.hops().get(0).name());
                ExecEnded end = awaitEnd(ctx, 1);
                assertEquals(Outcome.FAILURE, end.outcome());
                assertEquals(ReasonCode.CLOSED_BY_SERVER, end.reason().code());
                assertEquals(3, end.exitStatus());
                assertNull(end.exitSignal());
                assertEquals(start.channelId(), end.channelId());
                assertEquals(command, end.command());
                assertEquals(0, end.bytesUp());
                assertEquals(8, end.bytesDown(), "4 bytes of stdout and 4 of stderr");
            } finally {
                session.close().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void stdinReachesTheCommandAndASignalIsReported() throws Exception {
        try (DirectHopContext ctx = new DirectHopContext()) {
            SshHopSession session = (SshHopSession) chain.hop(0, b -> b).connect(ctx).get(30, TimeUnit.SECONDS);
            try {
                SshExec cat = session.exec("cat; echo done >&2").get(30, TimeUnit.SECONDS);
                Output o = Output.on(cat);
                byte[] data = new byte[300_000];
                new java.util.Random(3).nextBytes(data);
                cat.channel().writeAndFlush(Unpooled.wrappedBuffer(data));
                ((DuplexChannel) cat.channel()).shutdownOutput();
                SshExitStatus status = cat.exitStatus().get(60, TimeUnit.SECONDS);
                assertTrue(status.isSuccess(), status::toString);
                assertEquals(data.length, o.out.size());
                assertEquals("done\n", o.err());
                ExecEnded end = awaitEnd(ctx, 1);
                assertEquals(Outcome.SUCCESS, end.outcome());
                assertEquals(data.length, end.bytesUp());
                assertEquals(data.length + 5, end.bytesDown());

                // A command that kills itself: exit-signal, no exit status.
                SshExec killed = session.exec("kill -TERM $$").get(30, TimeUnit.SECONDS);
                Output.on(killed);
                SshExitStatus signalled = killed.exitStatus().get(30, TimeUnit.SECONDS);
                assertEquals("TERM", signalled.signal().orElse(null), signalled::toString);
                ExecEnded end2 = awaitEnd(ctx, 2);
                assertEquals("TERM", end2.exitSignal());
                assertNull(end2.exitStatus());
                assertEquals(Outcome.FAILURE, end2.outcome());
            } finally {
                session.close().get(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Sends 5 MB of stderr, more than twice our 2 MiB window, while stdout stays quiet: the command finishes only
     * if stderr's window is given back as it is handed on.
     */
    @Test
    void stderrBeyondOneWindowFlowsBecauseItsWindowIsReturned() throws Exception {
        try (DirectHopContext ctx = new DirectHopContext()) {
            SshHopSession session = (SshHopSession) chain.hop(0, b -> b).connect(ctx).get(30, TimeUnit.SECONDS);
            try {
                SshExec exec = session.exec("head -c 5000000 /dev/zero >&2; echo done").get(30, TimeUnit.SECONDS);
                Output o = Output.on(exec);
                SshExitStatus status = exec.exitStatus().get(60, TimeUnit.SECONDS);
                assertTrue(status.isSuccess(), status::toString);
                synchronized (o) {
                    assertEquals(5_000_000, o.err.size());
                }
                assertEquals("done\n", o.out());
                assertEquals(5_000_005, awaitEnd(ctx, 1).bytesDown());
            } finally {
                session.close().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aRefusedSessionIsAuditedAsAFailedStart() throws Exception {
        // MaxSessions 0: sshd refuses every session channel while still permitting forwarding.
        try (OpenSshChain refusing = OpenSshChain.start(dir.resolve("refusing"), 1, List.of("127.0.0.1:9"),
                i -> List.of("MaxSessions 0", "LogLevel INFO"));
                DirectHopContext ctx = new DirectHopContext()) {
            SshHopSession session = (SshHopSession) refusing.hop(0, b -> b).connect(ctx).get(30, TimeUnit.SECONDS);
            try {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> session.exec("true").get(30, TimeUnit.SECONDS));
                assertInstanceOf(TargetUnreachableException.class, e.getCause(), e::toString);
                ExecStarted start = ctx.events(ExecStarted.class).get(0);
                assertEquals(Outcome.FAILURE, start.outcome());
                assertEquals(ReasonCode.TARGET_UNREACHABLE, start.reason().code());
                assertEquals("true", start.command());
                assertTrue(ctx.events(ExecEnded.class).isEmpty());
            } finally {
                session.close().get(10, TimeUnit.SECONDS);
            }
        }
    }

    static ExecEnded awaitEnd(DirectHopContext ctx, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ctx.events(ExecEnded.class).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<ExecEnded> ends = ctx.events(ExecEnded.class);
        assertTrue(ends.size() >= count, () -> "exec.end events: " + ctx.events);
        return ends.get(count - 1);
    }
}
