// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.spi.StreamChannels;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks that a {@link LoopBridge} moves a flow-controlled stream (a {@link PipeStreamChannel} pair standing in for
 * an SSH channel of the hop before) to another event loop without losing, reordering or duplicating a byte, in both
 * directions at once, with random write sizes, windows and bridge limits, slow readers on both ends, and half-close
 * (EOF after the last byte, while the other direction goes on); and that its buffering stays bounded: the inner
 * channel never holds more than the outbound limit, and a slow reader behind the bridge holds the far end back
 * within a window plus the inbound limit.
 */
class LoopBridgeProperties {

    private static final long T = 30;
    private static EventLoopGroup group;
    private static EventLoop x;
    private static EventLoop y;

    @BeforeAll
    static void start() {
        group = new DefaultEventLoopGroup(2);
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        x = loops.get(0);
        y = loops.get(1);
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void everyByteCrossesInOrderBothWaysWithBoundedBuffers() {
        PropertyCheck.forAll(40, Gens.longs(), Gens.ints(64, 65536), Gens.ints(1, 65536), Gens.ints(1, 65536),
                Gens.ints(0, 150_000), Gens.ints(0, 150_000), this::everyByteCrosses);
    }

    /** Reads with pauses, writes random chunks while writable, shuts its output after the last byte. */
    private static final class Endpoint extends ChannelInboundHandlerAdapter {
        private final Random rnd;
        private final byte[] toSend;
        private final int maxChunk;
        private final LongSupplier farSent;
        private int pos;
        private boolean shutdownAsked;
        final CRC32 crc = new CRC32();
        long received;
        long maxUnread;
        long receivedAtEof = -1;
        final CompletableFuture<Void> inputDone = new CompletableFuture<>();
        final CompletableFuture<Void> outputDone = new CompletableFuture<>();

        Endpoint(long seed, byte[] toSend, int maxChunk, LongSupplier farSent) {
            this.rnd = new Random(seed);
            this.toSend = toSend;
            this.maxChunk = maxChunk;
            this.farSent = farSent;
        }

        void start(ChannelHandlerContext ctx) {
            ctx.read();
            writeMore(ctx);
        }

        private void writeMore(ChannelHandlerContext ctx) {
            boolean wrote = false;
            while (pos < toSend.length && ctx.channel().isWritable()) {
                int n = 1 + rnd.nextInt(Math.min(maxChunk, toSend.length - pos));
                ByteBuf b = ctx.alloc().buffer(n);
                b.writeBytes(toSend, pos, n);
                pos += n;
                ctx.write(b).addListener(f -> {
                    if (!f.isSuccess()) {
                        outputDone.completeExceptionally(f.cause());
                    }
                });
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
            if (pos == toSend.length && !shutdownAsked) {
                shutdownAsked = true;
                ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(f -> {
                    if (f.isSuccess()) {
                        outputDone.complete(null);
                    } else {
                        outputDone.completeExceptionally(f.cause());
                    }
                });
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeMore(ctx);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                int n = b.readableBytes();
                byte[] a = new byte[n];
                b.readBytes(a);
                crc.update(a);
                received += n;
                // This thread is the only reader, so nothing is read between these two lines: the difference is
                // what the far end has sent and this end not yet read, at one instant.
                maxUnread = Math.max(maxUnread, farSent.getAsLong() - received);
            } finally {
                b.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // A slow reader now and then: the bridge must hold the far end back meanwhile.
            if (rnd.nextInt(8) == 0) {
                ctx.executor().schedule(() -> {
                    ctx.read();
                }, 1 + rnd.nextInt(2), TimeUnit.MILLISECONDS);
            } else {
                ctx.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                receivedAtEof = received;
                inputDone.complete(null);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inputDone.completeExceptionally(new IllegalStateException("closed before EOF after " + received));
            outputDone.completeExceptionally(new IllegalStateException("closed before the output was shut"));
        }
    }

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private void everyByteCrosses(long seed, int window, int inLimit, int outLimit, int upBytes, int downBytes)
            throws Exception {
        Random r = new Random(seed);
        byte[] up = random(r, upBytes);
        byte[] down = random(r, downBytes);
        boolean innerSideCloses = r.nextBoolean();
        PipeStreamChannel[] pair = PipeStreamChannel.pair(window);
        PipeStreamChannel inner = pair[0];
        PipeStreamChannel far = pair[1];
        StreamChannels.hold(inner); // as every stream of a hop session comes
        far.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        Endpoint server = new Endpoint(r.nextLong(), down, 1 + r.nextInt(3 * window), () -> 0);
        Endpoint client = new Endpoint(r.nextLong(), up, 1 + r.nextInt(20_000), far.sent::get);
        far.pipeline().addLast(server);
        x.register(inner).sync();
        x.register(far).sync();
        Channel outer = LoopBridge.bridge(inner, y, inLimit, outLimit).get(T, TimeUnit.SECONDS);
        try {
            assertSame(y, outer.eventLoop(), "the outer channel is on the other loop");
            assertNotSame(inner.eventLoop(), outer.eventLoop());
            assertTrue(outer.isActive(), "handed out active");
            assertFalse(outer.config().isAutoRead(), "handed out with autoRead off");
            outer.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            y.submit(() -> {
                outer.pipeline().addLast(client);
                StreamChannels.release(outer);
                client.start(outer.pipeline().context(client));
            }).get(T, TimeUnit.SECONDS);
            x.submit(() -> server.start(far.pipeline().context(server))).get(T, TimeUnit.SECONDS);

            CompletableFuture.allOf(client.inputDone, client.outputDone, server.inputDone, server.outputDone)
                    .get(T, TimeUnit.SECONDS);
            assertEquals(upBytes, x.submit(() -> server.received).get(T, TimeUnit.SECONDS), "upload byte count");
            assertEquals(crc(up), x.submit(() -> server.crc.getValue()).get(T, TimeUnit.SECONDS), "upload CRC");
            assertEquals(upBytes, x.submit(() -> server.receivedAtEof).get(T, TimeUnit.SECONDS),
                    "EOF reached the far end after the last uploaded byte");
            assertEquals(downBytes, y.submit(() -> client.received).get(T, TimeUnit.SECONDS), "download byte count");
            assertEquals(crc(down), y.submit(() -> client.crc.getValue()).get(T, TimeUnit.SECONDS), "download CRC");
            assertEquals(downBytes, y.submit(() -> client.receivedAtEof).get(T, TimeUnit.SECONDS),
                    "EOF reached the outer pipeline after the last downloaded byte");
            long maxInner = x.submit(inner::maxPendingOutbound).get(T, TimeUnit.SECONDS);
            assertTrue(maxInner <= outLimit, "the inner channel held " + maxInner + " bytes > outbound limit "
                    + outLimit);
            long maxUnread = y.submit(() -> client.maxUnread).get(T, TimeUnit.SECONDS);
            long bound = 2L * window + inLimit;
            assertTrue(maxUnread <= bound, "the far end got " + maxUnread + " bytes ahead of a slow reader behind"
                    + " the bridge, more than window " + window + " x 2 + inbound limit " + inLimit);

            if (innerSideCloses) {
                far.close().sync();
                outer.closeFuture().get(T, TimeUnit.SECONDS);
                inner.closeFuture().get(T, TimeUnit.SECONDS);
            } else {
                outer.close().sync();
                inner.closeFuture().get(T, TimeUnit.SECONDS);
                far.closeFuture().get(T, TimeUnit.SECONDS);
            }
            assertTrue(inner.streamClosed, "the inner stream was closed");
        } finally {
            outer.close();
            inner.close();
            far.close();
            outer.closeFuture().get(T, TimeUnit.SECONDS);
            far.closeFuture().get(T, TimeUnit.SECONDS);
            // Let the last cross-loop tasks (releases of what was in flight) run before the leak check.
            x.submit(() -> null).get(T, TimeUnit.SECONDS);
            y.submit(() -> null).get(T, TimeUnit.SECONDS);
            x.submit(() -> null).get(T, TimeUnit.SECONDS);
        }
    }
}
