// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

import dev.fumidai.ssm.internal.datachannel.ByteQueue;
import dev.fumidai.ssm.internal.datachannel.ChannelClosedContent;
import dev.fumidai.ssm.internal.datachannel.ClientMessage;
import dev.fumidai.ssm.internal.datachannel.DataChannelEndpoint;
import dev.fumidai.ssm.internal.datachannel.Flag;
import dev.fumidai.ssm.internal.datachannel.HandshakeCompletePayload;
import dev.fumidai.ssm.internal.datachannel.HandshakeRequestPayload;
import dev.fumidai.ssm.internal.datachannel.HandshakeResponsePayload;
import dev.fumidai.ssm.internal.datachannel.IncomingMessageBuffer;
import dev.fumidai.ssm.internal.datachannel.MalformedMessageException;
import dev.fumidai.ssm.internal.datachannel.MessageTypes;
import dev.fumidai.ssm.internal.datachannel.OutgoingMessageBuffer;
import dev.fumidai.ssm.internal.datachannel.PayloadTypes;
import dev.fumidai.ssm.internal.datachannel.Versions;
import dev.fumidai.ssm.internal.mux.SmuxProtocolException;
import dev.fumidai.ssm.internal.mux.SmuxSession;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the SSM Agent for one fake session ({@code docs/transport-ssm.md}): the handshake, the reliability layer,
 * then smux server or basic-mode forwarding (§8) to a real TCP destination, with the faults of
 * {@link FakeFaults}. Sequence state lives here, so it survives websocket reconnects (§5.2).
 *
 * <h2>Threading</h2>
 * All state is confined to the fake service's single event loop; the public methods may be called from any
 * thread and run there.
 */
public final class FakeSession {

    private static final Logger LOG = LoggerFactory.getLogger(FakeSession.class);

    /** Is the pending-output level above which destination reads stop. */
    private static final long READ_HIGH_WATER = 256 * 1024;

    private final FakeSsmService service;
    private final EventLoop loop;
    private final String id;
    private final String target;
    private final String document;
    private final Map<String, Object> properties;
    private final DataChannelEndpoint endpoint;
    private final Random dice;
    private final ByteQueue pendingOut = new ByteQueue();
    private final Map<Long, FakeStream> streams = new HashMap<>();

    private volatile String token;
    private Channel ws;
    private byte[] heldForReorder;
    private boolean handshakeRequested;
    private boolean handshakeComplete;
    private SmuxSession smux;
    private Channel basicDest;
    private boolean basicConnecting;
    private final List<byte[]> basicPending = new ArrayList<>();
    private boolean readsEnabled = true;
    private long nextPacedSendNanos;
    private boolean flushScheduled;
    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> handshakeTimer;

    private volatile boolean terminated;
    private volatile boolean muxMode;
    private volatile boolean keepAliveMode;
    private volatile String clientVersion;
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger streamsOpened = new AtomicInteger();
    private final AtomicLong bytesToDestination = new AtomicLong();
    private final List<Integer> flagsReceived = new CopyOnWriteArrayList<>();
    private final java.util.Set<Long> resentSequenceNumbers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<long[]> resends = new CopyOnWriteArrayList<>();
    private long highestSequenceSent = -1;

    private static final class FakeStream {
        Channel dest;
        final List<byte[]> pending = new ArrayList<>();
        boolean finReceived;
    }

    FakeSession(FakeSsmService service, EventLoop loop, String id, String target, String document,
            Map<String, Object> properties, String token) {
        this.service = service;
        this.loop = loop;
        this.id = id;
        this.target = target;
        this.document = document;
        this.properties = properties;
        this.token = token;
        this.dice = new Random(service.faults().seed() ^ id.hashCode());
        this.endpoint = new DataChannelEndpoint(
                new OutgoingMessageBuffer(MessageTypes.OUTPUT_STREAM_DATA, 100_000, 2L << 20),
                new IncomingMessageBuffer(100_000, 16L << 20),
                DataChannelEndpoint.Clock.system(), this::transmit, new AgentHandler());
    }

    /** Returns the session id. */
    public String id() {
        return id;
    }

    /** Returns the target given to StartSession. */
    public String target() {
        return target;
    }

    /** Returns the document given to StartSession. */
    public String document() {
        return document;
    }

    /** Returns how many websockets opened this session's data channel with a valid token. */
    public int connects() {
        return connects.get();
    }

