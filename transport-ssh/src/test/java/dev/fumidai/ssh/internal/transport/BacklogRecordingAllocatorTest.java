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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue #14: the time a socket was dry before a read loop is recorded; time with data waiting is not dry. */
class BacklogRecordingAllocatorTest {

    @Test
    void timeWithDataWaitingIsNotDryAndTimeAfterTheSocketRanDryIs() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicLong received = new AtomicLong();
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
                    })
                    .connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort())).sync().channel();
            try (Socket peer = server.accept()) {
                OutputStream out = peer.getOutputStream();
                // 64 KiB and a bit waiting: a loop of two 1 KiB reads ends at its quota with data still there.
                int total = 64 * 1024 + 100;
                out.write(new byte[total]);
                out.flush();
                waitUntilReadable(ch, received, 2048);
                long[] before = counts(ch);
                Thread.sleep(50);
                readOneLoop(ch);
                long[] after = counts(ch);
                assertEquals(1, after[0] - before[0], "one read loop");
                assertEquals(0, after[1] - before[1], "the socket was not dry while data waited, however long");

                // Drain the rest (the last read does not fill its buffer), wait 50 ms, then a trickle of 10 bytes:
                // the socket was dry those 50 ms.
                while (received.get() < total) {
                    waitUntilReadable(ch, received, received.get() + 1);
                }
                before = counts(ch);
                long quiet = TimeUnit.MILLISECONDS.toNanos(50);
                Thread.sleep(50);
                out.write(new byte[10]);
                out.flush();
                waitUntilReadable(ch, received, total + 10);
                after = counts(ch);
                assertTrue(after[0] - before[0] >= 1, "a read loop ran");
                assertTrue(after[1] - before[1] >= quiet, "the socket ran dry for at least 50 ms, recorded "
                        + (after[1] - before[1]) + " ns");
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

    /** Asks for one read loop and waits for it. */
    private static void readOneLoop(Channel ch) throws Exception {
        ch.read();
        ch.eventLoop().submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    /** ReadBacklog's counts on the channel's event loop. */
    private static long[] counts(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> new long[] {ReadBacklog.loops(), ReadBacklog.dryNanos()})
                .get(10, TimeUnit.SECONDS);
    }
}
