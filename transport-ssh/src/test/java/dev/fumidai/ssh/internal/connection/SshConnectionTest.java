// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopDisconnectedException;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.spi.StreamChannels;
import dev.fumidai.ssh.spi.SshExtendedDataEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives {@link SshConnection} on an {@link EmbeddedChannel}, feeding payloads as the transport would. */
class SshConnectionTest {

    static final String WHERE = "ssh hop \"test\" 127.0.0.1:22";

    EmbeddedChannel wire;
    SshConnection connection;

    void setUp(SshConnectionConfig config) {
        wire = new EmbeddedChannel();
        connection = SshConnection.install(wire, config);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (wire != null) {
            wire.finishAndReleaseAll();
        }
    }

    static ByteBuf payload(Consumer<ByteBuf> encoder) {
        ByteBuf b = Unpooled.buffer();
        encoder.accept(b);
        return b;
    }

    void feed(Consumer<ByteBuf> encoder) {
        wire.writeInbound(payload(encoder));
        wire.runPendingTasks();
    }

    /** Reads the next payload the connection sent, or null. */
    ByteBuf sent() {
        wire.runPendingTasks();
        return wire.readOutbound();
    }

    List<ByteBuf> allSent() {
        List<ByteBuf> out = new ArrayList<>();
        ByteBuf b;
        while ((b = sent()) != null) {
            out.add(b);
        }
        return out;
    }

    static int type(ByteBuf b) {
        return b.getUnsignedByte(b.readerIndex());
    }

    /** Opens a direct-tcpip channel and confirms it with the given server window and packet size. */
    SshChannel openConfirmed(int remoteId, long window, long maxPacket) throws Exception {
        CompletableFuture<Channel> f = connection.openDirectTcpip("db", 5432, "127.0.0.1", 40000);
        ByteBuf open = sent();
        ChannelOpenDirectTcpipMessage m = ChannelOpenDirectTcpipMessage.decode(open);
        open.release();
        assertEquals("db", m.hostToConnect());
        assertEquals(5432, m.portToConnect());
        assertEquals(connection.config().initialWindowSize(), m.initialWindowSize());
        feed(b -> new ChannelOpenConfirmationMessage(m.senderChannel(), remoteId, window, maxPacket).encode(b));
        assertTrue(f.isDone());
        SshChannel ch = (SshChannel) f.get();
        assertTrue(ch.isActive());
        assertTrue(ch.isRegistered());
        assertFalse(ch.config().isAutoRead());
        return ch;
    }

