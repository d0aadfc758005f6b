// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.TargetUnreachableException;
import dev.fumidai.ssh.InsecureAcceptAnyHostKey;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.message.SshWire;
import dev.fumidai.ssh.internal.transport.PipelineNames;
import dev.fumidai.ssh.internal.transport.SshClientTransport;
import dev.fumidai.spi.StreamChannels;
import dev.fumidai.testing.EchoServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the connection layer over the real transport against Apache MINA SSHD 2.20 in the same JVM. User
 * authentication is a hand-written password request (RFC 4252 §8) until the auth layer exists.
 */
class SshConnectionMinaTest {

    static SshServer server;
    static EchoServer echo;
    EventLoopGroup group;
    Channel channel;
    /** Set before {@link #connect} to put latency on the link (first in our pipeline). */
    ChannelHandler linkDelay;

    @BeforeAll
    static void startServers() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(g.generateKeyPair()));
        server.setPasswordAuthenticator((user, password, session) -> "alice".equals(user) && "pw".equals(password));
        server.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        // MINA leaves Nagle's algorithm on; the latency tests should measure their link, not Nagle with delayed ACKs.
        org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(server, true);
        server.setCommandFactory((channel, command) -> command.startsWith("bytes ")
                ? new BytesCommand(Long.parseLong(command.substring(6))) : new FixedCommand(command));
        server.start();
        echo = EchoServer.start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (server != null) {
            server.stop(true);
        }
        if (echo != null) {
            echo.close();
        }
    }

    @AfterEach
    void close() throws Exception {
        if (channel != null) {
            channel.close().await(5, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    static int port() {
        return ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
    }

    /** Connects, authenticates with a password by hand, and installs the connection layer. */
    SshConnection connect(SshConnectionConfig config) throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CompletableFuture<SshConnection> result = new CompletableFuture<>();
        String where = "ssh hop \"mina\" 127.0.0.1:" + port();
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (linkDelay != null) {
                            ch.pipeline().addFirst(linkDelay);
                        }
                        SshClientTransport.install(ch, SshTransportConfig.defaults(), "127.0.0.1", port(), where,
                                InsecureAcceptAnyHostKey.acceptingAnyHostKeyInsecurely())
                                .addListener(f -> {
                                    if (!f.isSuccess()) {
                                        result.completeExceptionally(f.cause());
                                        return;
                                    }
                                    ByteBuf b = Unpooled.buffer();
                                    b.writeByte(50);
                                    SshWire.writeString(b, "alice");
                                    SshWire.writeString(b, "ssh-connection");
                                    SshWire.writeString(b, "password");
                                    SshWire.writeBoolean(b, false);
                                    SshWire.writeString(b, "pw");
                                    ch.writeAndFlush(b);
                                });
                        ch.pipeline().addLast(PipelineNames.USERAUTH, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf b = (ByteBuf) msg;
                                int type = b.getUnsignedByte(b.readerIndex());
                                b.release();
                                if (type == 52) {
                                    ctx.pipeline().remove(this);
                                    result.complete(SshConnection.install(ctx.channel(), config.withWhere(where)));
                                } else if (type != 53) {
                                    result.completeExceptionally(new AssertionError("auth answer " + type));
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                result.completeExceptionally(cause);
                            }
                        });
                    }
                }).connect("127.0.0.1", port()).sync().channel();
        return result.get(30, TimeUnit.SECONDS);
    }

    /** Reads a channel to the end, digesting what arrives, and writes {@code data} as the window allows. */
    static final class Pump extends ChannelInboundHandlerAdapter {
        final MessageDigest digest;
        final byte[] data;
        final CompletableFuture<byte[]> eof = new CompletableFuture<>();
        long received;
        int offset;

        Pump(byte[] data) throws Exception {
            this.data = data;
            this.digest = MessageDigest.getInstance("SHA-256");
        }

        Channel channel;

        void start() {
            channel.eventLoop().execute(() -> write(channel));
        }

        void write(Channel ch) {
            while (offset < data.length && ch.isWritable()) {
                int n = Math.min(16 * 1024 + 7, data.length - offset);
                ch.write(Unpooled.wrappedBuffer(data, offset, n));
                offset += n;
            }
            ch.flush();
            if (offset == data.length) {
                offset++;
                ((DuplexChannel) ch).shutdownOutput();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && offset < data.length) {
                write(ctx.channel());
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            received += b.readableBytes();
            digest.update(b.nioBuffer());
            b.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                eof.complete(digest.digest());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            eof.completeExceptionally(new AssertionError("closed after " + received + " bytes, cause "
                    + ctx.channel().attr(StreamChannels.CLOSE_CAUSE).get()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            eof.completeExceptionally(cause);
        }
    }

    @Test
    void directTcpipMovesMegabytesThroughAnEchoServerWithHalfClose() throws Exception {
        SshConnection connection = connect(SshConnectionConfig.defaults("x"));
        Channel ch = connection.openDirectTcpip("127.0.0.1", echo.port(), "127.0.0.1", 12345).get(30, TimeUnit.SECONDS);
        byte[] data = new byte[6 * 1024 * 1024 + 13];
        new Random(42).nextBytes(data);
        Pump pump = new Pump(data);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        pump.channel = ch;
        ch.pipeline().addLast(pump);
        StreamChannels.release(ch);
        ch.config().setAutoRead(true);
        pump.start();
        byte[] got = pump.eof.get(60, TimeUnit.SECONDS);
        assertEquals(data.length, pump.received);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), got);
        ch.close().sync();
    }

    @Test
    void slowReaderHoldsAtMostOneWindowWhileTheServerHasMore() throws Exception {
        int window = 256 * 1024;
        SshConnection connection = connect(SshConnectionConfig.defaults("x").withInitialWindowSize(window));
        SshChannel ch = (SshChannel) connection.openDirectTcpip("127.0.0.1", echo.port(), "127.0.0.1", 1)
                .get(30, TimeUnit.SECONDS);
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(3).nextBytes(data);
        Pump pump = new Pump(data);
        pump.channel = ch;
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ch.pipeline().addLast(pump);
        StreamChannels.release(ch);
        // autoRead stays off and nobody reads: the echo comes back until our window is used up, then stops.
        pump.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long queued = 0;
        while (System.nanoTime() < deadline) {
            queued = ch.eventLoop().submit(ch::queuedInboundBytes).get();
            if (queued == window) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(window, queued, "a full window arrives unread");
        Thread.sleep(500);
        assertEquals(window, ch.eventLoop().submit(ch::queuedInboundBytes).get(), "and not a byte more");
        assertEquals(0L, ch.eventLoop().submit(ch::localWindow).get());
        assertEquals(window, ch.eventLoop().submit(ch::window).get(),
                "a reader that never read kept the initial window");
        ch.config().setAutoRead(true);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), pump.eof.get(60, TimeUnit.SECONDS));
    }

    /**
     * Issue #14: over a link with 20 ms of latency a reader that keeps up grows its channel's window from 64 KiB
     * toward the cap, since the server, writing as fast as the window allows, uses the whole window every round trip.
     */
    @Test
    void aPromptReaderGrowsItsWindowOverALinkWithLatency() throws Exception {
        long delay = TimeUnit.MILLISECONDS.toNanos(50);
        linkDelay = new InboundDelay(delay);
        // 16 KiB per 100 ms round trip is 160 KB/s: the window, not the machine, limits even a loaded machine.
        int initial = 16 * 1024;
        int cap = 256 * 1024;
        SshConnection connection = connect(SshConnectionConfig.defaults("x").withInitialWindowSize(initial)
                .withMaxPacketSize(4 * 1024).withMaxWindowSize(cap));
        SshChannel session = connection.openSession().get(30, TimeUnit.SECONDS);
        PatternReader reader = new PatternReader(session);
        session.pipeline().addLast(reader);
        StreamChannels.release(session);
        session.config().setAutoRead(true);
        long total = 2L << 20;
        session.exec("bytes " + total).get(30, TimeUnit.SECONDS);
        try {
            reader.done.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            long[] st = session.eventLoop().submit(() -> new long[] {session.window(), session.localWindow(),
                    session.queuedInboundBytes(), session.bytesReceived()}).get(5, TimeUnit.SECONDS);
            throw new AssertionError("stalled after " + reader.received + " bytes; window " + st[0] + ", local "
                    + st[1] + ", queued " + st[2] + ", received " + st[3], e);
        }
        assertEquals(total, reader.received);
        assertEquals(0, session.exitStatus().get(60, TimeUnit.SECONDS).status().getAsInt());
        assertTrue(reader.maxWindow >= 2 * initial && reader.maxWindow <= cap, "window grew to " + reader.maxWindow);
        assertTrue(reader.growths >= 1, "growths " + reader.growths);
        assertTrue(reader.rtt >= delay, "the round-trip estimate " + reader.rtt + " ns is at least the link's delay");
    }

    /**
     * Issue #14: over a link with latency, a reader that takes one buffer (at most 8 KiB) every 100 ms, far slower
     * than the window allows, lets data pile up, and its window stays at the initial size.
     */
    @Test
    void aSlowReaderKeepsTheInitialWindowOverALinkWithLatency() throws Exception {
        linkDelay = new InboundDelay(TimeUnit.MILLISECONDS.toNanos(20));
        int initial = 64 * 1024;
        SshConnection connection = connect(SshConnectionConfig.defaults("x").withInitialWindowSize(initial)
                .withMaxPacketSize(8 * 1024).withMaxWindowSize(1024 * 1024));
        SshChannel session = connection.openSession().get(30, TimeUnit.SECONDS);
        PatternReader reader = new PatternReader(session);
        session.pipeline().addLast(reader);
        StreamChannels.release(session);
        long total = 2L << 20;
        session.exec("bytes " + total).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 15; i++) {
            session.eventLoop().schedule(() -> session.read(), 100, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
        }
        long[] state = session.eventLoop().submit(() -> new long[] {session.window(), session.windowGrowths(),
                session.queuedInboundBytes(), session.rttEstimateNanos()}).get(5, TimeUnit.SECONDS);
        assertTrue(reader.received > 0, "the reader read");
        assertTrue(state[3] > 0, "the round trip was measured, so the window could have grown");
        assertEquals(initial, state[0], "window");
        assertEquals(0, state[1], "growths");
        assertTrue(state[2] <= initial, "unread " + state[2]);
        session.config().setAutoRead(true);
        reader.done.get(60, TimeUnit.SECONDS);
        assertEquals(total, reader.received);
    }

    /** Checks the {@code bytes N} command's pattern as it arrives and notes the channel's window, on the event loop. */
    static final class PatternReader extends ChannelInboundHandlerAdapter {
        final SshChannel ch;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile long received;
        volatile long maxWindow;
        volatile int growths;
        volatile long rtt;

        PatternReader(SshChannel ch) {
            this.ch = ch;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                long at = received;
                for (int i = b.readerIndex(); i < b.writerIndex(); i++, at++) {
                    if (b.getByte(i) != BytesCommand.patternByte(at)) {
                        done.completeExceptionally(new AssertionError("wrong byte at " + at));
                    }
                }
                received = at;
            } finally {
                b.release();
            }
            maxWindow = Math.max(maxWindow, ch.window());
            growths = ch.windowGrowths();
            rtt = ch.rttEstimateNanos();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                done.complete(null);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(null);
        }
    }

    /**
     * Delays every inbound read of the connection by a fixed time, in order: a link with that much latency one way,
     * so a window's worth per round trip is much less than the loopback can carry. Whatever is held is passed on at
     * once when the connection ends, so nothing leaks.
     */
    static final class InboundDelay extends ChannelInboundHandlerAdapter {
        private final long delayNanos;
        private final ArrayDeque<Object[]> held = new ArrayDeque<>();

        InboundDelay(long delayNanos) {
            this.delayNanos = delayNanos;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            held.add(new Object[] {System.nanoTime() + delayNanos, msg});
            ctx.executor().schedule(() -> release(ctx, false), delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Fired with the delayed reads instead.
        }

        private void release(ChannelHandlerContext ctx, boolean all) {
            long now = System.nanoTime();
            boolean fired = false;
            while (!held.isEmpty() && (all || (long) held.peek()[0] <= now)) {
                ctx.fireChannelRead(held.poll()[1]);
                fired = true;
            }
            if (fired) {
                ctx.fireChannelReadComplete();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            release(ctx, true);
            super.channelInactive(ctx);
        }
    }

    /** Writes {@code n} bytes of a known pattern from a thread of its own, as fast as the window allows, then exits. */
    static final class BytesCommand implements Command {
        private final long n;
        private OutputStream out;
        private org.apache.sshd.server.ExitCallback exit;

        BytesCommand(long n) {
            this.n = n;
        }

        static byte patternByte(long at) {
            return (byte) (at * 31 + (at >>> 13));
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setExitCallback(org.apache.sshd.server.ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(org.apache.sshd.server.channel.ChannelSession channel,
                org.apache.sshd.server.Environment env) {
            Thread t = new Thread(() -> {
                try {
                    byte[] buf = new byte[32 * 1024];
                    for (long at = 0; at < n;) {
                        int len = (int) Math.min(buf.length, n - at);
                        for (int i = 0; i < len; i++) {
                            buf[i] = patternByte(at + i);
                        }
                        out.write(buf, 0, len);
                        at += len;
                    }
                    out.flush();
                    exit.onExit(0);
                } catch (IOException e) {
                    exit.onExit(1);
                }
            }, "bytes-command");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void destroy(org.apache.sshd.server.channel.ChannelSession channel) {
        }
    }

    @Test
    void severalChannelsShareOneConnection() throws Exception {
        SshConnection connection = connect(SshConnectionConfig.defaults("x").withInitialWindowSize(64 * 1024));
        Pump[] pumps = new Pump[8];
        for (int i = 0; i < pumps.length; i++) {
            Channel ch = connection.openDirectTcpip("127.0.0.1", echo.port(), "127.0.0.1", 1).get(30, TimeUnit.SECONDS);
            byte[] data = new byte[300_000 + i];
            new Random(i).nextBytes(data);
            pumps[i] = new Pump(data);
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            pumps[i].channel = ch;
            ch.pipeline().addLast(pumps[i]);
            StreamChannels.release(ch);
            ch.config().setAutoRead(true);
        }
        for (Pump p : pumps) {
            p.start();
        }
        for (Pump p : pumps) {
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(p.data), p.eof.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void refusedDirectTcpipCarriesTheServersReason() throws Exception {
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        try {
            SshConnection connection = connect(SshConnectionConfig.defaults("x"));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> connection.openDirectTcpip("127.0.0.1", echo.port(), "127.0.0.1", 1).get(30, TimeUnit.SECONDS));
            TargetUnreachableException t = assertInstanceOf(TargetUnreachableException.class, e.getCause());
            assertTrue(t.getMessage().contains("code 1") || t.getMessage().contains("code 2"), t.getMessage());
            assertTrue(t.getMessage().contains("mina"), t.getMessage());
        } finally {
            server.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        }
    }

    @Test
    void execReturnsOutputAndExitStatus() throws Exception {
        SshConnection connection = connect(SshConnectionConfig.defaults("x"));
        SshChannel session = connection.openSession().get(30, TimeUnit.SECONDS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        session.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                b.release();
                synchronized (out) {
                    out.writeBytes(bytes);
                }
            }
        });
        StreamChannels.release(session);
        session.config().setAutoRead(true);
        session.exec("echo hi").get(30, TimeUnit.SECONDS);
        ExitStatus status = session.exitStatus().get(30, TimeUnit.SECONDS);
        assertEquals(3, status.status().getAsInt());
        synchronized (out) {
            assertEquals("ran: echo hi\n", out.toString(StandardCharsets.UTF_8));
        }
    }

    /** Writes "ran: COMMAND\n" and exits with status 3. */
    static final class FixedCommand implements Command {
        private final String command;
        private OutputStream out;
        private org.apache.sshd.server.ExitCallback exit;

        FixedCommand(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setExitCallback(org.apache.sshd.server.ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(org.apache.sshd.server.channel.ChannelSession channel,
                org.apache.sshd.server.Environment env) throws IOException {
            out.write(("ran: " + command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            exit.onExit(3);
        }

        @Override
        public void destroy(org.apache.sshd.server.channel.ChannelSession channel) {
        }
    }
}