    /** Returns whether the agent chose smux (known after the handshake). */
    public boolean isMux() {
        return muxMode;
    }

    /** Returns whether the agent runs smux keepalive. */
    public boolean isKeepAlive() {
        return keepAliveMode;
    }

    /** Returns the ClientVersion from the HandshakeResponse, or {@code null} before it. */
    public String clientVersion() {
        return clientVersion;
    }

    /** Returns the flag codes the client sent, in order (§4.5). */
    public List<Integer> flagsReceived() {
        return List.copyOf(flagsReceived);
    }

    /**
     * Returns the sequence numbers of the stream messages the agent sent more than once (retransmissions and the
     * duplicate fault), as written to a websocket.
     */
    public java.util.Set<Long> resentSequenceNumbers() {
        return java.util.Set.copyOf(resentSequenceNumbers);
    }

    /** Returns each resend as {sequence number, System.nanoTime() when written}, in order. */
    public List<long[]> resends() {
        return List.copyOf(resends);
    }

    /** Returns how many smux streams the client opened. */
    public int streamsOpened() {
        return streamsOpened.get();
    }

    /** Returns how many bytes the agent wrote to destinations. */
    public long bytesToDestination() {
        return bytesToDestination.get();
    }

    /** Returns a one-line summary of the agent's state for diagnostics; racy when called off the loop. */
    public String debugState() {
        return "agent unacked=" + endpoint.outgoing().size() + " next=" + endpoint.outgoing().nextSequenceNumber()
                + " rto=" + endpoint.outgoing().roundTrip().rtoNanos() / 1000 + "us resent="
                + endpoint.outgoing().retransmissions() + " inExpected=" + endpoint.incoming().expectedSequenceNumber()
                + " inBuffered=" + endpoint.incoming().size() + " pendingOut=" + pendingOut.size()
                + " smuxUnconsumed=" + (smux == null ? -1 : smux.unconsumed()) + " reads=" + readsEnabled
                + " wsWritable=" + (ws != null && ws.isWritable()) + " toDest=" + bytesToDestination.get();
    }

    /** Returns whether the session ended. */
    public boolean isTerminated() {
        return terminated;
    }

    /** Closes the current websocket: with close 1000 "Bye" as MGS does hourly, or abruptly without a close frame. */
    public void closeWebSocket(boolean bye) {
        loop.execute(() -> {
            Channel c = ws;
            if (c == null) {
                return;
            }
            if (bye) {
                c.writeAndFlush(new CloseWebSocketFrame(1000, "Bye")).addListener(ChannelFutureListener.CLOSE);
            } else {
                reset(c);
            }
        });
    }

    /**
     * Resets the TCP connection: SO_LINGER 0 makes close send RST, and closing from the pipeline's head skips
     * every handler, so neither a websocket close frame nor a TLS close_notify goes out: a real network loss.
     */
    static void reset(Channel c) {
        if (c instanceof io.netty.channel.socket.SocketChannel) {
            ((io.netty.channel.socket.SocketChannel) c).config().setSoLinger(0);
        }
        c.unsafe().close(c.voidPromise());
    }

