// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssm.SsmChannelClosedException;
import dev.fumidai.ssm.fake.FakeSession;
import dev.fumidai.ssm.fake.FakeSsmService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checks that the fake behaves like the real service and agent where our client's tests lean on it (issue 17),
 * and that our client recovers where the reference plugin hangs.
 */
@Timeout(180)
class FakeFidelityTest {

    private EventLoopGroup group;
    private Channel echo;
    private FakeSsmService fake;
    private final List<SsmDataChannel> channels = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        echo = TestPeers.echoServer(group);
    }

    @AfterEach
    void stop() throws Exception {
        for (SsmDataChannel dc : channels) {
            dc.close();
            try {
                dc.closeFuture().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                // a test that ended the session on purpose
            }
        }
        if (fake != null) {
            fake.close();
        }
        echo.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private SsmDataChannel open(FakeSsmService.Builder b, int destinationPort) throws Exception {
        fake = b.start();
        URI ep = fake.endpoint();
        SessionCredentials creds = TestPeers.startSession(ep, "AWS-StartPortForwardingSession",
                Map.of("portNumber", String.valueOf(destinationPort)));
        SsmDataChannel dc = SsmDataChannel.open(group.next(), creds, DataChannelConfig.defaults("ssm hop \"fidelity\"")
                .withInsecurePlaintextWebSocketForTesting(),
                id -> TestPeers.resume(ep, id)).get(20, TimeUnit.SECONDS);
        channels.add(dc);
        return dc;
    }

    private static void echoThrough(SsmDataChannel dc, long size, long seed) throws Exception {
        Channel s = dc.openStream().get(10, TimeUnit.SECONDS);
        TestPeers.Collector c = new TestPeers.Collector();
        s.pipeline().addLast(c);
        s.config().setAutoRead(true);
        Pump p = Pump.start(s, size, seed);
        byte[] sent = p.done.get(120, TimeUnit.SECONDS);
        waitFor(() -> c.bytes >= size || !s.isActive(), "everything echoed");
        assertEquals(size, c.bytes, "bytes echoed");
        assertArrayEquals(sent, c.digest.digest(), "echoed bytes differ from sent bytes");
        s.close().sync();
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** (b) An abrupt loss is a TCP reset: no websocket close frame goes out, and the client resumes. */
    @Test
    void anAbruptCloseIsAResetWithNoCloseFrameAndTheClientResumes() throws Exception {
        SsmDataChannel dc = open(FakeSsmService.builder().wireTap(true), TestPeers.port(echo));
        FakeSession fs = fake.sessions().get(0);
        echoThrough(dc, 20_000, 1);
        fs.closeWebSocket(false);
        waitFor(() -> dc.reconnects() >= 1 && fs.connects() >= 2, "a reconnect after the reset");
        echoThrough(dc, 200_000, 2);
        List<byte[]> wire = fake.wireLog();
        int websockets = 0;
        for (byte[] conn : wire) {
            List<Integer> ops = new ArrayList<>();
            if (FakeWireFramingTest.checkFrames(conn, "reset", ops::add) > 0 && websockets++ == 0) {
                assertFalse(ops.contains(0x8), "the reset connection carried a close frame: " + ops);
            }
        }
        assertTrue(websockets >= 2, "websocket connections " + websockets);
    }

    /**
     * (c) While the client's acks are lost, the agent resends only its oldest unacknowledged message, at a fixed
     * interval of at most 1 s (its RTO), never doubling; once acks flow, the client still gets everything.
     */
    @Test
    void theAgentResendsOnlyItsOldestUnackedMessageAtAFixedInterval() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel talker = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.complete(ch);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        try {
            SsmDataChannel dc = open(FakeSsmService.builder(), TestPeers.port(talker));
            FakeSession fs = fake.sessions().get(0);
            Channel s = dc.openStream().get(10, TimeUnit.SECONDS);
            TestPeers.Collector c = new TestPeers.Collector();
            s.pipeline().addLast(c);
            s.config().setAutoRead(true);
            Channel dest = accepted.get(10, TimeUnit.SECONDS);
            fake.faults().dropInbound(1.0); // the client's acks never reach the agent
            byte[] data = new byte[30_000];
            new Random(5).nextBytes(data);
            dest.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            waitFor(() -> c.bytes >= data.length, "the client received the data before the acks were lost");
            long t0 = System.nanoTime();
            Thread.sleep(4500);
            List<long[]> resends = fs.resends();
            fake.faults().none();
            assertEquals(1, fs.resentSequenceNumbers().size(), "the agent resent more than its oldest message: "
                    + fs.resentSequenceNumbers());
            assertTrue(resends.size() >= 4, "resends in 4.5 s: " + resends.size());
            long last = t0;
            for (long[] r : resends) {
                assertTrue(r[1] - last <= TimeUnit.MILLISECONDS.toNanos(1150),
                        "a resend gap of " + (r[1] - last) / 1_000_000 + " ms: the interval doubled");
                last = r[1];
            }
            assertEquals(data.length, c.bytes, "the client holds every byte once");
            byte[] more = new byte[100_000];
            new Random(6).nextBytes(more);
            dest.writeAndFlush(Unpooled.wrappedBuffer(more)).sync();
            waitFor(() -> c.bytes >= data.length + more.length, "the rest arrived");
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            d.update(data);
            d.update(more);
            assertArrayEquals(d.digest(), c.digest.digest());
            dest.close();
        } finally {
            talker.close().sync();
        }
    }

    /**
     * (c) With agent-like retransmission our client still delivers everything, through drops and through a TCP
     * reset in the middle of a transfer (the agent then repairs what the socket lost one message at a time).
     */
    @Test
    void ourClientDeliversEverythingAgainstTheAgentLikeRetransmission() throws Exception {
        SsmDataChannel dc = open(FakeSsmService.builder(), TestPeers.port(echo));
        fake.faults().dropOutbound(0.02).dropInbound(0.02).duplicateOutbound(0.02).reorderOutbound(0.02);
        echoThrough(dc, 256 * 1024, 7);
        fake.faults().none();
        FakeSession fs = fake.sessions().get(0);
        long size = 512 * 1024;
        Channel s = dc.openStream().get(10, TimeUnit.SECONDS);
        TestPeers.Collector c = new TestPeers.Collector();
        s.pipeline().addLast(c);
        s.config().setAutoRead(true);
        Pump p = Pump.start(s, size, 8);
        waitFor(() -> c.bytes > size / 4, "a quarter echoed");
        fs.closeWebSocket(false);
        byte[] sent = p.done.get(150, TimeUnit.SECONDS);
        // On a fast machine the last bytes can be echoed before the client has finished resuming (CI saw
        // reconnects() == 0 right after the last byte): wait for the resume itself, then for the bytes.
        waitFor(() -> dc.reconnects() >= 1, "the client resumed after the reset");
        waitFor(() -> c.bytes >= size || !s.isActive(), "everything echoed after the reset");
        assertEquals(size, c.bytes);
        assertArrayEquals(sent, c.digest.digest(), "lost or duplicated bytes after the reset");
    }

    /**
     * (d) Basic mode, destination gone: the agent cannot dial the destination for the next connection and ends
     * the session, so the client sees channel_closed instead of waiting for an answer forever.
     */
    @Test
    void basicModeWithTheDestinationGoneEndsTheSession() throws Exception {
        Channel once = TestPeers.echoServer(group);
        int port = TestPeers.port(once);
        SsmDataChannel dc = open(FakeSsmService.builder().agentVersion("3.0.196.0"), port);
        assertFalse(dc.isMux());
        echoThrough(dc, 10_000, 11);
        once.close().sync(); // the destination is gone: nothing listens on its port any more
        Channel s = dc.openStream().get(10, TimeUnit.SECONDS);
        s.config().setAutoRead(true);
        s.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> dc.closeFuture().get(30, TimeUnit.SECONDS));
        assertInstanceOf(SsmChannelClosedException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("Unable to reconnect to the destination port"),
                e.getCause().getMessage());
        assertTrue(s.closeFuture().await(5, TimeUnit.SECONDS), "the local stream closed");
    }

    /** (f) A corrupt websocket frame makes our client resume and reconnect, never hang. */
    @Test
    void aCorruptFrameMakesTheClientResumeAndReconnect() throws Exception {
        SsmDataChannel dc = open(FakeSsmService.builder(), TestPeers.port(echo));
        FakeSession fs = fake.sessions().get(0);
        echoThrough(dc, 10_000, 21);
        fs.sendCorruptFrame();
        waitFor(() -> dc.reconnects() >= 1 && fs.connects() >= 2, "a reconnect after the corrupt frame");
        echoThrough(dc, 100_000, 22);
        assertTrue(dc.isOpen());
    }

    /**
     * (f) A reset while the client is writing (its websocket write breaks) makes it resume and carry on: the
     * upload in flight arrives whole, where the reference plugin exits with "broken pipe" (§10.3 item 5).
     */
    @Test
    void aBrokenWebSocketWriteMakesTheClientResumeAndDeliverEverything() throws Exception {
        SsmDataChannel dc = open(FakeSsmService.builder(), TestPeers.port(echo));
        FakeSession fs = fake.sessions().get(0);
        // The agent-like fake repairs what the reset lost one message (at most 1 KiB) per 100 ms round, oldest
        // first, as the real agent does: 2 MiB in flight at the reset needed up to 205 s, past the 120 s wait (CI
        // saw that). 512 KiB bounds the repair at about 51 s and still breaks the upload in the middle.
        long size = 512L << 10;
        Channel s = dc.openStream().get(10, TimeUnit.SECONDS);
        TestPeers.Collector c = new TestPeers.Collector();
        s.pipeline().addLast(c);
        s.config().setAutoRead(true);
        Pump p = Pump.start(s, size, 31);
        waitFor(() -> c.bytes > size / 8, "the upload under way");
        fs.closeWebSocket(false);
        byte[] sent = p.done.get(120, TimeUnit.SECONDS);
        waitFor(() -> c.bytes >= size || !s.isActive(), "everything echoed");
        assertEquals(size, c.bytes);
        assertArrayEquals(sent, c.digest.digest());
        assertTrue(dc.reconnects() >= 1, "reconnects " + dc.reconnects());
    }

    /**
     * (e) Like the real service, the fake sends {@code start_publication} on every connect, before anything else,
     * the handshake request included: on the first websocket and on the one a ResumeSession reconnect opens.
     */
    @Test
    void startPublicationIsTheFirstMessageOnEveryConnect() throws Exception {
        SsmDataChannel dc = open(FakeSsmService.builder().wireTap(true), TestPeers.port(echo));
        FakeSession fs = fake.sessions().get(0);
        echoThrough(dc, 10_000, 41);
        fs.closeWebSocket(false);
        waitFor(() -> dc.reconnects() >= 1 && fs.connects() >= 2, "a reconnect after the reset");
        echoThrough(dc, 10_000, 42);
        List<List<String>> perConnection = new ArrayList<>();
        for (byte[] conn : fake.wireLog()) {
            List<String> types = new ArrayList<>();
            if (FakeWireFramingTest.checkFrames(conn, "connection " + perConnection.size(), op -> { },
                    m -> types.add(m.messageType())) > 0) {
                perConnection.add(types);
            }
        }
        assertTrue(perConnection.size() >= 2, "websocket connections: " + perConnection);
        for (List<String> types : perConnection) {
            assertFalse(types.isEmpty(), "messages per connection: " + perConnection);
            assertEquals(dev.fumidai.ssm.internal.datachannel.MessageTypes.START_PUBLICATION, types.get(0),
                    "the first message of a connection: " + types);
        }
        assertEquals(dev.fumidai.ssm.internal.datachannel.MessageTypes.OUTPUT_STREAM_DATA, perConnection.get(0).get(1),
                "the handshake request follows on the first connection");
    }

    /**
     * (e) Our client acts on {@code start_publication}: paused by {@code pause_publication}, it numbers what a
     * stream writes but holds it; the destination gets nothing until the service says {@code start_publication},
     * then everything, once and in order.
     */
    @Test
    void aPauseHoldsStreamDataUntilStartPublication() throws Exception {
        SsmDataChannel dc = open(FakeSsmService.builder(), TestPeers.port(echo));
        FakeSession fs = fake.sessions().get(0);
        echoThrough(dc, 10_000, 43);
        Channel s = dc.openStream().get(10, TimeUnit.SECONDS);
        TestPeers.Collector c = new TestPeers.Collector();
        s.pipeline().addLast(c);
        s.config().setAutoRead(true);
        waitFor(() -> fs.streamsOpened() >= 2, "the second stream opened at the agent");
        long before = fs.bytesToDestination();
        fs.pausePublication();
        waitFor(() -> dc.debugState().contains("paused=true"), "the client paused");
        String held = dc.debugState();
        Pump p = Pump.start(s, 20_000, 44);
        byte[] sent = p.done.get(30, TimeUnit.SECONDS);
        waitFor(() -> !dc.debugState().split(" ")[1].equals(held.split(" ")[1]), "the client numbered the data");
        // A negative check needs a time: data sent despite the pause would reach the agent within milliseconds.
        Thread.sleep(500);
        assertEquals(before, fs.bytesToDestination(), "data went out while paused: " + dc.debugState());
        fs.startPublication();
        waitFor(() -> c.bytes >= 20_000, "everything echoed after start_publication");
        assertArrayEquals(sent, c.digest.digest());
        assertFalse(dc.debugState().contains("paused=true"));
    }

    /**
     * (e) When the agent's smux keepalive times out (agents up to 3.1.1511.0 run it), the real service ends the
     * session with a {@code channel_closed} whose Output is empty; our client ends with
     * {@link SsmChannelClosedException} whose reason is empty and whose message says no reason was given.
     */
    @Test
    void aSmuxKeepaliveTimeoutEndsTheSessionWithAnEmptyReason() throws Exception {
        SsmDataChannel dc = open(FakeSsmService.builder().wireTap(true).agentVersion("3.1.1511.0")
                .smuxKeepAliveTimeout(java.time.Duration.ofSeconds(2)), TestPeers.port(echo));
        FakeSession fs = fake.sessions().get(0);
        assertTrue(fs.isKeepAlive(), "the agent runs smux keepalive");
        echoThrough(dc, 10_000, 45);
        fake.faults().dropInbound(1.0); // nothing the client sends reaches the agent's smux any more
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> dc.closeFuture().get(30, TimeUnit.SECONDS));
        SsmChannelClosedException closed = assertInstanceOf(SsmChannelClosedException.class, e.getCause());
        assertEquals("", closed.reason());
        assertTrue(closed.getMessage().endsWith("closed by the service: (no reason given)"), closed.getMessage());
        List<String> outputs = new ArrayList<>();
        for (byte[] conn : fake.wireLog()) {
            FakeWireFramingTest.checkFrames(conn, "keepalive", op -> { }, m -> {
                if (dev.fumidai.ssm.internal.datachannel.MessageTypes.CHANNEL_CLOSED.equals(m.messageType())) {
                    try {
                        outputs.add(dev.fumidai.ssm.internal.datachannel.ChannelClosedContent.parse(m.payload())
                                .output());
                    } catch (dev.fumidai.ssm.internal.datachannel.MalformedMessageException x) {
                        throw new AssertionError(x);
                    }
                }
            });
        }
        assertEquals(List.of(""), outputs, "one channel_closed, with an empty Output");
    }
}
