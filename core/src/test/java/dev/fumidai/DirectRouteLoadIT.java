// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.testing.EchoServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Drives 1,000 concurrent connections of 1 MiB each through a local forward on {@link Route#direct()} to a real
 * echo server, verifying every byte by SHA-256, with no thread per connection and no leak.
 */
class DirectRouteLoadIT {

    private static final int CONNECTIONS = 1000;
    private static final int SIZE = 1024 * 1024;
    private static final int CHUNK = 32 * 1024;

    /** Makes the bytes of connection {@code id} (deterministic, so the expected digest is known). */
    private static byte[] payloadChunk(long id, int offset, int n) {
        byte[] b = new byte[n];
        Random r = new Random(id * 1_000_003L + offset);
        r.nextBytes(b);
        return b;
    }

    private static byte[] expectedDigest(long id) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int off = 0; off < SIZE; off += CHUNK) {
            md.update(payloadChunk(id, off, Math.min(CHUNK, SIZE - off)));
        }
        return md.digest();
    }

    /** Writes the payload with back-pressure, half-closes, and digests what comes back. */
    private static final class Client extends ChannelInboundHandlerAdapter {
        final long id;
        final CompletableFuture<byte[]> digest = new CompletableFuture<>();
        final MessageDigest md;
        int written;
        long received;

        Client(long id) throws Exception {
            this.id = id;
            this.md = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            writeMore(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeMore(ctx);
        }

        private boolean writing;

        private void writeMore(ChannelHandlerContext ctx) {
            // write() and flush() can fire channelWritabilityChanged synchronously: no re-entry.
            if (writing) {
                return;
            }
            writing = true;
            try {
                while (written < SIZE && ctx.channel().isWritable()) {
                    int off = written;
                    int n = Math.min(CHUNK, SIZE - off);
                    written += n;
                    ctx.write(ctx.alloc().buffer(n).writeBytes(payloadChunk(id, off, n)));
                }
                ctx.flush();
            } finally {
                writing = false;
            }
            if (written == SIZE) {
                written++;
                // EOF only after every byte left: shutdownOutput would fail writes still queued.
                ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                        .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
            } else if (written < SIZE && ctx.channel().isWritable()) {
                ctx.channel().eventLoop().execute(() -> writeMore(ctx));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            received += b.readableBytes();
            md.update(b.nioBuffer());
            b.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (received == SIZE) {
                digest.complete(md.digest());
            } else {
                digest.completeExceptionally(new AssertionError("connection " + id + " got " + received + " bytes"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            digest.completeExceptionally(cause);
            ctx.close();
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void thousandConcurrentConnectionsOfOneMebibyteEach() throws Exception {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("load-client", true),
                NioIoHandler.newFactory());
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        try (EchoServer echo = EchoServer.start();
                JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:load").auditSink(sink).threads(2)
                        .build();
                LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()),
                        ForwardOptions.builder().maxConnections(CONNECTIONS).build())) {
            Bootstrap b = new Bootstrap().group(clients).channel(NioSocketChannel.class)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.SO_BACKLOG, CONNECTIONS);
            List<Client> all = new ArrayList<>();
            AtomicInteger maxActive = new AtomicInteger();
            for (int i = 0; i < CONNECTIONS; i++) {
                Client c = new Client(i);
                all.add(c);
                b.clone().handler(c).connect("127.0.0.1", fwd.localPort()).addListener(f -> {
                    if (!f.isSuccess()) {
                        c.digest.completeExceptionally(f.cause());
                    }
                });
                maxActive.accumulateAndGet(fwd.activeConnections(), Math::max);
            }
            int threadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
            for (Client c : all) {
                byte[] got = c.digest.get(10, TimeUnit.MINUTES);
                maxActive.accumulateAndGet(fwd.activeConnections(), Math::max);
                assertArrayEquals(expectedDigest(c.id), got, "digest of connection " + c.id);
            }
            assertTrue(threadsDuring - threadsBefore < 50,
                    "no thread per connection: " + threadsBefore + " threads before, " + threadsDuring + " during");
            assertTrue(maxActive.get() > 1, "connections were concurrent: at most " + maxActive.get() + " seen");
            List<ForwardClosed> closed = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && (closed = sink.events(ForwardClosed.class)).size() < CONNECTIONS) {
                Thread.onSpinWait();
            }
            assertEquals(CONNECTIONS, closed.size(), "one forward.close per connection");
            for (ForwardClosed fc : closed) {
                assertEquals(SIZE, fc.bytesUp());
                assertEquals(SIZE, fc.bytesDown());
            }
        } finally {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
