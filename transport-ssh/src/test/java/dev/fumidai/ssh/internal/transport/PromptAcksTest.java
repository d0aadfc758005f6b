// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

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
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue #14: every fumidai setup on loopback waited 40 ms for the confirmation of its first channel. The sshd had
 * sent its host keys just before (a message we do not answer) and, Nagle's algorithm on, held the confirmation back
 * until our ACK of them, which our kernel delayed by its 40 ms timer: the connection runs request and answer, so
 * Linux was in its "pingpong" mode. While an answer is awaited, {@link PromptAcks} now acknowledges at once. The
 * server here is a real epoll socket that reads, from the kernel's own TCP_INFO, how long after its data the ACK
 * came; the same exchange without an awaited answer shows the kernel's delayed ACK, so the check can fail.
 */
class PromptAcksTest {

    @Test
    void whileAnAnswerIsAwaitedTheServersDataIsAcknowledgedAtOnce() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try {
            CompletableFuture<EpollSocketChannel> accepted = new CompletableFuture<>();
            Semaphore echoes = new Semaphore(0);
            Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                        @Override
                        protected void initChannel(EpollSocketChannel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    echoes.release(((ByteBuf) msg).readableBytes());
                                    ((ByteBuf) msg).release();
                                }
                            });
                            accepted.complete(ch);
                        }
                    }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            AtomicBoolean awaiting = new AtomicBoolean();
            AtomicBoolean answer = new AtomicBoolean(true);
            Semaphore received = new Semaphore(0);
            PromptAcks acks = new PromptAcks();
            acks.awaitingReplyWhile(awaiting::get);
            Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .handler(new ChannelInitializer<EpollSocketChannel>() {
                        @Override
                        protected void initChannel(EpollSocketChannel ch) {
                            ch.pipeline().addLast(acks, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    received.release(((ByteBuf) msg).readableBytes());
                                    ((ByteBuf) msg).release();
                                    if (answer.get()) {
                                        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[10]));
                                    }
                                }
                            });
                        }
                    }).connect(server.localAddress()).sync().channel();
            try {
                EpollSocketChannel peer = accepted.get(5, TimeUnit.SECONDS);
                long prompt = ackDelayAfterExchange(peer, awaiting, answer, received, echoes, true);
                long delayed = ackDelayAfterExchange(peer, awaiting, answer, received, echoes, false);
                assertTrue(delayed >= 30, "the kernel acknowledged after " + delayed + " ms with no answer awaited: "
                        + "it did not delay the ACK, so this test shows nothing");
                assertTrue(prompt < 20, "with an answer awaited the ACK came after " + prompt + " ms");
            } finally {
                client.close().sync();
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * Runs request and answer until the client's kernel is in its pingpong mode, then sends 296 bytes that the
     * client reads and does not answer, with an answer awaited or not; returns how many ms after them the server's
     * kernel received the ACK.
     */
    private static long ackDelayAfterExchange(EpollSocketChannel peer, AtomicBoolean awaiting, AtomicBoolean answer,
            Semaphore received, Semaphore echoes, boolean awaited) throws Exception {
        awaiting.set(false);
        answer.set(true);
        for (int i = 0; i < 20; i++) {
            peer.writeAndFlush(Unpooled.wrappedBuffer(new byte[100])).sync();
            assertTrue(echoes.tryAcquire(10, 5, TimeUnit.SECONDS), "no answer in round " + i);
            assertTrue(received.tryAcquire(100, 5, TimeUnit.SECONDS));
        }
        answer.set(false);
        awaiting.set(awaited);
        peer.writeAndFlush(Unpooled.wrappedBuffer(new byte[296])).sync();
        assertTrue(received.tryAcquire(296, 5, TimeUnit.SECONDS), "the client did not read the 296 bytes");
        // Both cases are measured once the 296 bytes are acknowledged, promptly or by the delayed-ACK timer.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        EpollTcpInfo info;
        while ((info = peer.eventLoop().submit(() -> peer.tcpInfo()).get(5, TimeUnit.SECONDS)).unacked() != 0) {
            assertTrue(System.nanoTime() < deadline, "the 296 bytes were not acknowledged within 5 s");
            Thread.onSpinWait();
        }
        // Both in ms before now, by the kernel's clock: the data went out, then the ACK came back.
        return info.lastDataSent() - info.lastAckRecv();
    }
}