    /** Collects what a channel reads, reading on. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            data.writeBytes(bytes);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    static Collector collect(SshChannel ch, boolean autoRead) {
        Collector c = new Collector();
        ch.pipeline().addLast(c);
        StreamChannels.release(ch);
        ch.config().setAutoRead(autoRead);
        return c;
    }

    @Test
    void writesNeverExceedThePeersWindowOrPacketSize() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        SshChannel ch = openConfirmed(77, 100, 10);
        byte[] data = new byte[250];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(data));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (ByteBuf b : allSent()) {
            ChannelDataMessage d = ChannelDataMessage.decode(b);
            b.release();
            assertEquals(77, d.recipientChannel());
            assertTrue(d.data().length <= 10);
            got.writeBytes(d.data());
        }
        assertEquals(100, got.size());
        assertEquals(0, ch.remoteWindow());
        feed(b -> new ChannelWindowAdjustMessage(ch.localId(), 1000).encode(b));
        for (ByteBuf b : allSent()) {
            got.writeBytes(ChannelDataMessage.decode(b).data());
            b.release();
        }
        assertArrayEquals(data, got.toByteArray());
        assertEquals(850, ch.remoteWindow());
    }

    @Test
    void readingReplenishesOurWindowAndNotReadingDoesNot() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE).withInitialWindowSize(64).withMaxPacketSize(16));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        for (int i = 0; i < 4; i++) {
            feed(b -> new ChannelDataMessage(ch.localId(), new byte[16]).encode(b));
        }
        // Nobody read: the window is used up and no adjust was sent.
        assertEquals(0, ch.localWindow());
        assertNull(sent());
        Collector c = collect(ch, true);
        ch.read();
        wire.runPendingTasks();
        assertEquals(64, c.data.size());
        ByteBuf adjust = sent();
        ChannelWindowAdjustMessage m = ChannelWindowAdjustMessage.decode(adjust);
        adjust.release();
        assertEquals(5, m.recipientChannel());
        assertEquals(64, m.bytesToAdd());
        assertEquals(64, ch.localWindow());
    }

    @Test
    void dataBeyondOurWindowEndsTheConnection() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE).withInitialWindowSize(32).withMaxPacketSize(32));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        feed(b -> new ChannelDataMessage(ch.localId(), new byte[20]).encode(b));
        feed(b -> new ChannelDataMessage(ch.localId(), new byte[20]).encode(b));
        assertFalse(ch.isOpen());
        Throwable cause = ch.attr(StreamChannels.CLOSE_CAUSE).get();
        assertInstanceOf(HopDisconnectedException.class, cause);
        assertTrue(cause.getMessage().contains("beyond our window"), cause.getMessage());
        assertTrue(cause.getMessage().contains("test"), cause.getMessage());
        assertFalse(wire.isOpen());
    }

    @Test
    void dataForAnUnknownChannelEndsTheConnection() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        feed(b -> new ChannelDataMessage(4242, new byte[3]).encode(b));
        assertFalse(wire.isOpen());
        assertTrue(ch.attr(StreamChannels.CLOSE_CAUSE).get().getMessage().contains("unknown channel 4242"));
    }

    @Test
    void dataAfterEofEndsTheConnection() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        feed(b -> new ChannelEofMessage(ch.localId()).encode(b));
        assertTrue(ch.isOpen());
        feed(b -> new ChannelDataMessage(ch.localId(), new byte[3]).encode(b));
        assertFalse(wire.isOpen());
        assertTrue(ch.attr(StreamChannels.CLOSE_CAUSE).get().getMessage().contains("after EOF"));
    }

    @Test
    void windowAdjustOverflowingUint32EndsTheConnection() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        SshChannel ch = openConfirmed(5, 0xFFFF_0000L, 1000);
        feed(b -> new ChannelWindowAdjustMessage(ch.localId(), 0x10000L).encode(b));
        assertFalse(wire.isOpen());
        assertTrue(ch.attr(StreamChannels.CLOSE_CAUSE).get().getMessage().contains("overflows"));
    }

    @Test
    void zeroMaximumPacketIsRefusedAndTheChannelClosed() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        CompletableFuture<Channel> f = connection.openDirectTcpip("db", 1, "127.0.0.1", 2);
        ByteBuf open = sent();
        ChannelOpenDirectTcpipMessage m = ChannelOpenDirectTcpipMessage.decode(open);
        open.release();
        feed(b -> new ChannelOpenConfirmationMessage(m.senderChannel(), 9, 1000, 0).encode(b));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(TargetUnreachableException.class, e.getCause());
        ByteBuf close = sent();
        assertEquals(9, ChannelCloseMessage.decode(close).recipientChannel());
        close.release();
        feed(b -> new ChannelCloseMessage(m.senderChannel()).encode(b));
        assertEquals(0, connection.channelCount());
        assertTrue(wire.isOpen());
    }

    @Test
    void openFailureCarriesTheReasonCodeAndText() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        CompletableFuture<Channel> f = connection.openDirectTcpip("db", 5432, "127.0.0.1", 2);
        ByteBuf open = sent();
        ChannelOpenDirectTcpipMessage m = ChannelOpenDirectTcpipMessage.decode(open);
        open.release();
        feed(b -> new ChannelOpenFailureMessage(m.senderChannel(), 1, "open failed: denied by PermitOpen", "")
                .encode(b));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
        TargetUnreachableException t = assertInstanceOf(TargetUnreachableException.class, e.getCause());
        assertTrue(t.getMessage().contains("administratively prohibited (code 1)"), t.getMessage());
        assertTrue(t.getMessage().contains("denied by PermitOpen"), t.getMessage());
        assertTrue(t.getMessage().contains("db:5432"), t.getMessage());
        assertEquals(0, connection.channelCount());
    }

    ByteBuf sentUnchecked() {
        return sent();
    }

    @Test
    void eofBothWaysIsAHalfCloseAndCloseIsAnsweredOnce() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        Collector c = collect(ch, true);
        feed(b -> new ChannelDataMessage(ch.localId(), "abc".getBytes()).encode(b));
        feed(b -> new ChannelEofMessage(ch.localId()).encode(b));
        assertEquals("abc", c.data.toString());
        assertTrue(c.events.contains(ChannelInputShutdownEvent.INSTANCE));
        assertTrue(ch.isOpen());
        // We can still write after the peer's EOF, then send our EOF.
        ch.writeAndFlush(Unpooled.wrappedBuffer("xyz".getBytes()));
        ch.shutdownOutput();
        List<ByteBuf> out = allSent();
        assertEquals(2, out.size());
        assertEquals("xyz", new String(ChannelDataMessage.decode(out.get(0)).data()));
        assertEquals(5, ChannelEofMessage.decode(out.get(1)).recipientChannel());
        out.forEach(ByteBuf::release);
        feed(b -> new ChannelCloseMessage(ch.localId()).encode(b));
        assertFalse(ch.isOpen());
        ByteBuf close = sent();
        assertEquals(5, ChannelCloseMessage.decode(close).recipientChannel());
        close.release();
        assertNull(sent());
        assertEquals(0, connection.channelCount());
        // R25: data after CLOSE is ignored, not fatal.
        feed(b -> new ChannelDataMessage(ch.localId(), new byte[3]).encode(b));
        assertTrue(wire.isOpen());
    }

    @Test
    void localCloseSendsCloseAndForgetsTheChannelOnTheAnswer() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        ch.close();
        ByteBuf close = sent();
        assertEquals(5, ChannelCloseMessage.decode(close).recipientChannel());
        close.release();
        assertEquals(1, connection.channelCount());
        // Data that crossed our CLOSE is dropped.
        feed(b -> new ChannelDataMessage(ch.localId(), new byte[3]).encode(b));
        feed(b -> new ChannelCloseMessage(ch.localId()).encode(b));
        assertEquals(0, connection.channelCount());
        assertNull(sent());
        assertTrue(wire.isOpen());
    }

    @Test
    void execReportsTheExitStatus() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        CompletableFuture<SshChannel> f = connection.openSession();
        ByteBuf open = sent();
        ChannelOpenSessionMessage m = ChannelOpenSessionMessage.decode(open);
        open.release();
        feed(b -> new ChannelOpenConfirmationMessage(m.senderChannel(), 3, 1000, 1000).encode(b));
        SshChannel ch = f.get();
        CompletableFuture<Void> exec = ch.exec("echo hi");
        ByteBuf req = sent();
        ChannelRequestMessage r = ChannelRequestMessage.decode(req);
        req.release();
        assertEquals("exec", r.requestType());
        assertTrue(r.wantReply());
        assertEquals("echo hi", r.execCommand());
        feed(b -> new ChannelSuccessMessage(ch.localId()).encode(b));
        assertTrue(exec.isDone() && !exec.isCompletedExceptionally());
        feed(b -> ChannelRequestMessage.exitStatus(ch.localId(), 3).encode(b));
        feed(b -> new ChannelEofMessage(ch.localId()).encode(b));
        feed(b -> new ChannelCloseMessage(ch.localId()).encode(b));
        assertEquals(3, ch.exitStatus().get().status().getAsInt());
        allSent().forEach(ByteBuf::release);
    }

    /**
     * Issue #14: while the server owes us an answer, the hop's socket acknowledges at once (PromptAcks), so that the
     * sshd, Nagle's algorithm on, does not hold the answer back 40 ms behind a message we left unacknowledged. An
     * answer is owed for a channel open, a global request and a channel request with want-reply (exec), until the
     * answer comes or the channel closes.
     */
    @Test
    void anAnswerIsAwaitedWhileAnOpenAGlobalRequestOrAnExecIsOutstanding() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        assertFalse(connection.awaitingReply(), "nothing asked yet");
        CompletableFuture<SshChannel> f = connection.openSession();
        ByteBuf open = sent();
        ChannelOpenSessionMessage m = ChannelOpenSessionMessage.decode(open);
        open.release();
        assertTrue(connection.awaitingReply(), "channel open outstanding");
        feed(b -> new ChannelOpenConfirmationMessage(m.senderChannel(), 3, 1000, 1000).encode(b));
        SshChannel ch = f.get();
        assertFalse(connection.awaitingReply(), "channel confirmed");

