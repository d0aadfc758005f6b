// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.internal.connection.ReadBacklog;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue #14: a socket read loop that leaves data waiting is reported as backlogged; one that drains it is not. */
class BacklogRecordingAllocatorTest {

    @Test
    void aReadLoopThatStopsAtItsQuotaWithDataWaitingIsBackloggedAndOneThatDrainsTheSocketIsNot() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicLong received = new AtomicLong();
            LinkedBlockingQueue<Integer> loopsDone = new LinkedBlockingQueue<>();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.MAX_MESSAGES_PER_READ, 2)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new BacklogRecordingAllocator(new FixedRecvByteBufAllocator(1024)))
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            received.addAndGet(((ByteBuf) msg).readableBytes());
                            ((ByteBuf) msg).release();
                        }

                        @Override
                        public void channelReadComplete(ChannelHandlerContext ctx) {
                            loopsDone.add(1);
                        }
                    })
                    .connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort())).sync().channel();
            try (Socket peer = server.accept()) {
                OutputStream out = peer.getOutputStream();
                long[] before = counts(ch);
                // 64 KiB waiting: a loop of two 1 KiB reads ends at its quota with data still there.
                out.write(new byte[64 * 1024]);
                out.flush();
                waitUntilReadable(ch, received, 2048);
                long[] after = counts(ch);
                assertTrue(after[1] - before[1] >= 1, "a loop that read its two full buffers left data waiting ("
                        + (after[0] - before[0]) + " loops)");

                // Drain the rest, then a trickle of 10 bytes: the loop's last read does not fill its buffer.
                while (received.get() < 64 * 1024) {
                    waitUntilReadable(ch, received, received.get() + 1);
                }
                before = counts(ch);
                out.write(new byte[10]);
                out.flush();
                waitUntilReadable(ch, received, 64 * 1024 + 10);
                after = counts(ch);
                assertTrue(after[0] - before[0] >= 1, "a read loop ran");
                assertEquals(0, after[1] - before[1], "the socket ran dry: not backlogged");
            } finally {
                ch.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Asks for one read loop and waits until at least {@code total} bytes have arrived in all. */
    private static void waitUntilReadable(Channel ch, AtomicLong received, long total) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.get() < total) {
            ch.read();
            ch.eventLoop().submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() < deadline, "only " + received.get() + " of " + total + " bytes arrived");
        }
    }

    /** ReadBacklog's counts on the channel's event loop. */
    private static long[] counts(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> new long[] {ReadBacklog.loops(), ReadBacklog.backlogged()})
                .get(10, TimeUnit.SECONDS);
    }
}
