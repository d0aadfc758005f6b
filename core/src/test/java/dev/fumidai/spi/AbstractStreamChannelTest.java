// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.testing.CreditStreamChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AbstractStreamChannelTest {

    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        group = new DefaultEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static <T> T on(CreditStreamChannel ch, Callable<T> c) throws Exception {
        return ch.eventLoop().submit(c).get(5, TimeUnit.SECONDS);
    }

    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            b.release();
            data.write(a, 0, a.length);
            events.add("data" + a.length);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt.getClass().getSimpleName());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
        }
    }

    private static CreditStreamChannel register(long credit, Recorder r) throws Exception {
        CreditStreamChannel ch = new CreditStreamChannel(credit);
        ch.pipeline().addLast(r);
        group.next().register(ch).sync();
        return ch;
    }

    @Test
    void deliversNothingUntilReadAndThenInOrderWithEofLast() throws Exception {
        Recorder r = new Recorder();
        CreditStreamChannel ch = register(0, r);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        assertFalse(ch.config().isAutoRead(), "autoRead starts off");
        on(ch, () -> {
            ch.receive(Unpooled.wrappedBuffer(new byte[] {1, 2}));
            ch.receive(Unpooled.wrappedBuffer(new byte[] {3}));
            ch.receiveEof();
            return null;
        });
        assertEquals(List.of(), on(ch, () -> new ArrayList<>(r.events)), "nothing before read()");
        on(ch, () -> ch.read());
        assertEquals(List.of("data2"), on(ch, () -> new ArrayList<>(r.events)), "one buffer per read()");
        on(ch, () -> ch.read());
        assertEquals(List.of("data2", "data1", "ChannelInputShutdownEvent", "ChannelInputShutdownReadComplete"),
                on(ch, () -> new ArrayList<>(r.events)), "EOF after the data before it");
        assertEquals(3, on(ch, ch::consumed), "consumed bytes reported to the transport");
        assertTrue(ch.isOpen(), "half-closed, still open");
        ch.close().sync();
        assertTrue(on(ch, ch::streamClosed));
    }

    @Test
    void withoutHalfClosureEofCloses() throws Exception {
        Recorder r = new Recorder();
        CreditStreamChannel ch = register(0, r);
        ch.config().setAutoRead(true);
        on(ch, () -> {
            ch.receive(Unpooled.wrappedBuffer(new byte[] {7}));
            ch.receiveEof();
            return null;
        });
        ch.closeFuture().await(5, TimeUnit.SECONDS);
        assertFalse(ch.isOpen());
        assertEquals(List.of("data1", "inactive"), on(ch, () -> new ArrayList<>(r.events)));
    }

    @Test
    void writesWaitForCreditAndWritabilityFollowsIt() throws Exception {
        Recorder r = new Recorder();
        CreditStreamChannel ch = register(10, r);
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(data));
        assertEquals(10, on(ch, () -> ch.sent().length), "only the credit is sent");
        assertFalse(on(ch, ch::isWritable), "unwritable while the backlog is above the high water mark");
        on(ch, () -> {
            ch.grant(data.length);
            return null;
        });
        assertTrue(on(ch, ch::isWritable));
        assertArrayEquals(data, on(ch, ch::sent));
        ch.close().sync();
    }

    @Test
    void shutdownOutputSendsEofAfterPendingWrites() throws Exception {
        Recorder r = new Recorder();
        CreditStreamChannel ch = register(0, r);
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000]));
        var eof = ch.shutdownOutput();
        assertFalse(on(ch, ch::eofSent), "EOF waits for the pending bytes");
        on(ch, () -> {
            ch.grant(1000);
            return null;
        });
        eof.sync();
        assertTrue(on(ch, ch::eofSent));
        assertEquals(1000, on(ch, ch::bytesBeforeEof), "every byte before EOF");
        assertTrue(ch.isOutputShutdown());
        assertFalse(ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[1])).await().isSuccess(),
                "writes after EOF fail");
        ch.close().sync();
    }

    @Test
    void closeWithCauseRecordsItAndReleasesQueuedInput() throws Exception {
        Recorder r = new Recorder();
        CreditStreamChannel ch = register(0, r);
        ByteBuf queued = Unpooled.directBuffer(8).writeLong(1);
        on(ch, () -> {
            ch.receive(queued);
            return null;
        });
        IOException cause = new IOException("session broke");
        ch.closeWithCause(cause);
        ch.closeFuture().sync();
        assertSame(cause, ch.attr(StreamChannels.CLOSE_CAUSE).get());
        assertEquals(0, queued.refCnt(), "queued input released");
        assertTrue(on(ch, ch::streamClosed));
    }

    @Test
    void peerCloseDeliversDataFirst() throws Exception {
        Recorder r = new Recorder();
        CreditStreamChannel ch = register(0, r);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ch.config().setAutoRead(true);
        on(ch, () -> {
            ch.receive(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
            ch.receiveClose();
            return null;
        });
        ch.closeFuture().sync();
        assertEquals(List.of("data3", "ChannelInputShutdownEvent", "ChannelInputShutdownReadComplete", "inactive"),
                on(ch, () -> new ArrayList<>(r.events)));
    }
}
