// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The relay's flushes toward a peer on the same event loop (issue #14): a tunnel stream delivers one SSH packet per
 * {@code channelRead} + {@code channelReadComplete}, so a flush per read complete meant one {@code send} to the
 * local socket per packet; several packets decoded from one socket read are now written with one flush, after the
 * event loop's current task, and every byte still arrives in order.
 */
class RelayFlushTest {

    /** Counts flushes that reach the channel, and passes them on. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }
    }

    @Test
    void readsDeliveredInOneTaskAreFlushedOnceAndInOrder() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        LocalAddress address = new LocalAddress("relay-flush-" + System.nanoTime());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int packets = 5;
        int size = 1000;
        CountDownLatch all = new CountDownLatch(packets * size);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            ch.config().setAutoRead(false);
                            accepted.complete(ch);
                        }
                    }).bind(address).sync().channel();
            // The far end of the "local socket": collects what the relay writes to it.
            Channel far = new Bootstrap().group(group).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf b = (ByteBuf) msg;
                            int n = b.readableBytes();
                            synchronized (received) {
                                received.write(io.netty.buffer.ByteBufUtil.getBytes(b), 0, n);
                            }
                            b.release();
                            for (int i = 0; i < n; i++) {
                                all.countDown();
                            }
                        }
                    }).connect(address).sync().channel();
            Channel local = accepted.get(5, TimeUnit.SECONDS);
            // The "tunnel stream": another channel on the same loop, fed by hand as a transport delivers packets.
            Channel tunnel = new Bootstrap().group(group).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
            FlushCounter counter = new FlushCounter();
            local.pipeline().addFirst(counter);
            Relay relay = Relay.join(local, tunnel);

            byte[] expected = new byte[packets * size];
            new Random(14).nextBytes(expected);
            int before = counter.flushes.get();
            tunnel.eventLoop().submit(() -> {
                for (int i = 0; i < packets; i++) {
                    tunnel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(expected, i * size, size));
                    tunnel.pipeline().fireChannelReadComplete();
                }
            }).sync();
            assertTrue(all.await(10, TimeUnit.SECONDS), "every byte reaches the local socket's far end");
            synchronized (received) {
                assertArrayEquals(expected, received.toByteArray());
            }
            assertEquals(packets * size, relay.secondToFirst());
            assertEquals(1, counter.flushes.get() - before, "one flush for the packets read in one task");

            relay.close();
            assertEquals(Relay.Ender.LOCAL, relay.done().get(10, TimeUnit.SECONDS).endedBy());
            far.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