        CompletableFuture<byte[]> g = connection.globalRequest("test@fumidai.dev", b -> { });
        sent().release();
        assertTrue(connection.awaitingReply(), "global request outstanding");
        feed(b -> new RequestSuccessMessage(new byte[0]).encode(b));
        assertTrue(g.isDone());
        assertFalse(connection.awaitingReply(), "global request answered");

        CompletableFuture<Void> exec = ch.exec("true");
        sent().release();
        assertTrue(connection.awaitingReply(), "exec outstanding");
        feed(b -> new ChannelSuccessMessage(ch.localId()).encode(b));
        assertTrue(exec.isDone());
        assertFalse(connection.awaitingReply(), "exec answered");

        CompletableFuture<Void> unanswered = ch.exec("false");
        sent().release();
        assertTrue(connection.awaitingReply(), "second exec outstanding");
        feed(b -> new ChannelCloseMessage(ch.localId()).encode(b));
        assertTrue(unanswered.isCompletedExceptionally(), "the channel closed before the answer");
        assertFalse(connection.awaitingReply(), "no answer is owed on a closed channel");
        allSent().forEach(ByteBuf::release);
    }

    /** Feeds SSH_MSG_CHANNEL_EXTENDED_DATA. */
    void feedExtended(SshChannel ch, int code, byte[] data) {
        feed(b -> new ChannelExtendedDataMessage(ch.localId(), code, data).encode(b));
    }

    /** Returns the bytes of the extended-data events collected, releasing them. */
    static byte[] extendedBytes(Collector c, int code) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object e : c.events) {
            if (e instanceof SshExtendedDataEvent x) {
                assertEquals(code, x.dataTypeCode());
                byte[] bytes = new byte[x.content().readableBytes()];
                x.content().readBytes(bytes);
                x.release();
                out.writeBytes(bytes);
            }
        }
        return out.toByteArray();
    }

    static long adjusted(List<ByteBuf> sent, int remoteId) throws Exception {
        long total = 0;
        for (ByteBuf b : sent) {
            if (type(b) == ConnectionMessageNumbers.CHANNEL_WINDOW_ADJUST) {
                ChannelWindowAdjustMessage m = ChannelWindowAdjustMessage.decode(b);
                assertEquals(remoteId, m.recipientChannel());
                total += m.bytesToAdd();
            }
            b.release();
        }
        return total;
    }

    @Test
    void stderrReachesThePipelineAsAnEventAndReturnsItsWindow() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE).withInitialWindowSize(64).withMaxPacketSize(16));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        ch.deliverExtendedData();
        // autoRead stays off and nobody reads stdout: stderr is delivered anyway, as it arrives.
        Collector c = collect(ch, false);
        byte[] err = new byte[64];
        for (int i = 0; i < err.length; i++) {
            err[i] = (byte) (i * 3);
        }
        for (int i = 0; i < 4; i++) {
            byte[] part = java.util.Arrays.copyOfRange(err, i * 16, i * 16 + 16);
            feedExtended(ch, SshExtendedDataEvent.STDERR, part);
        }
        assertArrayEquals(err, extendedBytes(c, SshExtendedDataEvent.STDERR));
        assertEquals(0, c.data.size());
        // Its window came back: the peer may send a full window again.
        assertEquals(64, adjusted(allSent(), 5));
        assertEquals(64, ch.localWindow());
        assertEquals(64, ch.bytesReceived());
    }

    /**
     * Issue #10, must hold 3: stderr's window returns when the consumer releases the event, not on arrival, so a
     * consumer that keeps stderr unread holds at most one window and the peer waits; releasing a duplicate that
     * frees the content counts too, and only once.
     */
    @Test
    void stderrWindowReturnsOnlyWhenTheEventIsReleased() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE).withInitialWindowSize(64).withMaxPacketSize(32));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        ch.deliverExtendedData();
        Collector c = collect(ch, false);
        feedExtended(ch, SshExtendedDataEvent.STDERR, new byte[32]);
        feedExtended(ch, SshExtendedDataEvent.STDERR, new byte[32]);
        List<SshExtendedDataEvent> ext = new ArrayList<>();
        c.events.stream().filter(e -> e instanceof SshExtendedDataEvent).forEach(e -> ext.add((SshExtendedDataEvent) e));
        assertEquals(2, ext.size());
        // Its own buffer: a slice sharing the packet's count would let another release be the one that frees it.
        assertEquals(1, ext.get(0).refCnt());
        assertEquals(0, adjusted(allSent(), 5), "nothing released, no window returned");
        assertEquals(0, ch.localWindow());
        SshExtendedDataEvent dup = ext.get(0).retainedDuplicate();
        ext.get(0).release();
        assertEquals(0, adjusted(allSent(), 5), "the duplicate still holds the content");
        dup.release();
        ext.get(1).release();
        assertEquals(64, adjusted(allSent(), 5), "both released: the whole window is back, once");
        assertEquals(64, ch.localWindow());
    }

    @Test
    void stdoutAndStderrShareOneWindow() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE).withInitialWindowSize(64).withMaxPacketSize(32));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        ch.deliverExtendedData();
        Collector c = collect(ch, false);
        // 48 unread bytes of stdout hold the window; 16 of stderr fill it, one more byte is beyond it.
        feed(b -> new ChannelDataMessage(ch.localId(), new byte[32]).encode(b));
        feed(b -> new ChannelDataMessage(ch.localId(), new byte[16]).encode(b));
        feedExtended(ch, SshExtendedDataEvent.STDERR, new byte[16]);
        assertEquals(16, extendedBytes(c, SshExtendedDataEvent.STDERR).length);
        // The 16 bytes of stderr were handed on, which is less than half the window: no adjust yet.
        assertEquals(0, adjusted(allSent(), 5));
        assertEquals(0, ch.localWindow());
        feedExtended(ch, SshExtendedDataEvent.STDERR, new byte[1]);
        assertFalse(wire.isOpen());
        assertTrue(ch.attr(StreamChannels.CLOSE_CAUSE).get().getMessage().contains("beyond our window"));
    }

    @Test
    void stderrBeforeTheConsumerIsReadyIsKeptForIt() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        ch.deliverExtendedData();
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        feed(b -> new ChannelDataMessage(ch.localId(), "out".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encode(b));
        feedExtended(ch, SshExtendedDataEvent.STDERR, "err".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        feedExtended(ch, 2, "two".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        feed(b -> new ChannelEofMessage(ch.localId()).encode(b));
        Collector c = collect(ch, true);
        ch.read();
        wire.runPendingTasks();
        assertEquals("out", c.data.toString(java.nio.charset.StandardCharsets.US_ASCII));
        List<SshExtendedDataEvent> ext = new ArrayList<>();
        c.events.stream().filter(e -> e instanceof SshExtendedDataEvent).forEach(e -> ext.add((SshExtendedDataEvent) e));
        assertEquals(2, ext.size());
        assertTrue(ext.get(0).isStderr());
        assertEquals("err", ext.get(0).content().toString(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(2, ext.get(1).dataTypeCode());
        assertFalse(ext.get(1).isStderr());
        ext.forEach(SshExtendedDataEvent::release);
        assertTrue(c.events.contains(ChannelInputShutdownEvent.INSTANCE));
        allSent().forEach(ByteBuf::release);
    }

    @Test
    void stderrOnAChannelThatDidNotAskIsDroppedAndItsWindowReturned() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE).withInitialWindowSize(64).withMaxPacketSize(32));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        Collector c = collect(ch, true);
        feedExtended(ch, SshExtendedDataEvent.STDERR, new byte[32]);
        feedExtended(ch, SshExtendedDataEvent.STDERR, new byte[32]);
        // No event reached a handler that would not know to release it; the window came back all the same.
        assertTrue(c.events.stream().noneMatch(e -> e instanceof SshExtendedDataEvent), c.events::toString);
        assertEquals(64, adjusted(allSent(), 5));
        assertEquals(64, ch.localWindow());
        assertTrue(ch.isOpen());
    }

    @Test
    void stderrAfterEofEndsTheConnection() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        feed(b -> new ChannelEofMessage(ch.localId()).encode(b));
        feedExtended(ch, SshExtendedDataEvent.STDERR, new byte[3]);
        assertFalse(wire.isOpen());
        assertTrue(ch.attr(StreamChannels.CLOSE_CAUSE).get().getMessage().contains("after EOF"));
    }

    @Test
    void unknownGlobalRequestsAreRefusedAndHostKeyNoticesAccepted() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        feed(b -> new GlobalRequestMessage("no-such@example.com", true, new byte[] {1, 2}).encode(b));
        ByteBuf reply = sent();
        assertEquals(ConnectionMessageNumbers.REQUEST_FAILURE, type(reply));
        reply.release();
        feed(b -> new GlobalRequestMessage("no-such@example.com", false, new byte[0]).encode(b));
        assertNull(sent());
        feed(b -> new GlobalRequestMessage(GlobalRequestMessage.HOSTKEYS, false, new byte[] {0, 0, 0, 0}).encode(b));
        assertNull(sent());
        assertTrue(wire.isOpen());
    }

    @Test
    void serverChannelOpensAreRefused() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        feed(b -> new ChannelOpenMessage("forwarded-tcpip", 12, 1000, 1000, new byte[0]).encode(b));
        ByteBuf reply = sent();
        ChannelOpenFailureMessage m = ChannelOpenFailureMessage.decode(reply);
        reply.release();
        assertEquals(12, m.recipientChannel());
        assertEquals(ChannelOpenFailureMessage.ADMINISTRATIVELY_PROHIBITED, m.reasonCode());
    }

    static byte[] forwardedTcpip(String address, int port, String origin, int originPort) {
        ByteBuf b = Unpooled.buffer();
        dev.fumidai.ssh.internal.message.SshWire.writeString(b, address);
        dev.fumidai.ssh.internal.message.SshWire.writeUint32(b, port);
        dev.fumidai.ssh.internal.message.SshWire.writeString(b, origin);
        dev.fumidai.ssh.internal.message.SshWire.writeUint32(b, originPort);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    @Test
    void forwardedChannelsAreAcceptedOnlyForRequestedForwards() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        List<Object[]> accepted = new ArrayList<>();
        connection.remoteForward("tcp:7000", (ch, origin, port) -> accepted.add(new Object[] {ch, origin, port}));
        wire.runPendingTasks();
        // Another port, and a streamlocal path nobody asked for: refused, administratively prohibited.
        feed(b -> new ChannelOpenMessage(SshConnection.FORWARDED_TCPIP, 21, 1000, 1000,
                forwardedTcpip("127.0.0.1", 7001, "10.0.0.9", 555)).encode(b));
        ByteBuf reply = sent();
        ChannelOpenFailureMessage refused = ChannelOpenFailureMessage.decode(reply);
        reply.release();
        assertEquals(21, refused.recipientChannel());
        assertEquals(ChannelOpenFailureMessage.ADMINISTRATIVELY_PROHIBITED, refused.reasonCode());
        ByteBuf path = Unpooled.buffer();
        dev.fumidai.ssh.internal.message.SshWire.writeString(path, "/tmp/s");
        dev.fumidai.ssh.internal.message.SshWire.writeString(path, "");
        byte[] pathBytes = new byte[path.readableBytes()];
        path.readBytes(pathBytes);
        path.release();
        feed(b -> new ChannelOpenMessage(SshConnection.FORWARDED_STREAMLOCAL, 22, 1000, 1000, pathBytes).encode(b));
        reply = sent();
        assertEquals(ChannelOpenFailureMessage.ADMINISTRATIVELY_PROHIBITED,
                ChannelOpenFailureMessage.decode(reply).reasonCode());
        reply.release();
        // The requested port: confirmed, handed on with the originator, and data flows.
        feed(b -> new ChannelOpenMessage(SshConnection.FORWARDED_TCPIP, 23, 1000, 100,
                forwardedTcpip("127.0.0.1", 7000, "10.0.0.9", 555)).encode(b));
        reply = sent();
        ChannelOpenConfirmationMessage ok = ChannelOpenConfirmationMessage.decode(reply);
        reply.release();
        assertEquals(23, ok.recipientChannel());
        assertEquals(1, accepted.size());
        assertEquals("10.0.0.9", accepted.get(0)[1]);
        assertEquals(555, accepted.get(0)[2]);
        SshChannel ch = (SshChannel) accepted.get(0)[0];
        assertTrue(ch.isActive());
        assertEquals(ok.senderChannel(), ch.localId());
        Collector c = collect(ch, true);
        feed(b -> {
            b.writeByte(ConnectionMessageNumbers.CHANNEL_DATA);
            b.writeInt(ch.localId());
            b.writeInt(3);
            b.writeBytes(new byte[] {1, 2, 3});
        });
        assertArrayEquals(new byte[] {1, 2, 3}, c.data.toByteArray());
        // Cancelled: the same port is refused again.
        connection.remoteForward("tcp:7000", null);
        wire.runPendingTasks();
        feed(b -> new ChannelOpenMessage(SshConnection.FORWARDED_TCPIP, 24, 1000, 1000,
                forwardedTcpip("127.0.0.1", 7000, "10.0.0.9", 556)).encode(b));
        reply = sent();
        assertEquals(ChannelOpenFailureMessage.ADMINISTRATIVELY_PROHIBITED,
                ChannelOpenFailureMessage.decode(reply).reasonCode());
        reply.release();
        ch.close();
        allSent().forEach(ByteBuf::release);
    }

    @Test
    void globalRequestRepliesCarryTheirDataOrNullOnFailure() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        CompletableFuture<byte[]> first = connection.globalRequest("tcpip-forward", b -> b.writeInt(0));
        CompletableFuture<byte[]> second = connection.globalRequest("tcpip-forward", b -> b.writeInt(1));
        allSent().forEach(ByteBuf::release);
        feed(b -> new RequestSuccessMessage(new byte[] {0, 0, 0x1f, 0x40}).encode(b));
        feed(b -> new RequestFailureMessage().encode(b));
        assertArrayEquals(new byte[] {0, 0, 0x1f, 0x40}, first.get());
        assertNull(second.get(), "a refusal completes with null");
    }

    @Test
    void channelBoundIsEnforced() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE).withMaxChannels(2));
        connection.openDirectTcpip("a", 1, "127.0.0.1", 1);
        connection.openDirectTcpip("b", 1, "127.0.0.1", 1);
        CompletableFuture<Channel> third = connection.openDirectTcpip("c", 1, "127.0.0.1", 1);
        wire.runPendingTasks();
        assertTrue(third.isCompletedExceptionally());
        List<ByteBuf> opens = allSent();
        assertEquals(2, opens.size());
        opens.forEach(ByteBuf::release);
    }

    @Test
    void connectionLossClosesEveryChannelWithACauseNamingTheHop() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        SshChannel a = openConfirmed(5, 1000, 1000);
        CompletableFuture<Channel> pending = connection.openDirectTcpip("x", 1, "127.0.0.1", 1);
        allSent().forEach(ByteBuf::release);
        wire.close();
        assertFalse(a.isOpen());
        Throwable cause = a.attr(StreamChannels.CLOSE_CAUSE).get();
        assertNotNull(cause);
        assertTrue(cause.getMessage().contains("test"), cause.getMessage());
        assertTrue(pending.isCompletedExceptionally());
        assertTrue(connection.terminated().isDone());
        assertTrue(connection.terminated().get().getMessage().contains("connection closed"));
    }

    @Test
    void silentServerIsDetectedAfterCountProbes() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE).withKeepalive(java.time.Duration.ofSeconds(10), 3));
        SshChannel ch = openConfirmed(5, 1000, 1000);
        // The confirmation was heard within the first interval: no probe yet.
        wire.advanceTimeBy(10, java.util.concurrent.TimeUnit.SECONDS);
        wire.runScheduledPendingTasks();
        assertNull(sent());
        for (int i = 0; i < 3; i++) {
            wire.advanceTimeBy(10, java.util.concurrent.TimeUnit.SECONDS);
            wire.runScheduledPendingTasks();
            ByteBuf probe = sent();
            GlobalRequestMessage m = GlobalRequestMessage.decode(probe);
            probe.release();
            assertEquals(GlobalRequestMessage.KEEPALIVE, m.requestName());
            assertTrue(m.wantReply());
            assertTrue(wire.isOpen());
        }
        wire.advanceTimeBy(10, java.util.concurrent.TimeUnit.SECONDS);
        wire.runScheduledPendingTasks();
        assertFalse(wire.isOpen());
        Throwable cause = ch.attr(StreamChannels.CLOSE_CAUSE).get();
        assertInstanceOf(HopDisconnectedException.class, cause);
        assertTrue(cause.getMessage().contains("keepalive"), cause.getMessage());
    }

    @Test
    void answeringServerStaysConnected() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE).withKeepalive(java.time.Duration.ofSeconds(10), 2));
        for (int i = 0; i < 10; i++) {
            wire.advanceTimeBy(10, java.util.concurrent.TimeUnit.SECONDS);
            wire.runScheduledPendingTasks();
            ByteBuf probe = sent();
            if (probe != null) {
                probe.release();
                // OpenSSH answers keepalive@openssh.com with REQUEST_FAILURE.
                feed(b -> new RequestFailureMessage().encode(b));
            }
            assertTrue(wire.isOpen());
        }
    }

    @Test
    void unsolicitedGlobalReplyEndsTheConnection() throws Exception {
        setUp(SshConnectionConfig.defaults(WHERE));
        feed(b -> new RequestSuccessMessage(new byte[0]).encode(b));
        assertFalse(wire.isOpen());
    }
}
