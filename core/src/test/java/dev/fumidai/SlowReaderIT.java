// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.PlatformDependent;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lets a real server push 1 GiB as fast as it can to a reader that reads slowly, and checks that neither heap
 * nor direct memory grows with the amount sent: back-pressure reaches the sender.
 */
class SlowReaderIT {

    private static final long TOTAL = 1L << 30;
    private static final int CHUNK = 64 * 1024;
    /** Ceiling above the idle baseline: bounded buffers are a few hundred KiB; a leak of the stream would be GiB. */
    private static final long HEAP_MARGIN = 64L * 1024 * 1024;
    private static final long DIRECT_MARGIN = 64L * 1024 * 1024;

    /** Sends TOTAL bytes as fast as writability allows, then closes. */
    private static final class Firehose extends ChannelInboundHandlerAdapter {
        final AtomicLong sent = new AtomicLong();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        private void pump(ChannelHandlerContext ctx) {
            while (ctx.channel().isWritable() && sent.get() < TOTAL) {
                int n = (int) Math.min(CHUNK, TOTAL - sent.get());
                ByteBuf b = ctx.alloc().buffer(n);
                b.writerIndex(n);
                sent.addAndGet(n);
                ctx.write(b);
                if (sent.get() == TOTAL) {
                    ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            }
            ctx.flush();
        }
    }

    private static long heapAfterGc(MemoryMXBean mem) {
        System.gc();
        return mem.getHeapMemoryUsage().getUsed();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void slowReaderKeepsMemoryBounded() throws Exception {
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("firehose", true),
                NioIoHandler.newFactory());
        Firehose firehose = new Firehose();
        Channel server = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
                .childHandler(firehose).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        try (JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:slow").build()) {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            long heapBase = heapAfterGc(mem);
            long directBase = PlatformDependent.usedDirectMemory();
            long pooledBase = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
            long maxHeap = 0;
            long maxDirect = 0;
            long read = 0;
            try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", port), Duration.ofSeconds(10))) {
                InputStream in = c.inputStream();
                byte[] buf = new byte[16 * 1024];
                long nextPause = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    read += n;
                    if (read >= nextPause) {
                        // Slow down: the sender gets far ahead if anything between us buffers without bound.
                        Thread.sleep(20);
                        nextPause += 16L * 1024 * 1024;
                        maxHeap = Math.max(maxHeap, heapAfterGc(mem) - heapBase);
                        maxDirect = Math.max(maxDirect, PlatformDependent.usedDirectMemory() - directBase);
                        maxDirect = Math.max(maxDirect,
                                PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - pooledBase);
                    }
                }
            }
            assertEquals(TOTAL, read, "every byte arrived");
            assertTrue(maxHeap < HEAP_MARGIN, "heap grew by " + maxHeap + " bytes while 1 GiB streamed");
            assertTrue(maxDirect < DIRECT_MARGIN, "direct memory grew by " + maxDirect + " bytes");
        } finally {
            server.close().sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