    /**
     * Writes a websocket frame whose header is broken (reserved bits set, an unknown opcode and a length the
     * payload never fills), as a corrupting relay would; the client must count the socket as lost.
     */
    public void sendCorruptFrame() {
        loop.execute(() -> {
            Channel c = ws;
            if (c != null && c.isActive()) {
                byte[] junk = {(byte) 0xF3, 0x7E, 0x40, 0x00, 1, 2, 3, 4};
                c.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(junk));
            }
        });
    }

    /** Sends {@code channel_closed} with the given reason and ends the session, as MGS does on idle timeout. */
    public void sendChannelClosed(String output) {
        loop.execute(() -> terminate(output));
    }

    /** Sends {@code pause_publication} to the client. */
    public void pausePublication() {
        loop.execute(() -> sendControl(MessageTypes.PAUSE_PUBLICATION));
    }

    /** Sends {@code start_publication} to the client. */
    public void startPublication() {
        loop.execute(() -> sendControl(MessageTypes.START_PUBLICATION));
    }

    String token() {
        return token;
    }

    void newToken(String t) {
        this.token = t;
    }

    /** Takes a websocket that sent OpenDataChannel with this session's token. */
    void attach(Channel channel) {
        assert loop.inEventLoop();
        if (terminated) {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "session terminated"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        Channel old = ws;
        ws = channel;
        if (old != null && old != channel) {
            old.close();
        }
        connects.incrementAndGet();
        // MGS tells an end that the other end is connected (§5.6, inferred): sent on every connect.
        sendControl(MessageTypes.START_PUBLICATION);
        if (ticker == null) {
            ticker = loop.scheduleAtFixedRate(this::tick, 100, 100, TimeUnit.MILLISECONDS); // §5.4
        }
        if (!handshakeRequested) {
            handshakeRequested = true;
            if (service.handshake() != FakeSsmService.HandshakeBehaviour.NEVER_REQUEST) {
                Map<String, Object> props = new java.util.LinkedHashMap<>(properties);
                HandshakeRequestPayload request = HandshakeRequestPayload.sessionType(service.agentVersion(), "Port",
                        props);
                if (service.handshake() == FakeSsmService.HandshakeBehaviour.REFUSED_ACTION_THEN_COMPLETE) {
                    List<HandshakeRequestPayload.RequestedClientAction> actions =
                            new ArrayList<>(request.requestedClientActions());
                    actions.add(new HandshakeRequestPayload.RequestedClientAction(
                            HandshakeRequestPayload.ACTION_KMS_ENCRYPTION, Map.of("KMSKeyId", "fake-key")));
                    request = new HandshakeRequestPayload(service.agentVersion(), actions);
                }
                endpoint.send(PayloadTypes.HANDSHAKE_REQUEST, request.toJson());
                handshakeTimer = loop.schedule(() -> {
                    if (!handshakeComplete && clientVersion == null) {
                        terminate("Handshake timed out. Please ensure that you have the latest version of the "
                                + "session manager plugin.");
                    }
                }, service.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
            }
        } else {
            if (service.retransmission() == FakeSsmService.Retransmission.DOUBLING) {
                endpoint.retransmitAll();
            } // the real agent resends nothing at once: its 100 ms scheduler repairs the losses (§10.3 item 4)
            flush();
        }
    }

    /** Forgets a websocket that closed. */
    void detach(Channel channel) {
        if (ws == channel) {
            ws = null;
        }
    }

    /** Takes a binary message from the client's websocket. */
    void onBinary(byte[] frame) {
        if (terminated) {
            return;
        }
        if (roll(service.faults().dropInbound())) {
            return;
        }
        endpoint.onFrame(frame);
    }

    /** Ends the session: channel_closed to the client, destinations closed, state dropped. */
    void terminate(String reason) {
        assert loop.inEventLoop();
        if (terminated) {
            return;
        }
        terminated = true;
        LOG.debug("fake session {} ends: {}", id, reason);
        Channel c = ws;
        if (c != null && c.isActive()) {
            ChannelClosedContent cc = new ChannelClosedContent(UUID.randomUUID().toString(), Instant.now().toString(),
                    "fake-destination", id, reason);
            ClientMessage m = new ClientMessage(MessageTypes.CHANNEL_CLOSED, 1, System.currentTimeMillis(), 0, 0,
                    UUID.randomUUID(), 0, cc.toJson());
            c.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                    dev.fumidai.ssm.internal.datachannel.ClientMessageCodec.encode(m))))
                    .addListener(f -> c.writeAndFlush(new CloseWebSocketFrame(1000, "channel closed"))
                            .addListener(ChannelFutureListener.CLOSE));
        }
        ws = null;
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (smux != null) {
            smux.close();
        }
        for (FakeStream s : streams.values()) {
            if (s.dest != null) {
                s.dest.close();
            }
        }
        streams.clear();
        if (basicDest != null) {
            basicDest.close();
        }
        pendingOut.clear();
    }

    private void tick() {
        if (terminated) {
            return;
        }
        retransmit();
        if (smux != null) {
            try {
                smux.tick(System.nanoTime());
            } catch (SmuxProtocolException e) {
                // The real service ends a session whose smux keepalive timed out with an empty Output.
                LOG.debug("fake session {}: smux failed: {}", id, e.getMessage());
                terminate("");
                return;
            }
        }
        flush();
    }

    /** Runs one 100 ms retransmission round (§5.4) in the configured style. */
    private void retransmit() {
        if (service.retransmission() == FakeSsmService.Retransmission.DOUBLING) {
            endpoint.tick();
            return;
        }
        if (endpoint.isPaused()) {
            return;
        }
        OutgoingMessageBuffer out = endpoint.outgoing();
        OutgoingMessageBuffer.Entry head = out.oldestUnacknowledged();
        long now = System.nanoTime();
        if (head != null && now - head.lastSentNanos() > out.roundTrip().rtoNanos() && transmit(head.frame(), false)) {
            out.resent(head, now);
        }
    }

    private void sendControl(String type) {
        endpoint.sendUnsequenced(new ClientMessage(type, 1, System.currentTimeMillis(), 0, 0, UUID.randomUUID(), 0,
                new byte[0]));
    }

    /** Writes one frame to the client, applying the outbound faults. */
    private boolean transmit(byte[] frame, boolean ack) {
        Channel c = ws;
        if (c == null || !c.isActive() || (!ack && !c.isWritable())) {
            return false;
        }
        FakeFaults f = service.faults();
        if (ack) {
            if (f.withholdAcks()) {
                return true;
            }
            long delay = f.ackDelayMillis();
            if (delay > 0) {
                loop.schedule(() -> write(c, frame), delay, TimeUnit.MILLISECONDS);
                return true;
            }
        }
        if (roll(f.dropOutbound())) {
            return true;
        }
        if (heldForReorder == null && roll(f.reorderOutbound())) {
            heldForReorder = frame;
            loop.schedule(() -> {
                if (heldForReorder == frame) {
                    heldForReorder = null;
                    write(ws, frame);
                }
            }, 20, TimeUnit.MILLISECONDS);
            return true;
        }
        write(c, frame);
        if (heldForReorder != null) {
            byte[] h = heldForReorder;
            heldForReorder = null;
            write(c, h);
        }
        if (roll(f.duplicateOutbound())) {
            write(c, frame);
        }
        return true;
    }

    private void write(Channel c, byte[] frame) {
        if (c != null && c.isActive()) {
            noteSent(frame);
            c.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
        }
    }

    /** Tracks resent sequence numbers; reads the header in place (SequenceNumber at offset 48, SSM spec §4). */
    private void noteSent(byte[] frame) {
        if (frame.length < 56 || !MessageTypes.OUTPUT_STREAM_DATA.equals(new String(frame, 4, 32,
                java.nio.charset.StandardCharsets.US_ASCII).trim())) {
            return;
        }
        long seq = java.nio.ByteBuffer.wrap(frame, 48, 8).getLong();
        if (seq <= highestSequenceSent) {
            resentSequenceNumbers.add(seq);
            resends.add(new long[] {seq, System.nanoTime()});
        } else {
            highestSequenceSent = seq;
        }
    }

    private boolean roll(double rate) {
        return rate > 0 && dice.nextDouble() < rate;
    }

    /** Sends due retransmissions and pending output once the websocket can take more. */
    void onWritable() {
        if (!terminated && ws != null && ws.isWritable()) {
            if (service.retransmission() == FakeSsmService.Retransmission.DOUBLING) {
                endpoint.tick();
            }
            flush();
        }
    }

    private void flush() {
        while (!pendingOut.isEmpty() && endpoint.hasRoom() && !endpoint.isPaused() && !terminated && ws != null
                && ws.isWritable()) {
            if (service.realAgentPacing()) {
                long now = System.nanoTime();
                if (now < nextPacedSendNanos) {
                    if (!flushScheduled) {
                        flushScheduled = true;
                        loop.schedule(() -> {
                            flushScheduled = false;
                            flush();
                        }, nextPacedSendNanos - now, TimeUnit.NANOSECONDS);
                    }
                    break;
                }
                nextPacedSendNanos = now + 1_000_000L;
            }
            endpoint.send(PayloadTypes.OUTPUT, pendingOut.take(service.maxPayload()));
        }
        boolean enable = pendingOut.size() < READ_HIGH_WATER && endpoint.hasRoom();
        if (enable != readsEnabled) {
            readsEnabled = enable;
            for (FakeStream s : streams.values()) {
                if (s.dest != null) {
                    s.dest.config().setAutoRead(enable);
                }
            }
            if (basicDest != null) {
                basicDest.config().setAutoRead(enable);
            }
        }
    }

    private final class AgentHandler implements DataChannelEndpoint.Handler {

        @Override
        public boolean canAccept(ClientMessage m) {
            return m.payloadType() != PayloadTypes.OUTPUT || smux == null || smux.canReceive();
        }

        @Override
        public void onStreamMessage(ClientMessage m) {
            if (terminated) {
                return;
            }
            switch (m.payloadType()) {
                case PayloadTypes.HANDSHAKE_RESPONSE:
                    onHandshakeResponse(m.payload());
                    return;
                case PayloadTypes.OUTPUT:
                    if (!handshakeComplete) {
                        return; // "Handshake still in progress, ignore" (§5.3)
                    }
                    onOutput(m.payload());
                    return;
                case PayloadTypes.FLAG:
                    onFlag(m.payload());
                    return;
                default:
                    LOG.debug("fake agent ignores payload type {}", m.payloadType());
            }
        }

        @Override
        public void onControlMessage(ClientMessage m) {
            // Clients send no control messages the agent acts on.
        }

        @Override
        public void onAcknowledged() {
            flush();
        }
    }

    private void onHandshakeResponse(byte[] payload) {
        if (handshakeComplete) {
            return;
        }
        HandshakeResponsePayload r;
        try {
            r = HandshakeResponsePayload.parse(payload);
        } catch (MalformedMessageException e) {
            terminate("Handshake failed: " + e.getMessage());
            return;
        }
        clientVersion = r.clientVersion();
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        for (HandshakeResponsePayload.ProcessedClientAction a : r.processedClientActions()) {
            if (a.actionStatus() != HandshakeResponsePayload.STATUS_SUCCESS
                    && service.handshake() != FakeSsmService.HandshakeBehaviour.REFUSED_ACTION_THEN_COMPLETE) {
                terminate("Handshake failed: action " + a.actionType() + " status " + a.actionStatus());
                return;
            }
        }
        if (service.handshake() == FakeSsmService.HandshakeBehaviour.NEVER_COMPLETE) {
            return;
        }
        String agentVersion = service.agentVersion();
        boolean portForwarding = "LocalPortForwarding".equals(properties.get("type"));
        muxMode = portForwarding && Versions.compare(clientVersion, Versions.MUX_FROM_CLIENT) >= 0
                && Versions.compare(agentVersion, Versions.MUX_AFTER_AGENT) > 0;
        keepAliveMode = muxMode && (Versions.compare(agentVersion, Versions.NO_KEEPALIVE_AFTER_AGENT) <= 0
                || Versions.compare(clientVersion, Versions.NO_KEEPALIVE_AFTER_CLIENT) <= 0);
        handshakeComplete = true;
        endpoint.send(PayloadTypes.HANDSHAKE_COMPLETE, new HandshakeCompletePayload(1_000_000L, "").toJson());
        if (muxMode) {
            smux = new SmuxSession(SmuxSession.Role.SERVER, service.smuxConfig(keepAliveMode), pendingOut::add,
                    new MuxListener(), System.nanoTime());
        } else {
            dialBasic(true);
        }
    }

    private void onFlag(byte[] payload) {
        int code;
        try {
            code = Flag.parseCode(payload);
        } catch (MalformedMessageException e) {
            return;
        }
        flagsReceived.add(code);
        if (code == Flag.TERMINATE_SESSION.code()) {
            terminate("Session terminated by the client");
        } else if (code == Flag.DISCONNECT_TO_PORT.code() && basicDest != null) {
            Channel d = basicDest;
            basicDest = null;
            d.close();
        }
    }

    private void onOutput(byte[] payload) {
        if (smux != null) {
            try {
                smux.receive(payload, 0, payload.length, System.nanoTime());
            } catch (SmuxProtocolException e) {
                terminate("smux: " + e.getMessage());
                return;
            }
            flush();
            return;
        }
        if (basicDest != null && basicDest.isActive()) {
            writeToDestination(basicDest, payload, null);
        } else {
            basicPending.add(payload);
            if (!basicConnecting) {
                dialBasic(false);
            }
        }
    }

    private void writeToDestination(Channel dest, byte[] data, Runnable written) {
        bytesToDestination.addAndGet(data.length);
        ChannelFuture f = dest.writeAndFlush(Unpooled.wrappedBuffer(data));
        if (written != null) {
            f.addListener(x -> written.run());
        }
    }

    private void dialBasic(boolean sessionStart) {
        basicConnecting = true;
        dial(new DestinationReader(-1)).addListener((ChannelFuture f) -> {
            basicConnecting = false;
            if (terminated) {
                f.channel().close();
                return;
            }
            if (!f.isSuccess()) {
                // The real agent ends the session when it cannot reach the destination in basic mode; dropping
                // the data instead left the local client waiting for an answer that never came.
                basicPending.clear();
                terminate(sessionStart ? "Unable to start the port session: connection to destination port failed"
                        : "Unable to reconnect to the destination port: connection refused");
                return;
            }
            basicDest = f.channel();
            basicDest.config().setAutoRead(readsEnabled);
            for (byte[] b : basicPending) {
                writeToDestination(basicDest, b, null);
            }
            basicPending.clear();
        });
    }

    private ChannelFuture dial(DestinationReader reader) {
        String host = properties.get("host") instanceof String ? (String) properties.get("host") : "localhost";
        if (host.isEmpty() || "localhost".equals(host)) {
            host = "127.0.0.1"; // stay on IPv4 loopback: the fake never leaves 127.0.0.0/8
        }
        int port;
        try {
            port = Integer.parseInt(String.valueOf(properties.get("portNumber")));
        } catch (NumberFormatException e) {
            port = 0;
        }
        return new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.AUTO_READ, false)
                .handler(reader)
                .connect(host, port);
    }

    private final class MuxListener implements SmuxSession.Listener {

        @Override
        public void streamOpened(long streamId) {
            streamsOpened.incrementAndGet();
            FakeStream s = new FakeStream();
            streams.put(streamId, s);
            if (service.faults().refuseStreams()) {
                refuse(streamId);
                return;
            }
            dial(new DestinationReader(streamId)).addListener((ChannelFuture f) -> {
                if (terminated || streams.get(streamId) != s) {
                    f.channel().close();
                    return;
                }
                if (!f.isSuccess()) {
                    refuse(streamId);
                    return;
                }
                s.dest = f.channel();
                s.dest.config().setAutoRead(readsEnabled);
                for (byte[] b : s.pending) {
                    writeToDestination(s.dest, b, () -> smux.consumed(streamId, b.length));
                }
                s.pending.clear();
                if (s.finReceived) {
                    s.dest.close();
                }
            });
        }

        @Override
        public void streamData(long streamId, byte[] data) {
            FakeStream s = streams.get(streamId);
            if (s == null) {
                smux.consumed(streamId, data.length);
                return;
            }
            if (s.dest != null) {
                writeToDestination(s.dest, data, () -> {
                    if (smux != null) {
                        smux.consumed(streamId, data.length);
                    }
                });
            } else {
                s.pending.add(data);
            }
        }

        @Override
        public void streamFinished(long streamId) {
            FakeStream s = streams.get(streamId);
            if (s == null) {
                return;
            }
            s.finReceived = true;
            // The agent copies both ways and closes both when either ends: no half-close (§8.4).
            if (s.dest != null) {
                s.dest.close();
            }
            smux.finish(streamId);
            flush();
        }
    }

    private void refuse(long streamId) {
        // ConnectToPortError goes out directly; the FIN follows through the smux pipe (§8.4, §11 item 8).
        endpoint.send(PayloadTypes.FLAG, Flag.CONNECT_TO_PORT_ERROR.payload());
        streams.remove(streamId);
        smux.reset(streamId);
        flush();
    }

    /** Reads one destination socket: a smux stream's (id ≥ 0) or the basic-mode one (id −1). */
    private final class DestinationReader extends ChannelInboundHandlerAdapter {
        private final long streamId;

        DestinationReader(long streamId) {
            this.streamId = streamId;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes;
            try {
                bytes = ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
            if (terminated) {
                return;
            }
            if (streamId >= 0) {
                if (smux != null && smux.isOpen(streamId)) {
                    smux.write(streamId, bytes, 0, bytes.length);
                }
            } else {
                pendingOut.add(bytes);
            }
            flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (terminated) {
                return;
            }
            if (streamId >= 0) {
                FakeStream s = streams.remove(streamId);
                if (s != null && smux != null) {
                    smux.finish(streamId);
                    flush();
                }
            } else if (basicDest == ctx.channel()) {
                basicDest = null;
                if (!"LocalPortForwarding".equals(properties.get("type"))) {
                    terminate("destination closed the stream session"); // SSH documents end here (§8.3)
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
