// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import dev.fumidai.HopDisconnectedException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.HopUnreachableException;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelException;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.internal.retry.Backoff;
import dev.fumidai.ssm.SsmChannelClosedException;
import dev.fumidai.ssm.internal.datachannel.ByteQueue;
import dev.fumidai.ssm.internal.datachannel.ChannelClosedContent;
import dev.fumidai.ssm.internal.datachannel.ClientMessage;
import dev.fumidai.ssm.internal.datachannel.DataChannelEndpoint;
import dev.fumidai.ssm.internal.datachannel.Flag;
import dev.fumidai.ssm.internal.datachannel.HandshakeRequestPayload;
import dev.fumidai.ssm.internal.datachannel.HandshakeResponsePayload;
import dev.fumidai.ssm.internal.datachannel.IncomingMessageBuffer;
import dev.fumidai.ssm.internal.datachannel.Json;
import dev.fumidai.ssm.internal.datachannel.MalformedMessageException;
import dev.fumidai.ssm.internal.datachannel.MessageTypes;
import dev.fumidai.ssm.internal.datachannel.OutgoingMessageBuffer;
import dev.fumidai.ssm.internal.datachannel.PayloadTypes;
import dev.fumidai.ssm.internal.datachannel.Versions;
import dev.fumidai.ssm.internal.mux.SmuxConfig;
import dev.fumidai.ssm.internal.mux.SmuxProtocolException;
import dev.fumidai.ssm.internal.mux.SmuxSession;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the client end of one SSM session's data channel on one event loop: the websocket to the StreamUrl with
 * OpenDataChannel (§3), the message layer and reliability (§4, §5), the handshake (§6), then port forwarding in
 * smux or basic mode (§8), with pings, reconnect through ResumeSession (§10.3) and {@code channel_closed}
 * (§5.6).
 *
 * <h2>Threading</h2>
 * All state is confined to {@link #eventLoop()}; public methods may be called from any thread.
 *
 * <h2>Back-pressure</h2>
 * Stream channels become unwritable when the bytes waiting for the data channel pass a high-water mark; the data
 * channel stops sending when the unacknowledged bytes reach {@link DataChannelConfig#maxUnackedBytes()}. Inbound,
 * smux's session budget is only returned when stream readers consume data; while it is used up, Output messages
 * are left unacknowledged and the agent retransmits them later (§5.3). While reconnecting, writes are queued in
 * the same bounded buffers.
 *
 * <h2>Failure</h2>
 * A handshake that does not complete in time fails {@link #open} with {@link TunnelTimeoutException}; a refused
 * SessionType with {@link HopHandshakeException}; {@code channel_closed} ends everything with
 * {@link SsmChannelClosedException}; an exhausted reconnect budget with {@link HopDisconnectedException}.
 */
public final class SsmDataChannel {

    private static final Logger LOG = LoggerFactory.getLogger(SsmDataChannel.class);

    /** Is the level of queued smux/basic output above which stream channels stop taking writes. */
    static final long OUT_HIGH_WATER = 256 * 1024;
    /** Is the level under which stream channels take writes again. */
    static final long OUT_LOW_WATER = 64 * 1024;
    /** Is the MessageSchemaVersion of OpenDataChannel (§3.2). */
    private static final String OPEN_SCHEMA_VERSION = "1.0";
    /** Is the websocket frame size accepted; real frames are about 1.2 KiB (§11 item 2). */
    private static final int MAX_FRAME = 1 << 20;

    /**
     * Waits between ResumeSession attempts: full jitter up to 200 ms, doubling, capped at 10 s. The plugin starts at a
     * random 100–200 ms and caps at 5 s (§10.3); the longer cap suits the much longer reconnect budget here.
     */
    private static final Backoff RECONNECT = Backoff.fullJitter(Duration.ofMillis(200), Duration.ofSeconds(10));

    private final EventLoop loop;
    private final DataChannelConfig config;
    private final Function<String, CompletableFuture<SessionCredentials>> resumer;
    private final String sessionId;
    private final URI streamUrl;
    private final String clientId = UUID.randomUUID().toString();
    private final DataChannelEndpoint endpoint;
    private final CompletableFuture<SsmDataChannel> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final ByteQueue out = new ByteQueue();
    private final Map<Long, SmuxStreamChannel> muxStreams = new HashMap<>();
    private final ArrayDeque<CompletableFuture<io.netty.channel.Channel>> basicWaiters = new ArrayDeque<>();

    private String token;
    private Channel ws;
    private boolean closing;
    private Throwable failure;
    private boolean reconnecting;
    private long reconnectDeadlineNanos;
    private ScheduledFuture<?> reconnectDeadline;
    /** Resume attempts scheduled in the current outage, less one: the retry number for {@link #RECONNECT}. */
    private int reconnectRetries = -1;
    private volatile int reconnects; // written on the event loop only; read by status and tests
    private long lastPingNanos;
    private boolean pongOutstanding;
    /** Is why the current websocket was given up, when the pong deadline did it. */
    private TunnelException pongMissed;
    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> handshakeTimer;
    private String agentVersion;
    private Map<String, Object> properties = Map.of();
    private boolean handshakeComplete;
    /** Why we refused an action of the HandshakeRequest, or null; once set the handshake can never complete. */
    private String refusedAction;
    private boolean mux;
    private SmuxSession smux;
    private BasicStreamChannel basicStream;
    private int connectErrors;
    private boolean writesSuspended;
    private long framesIn;

    private SsmDataChannel(EventLoop loop, SessionCredentials creds, DataChannelConfig config,
            Function<String, CompletableFuture<SessionCredentials>> resumer) {
        this.loop = loop;
        this.config = config;
        this.resumer = resumer;
        this.sessionId = creds.sessionId();
        this.streamUrl = URI.create(creds.streamUrl());
        this.token = creds.tokenValue();
        this.endpoint = new DataChannelEndpoint(
                new OutgoingMessageBuffer(MessageTypes.INPUT_STREAM_DATA, OutgoingMessageBuffer.DEFAULT_MAX_MESSAGES,
                        config.maxUnackedBytes()),
                new IncomingMessageBuffer(IncomingMessageBuffer.DEFAULT_MAX_MESSAGES,
                        IncomingMessageBuffer.DEFAULT_MAX_BYTES),
                DataChannelEndpoint.Clock.system(), this::transmit, new ClientHandler());
    }

    /**
     * Opens the data channel of a started session and runs the handshake.
     *
     * @param resumer calls ResumeSession for the session id; used after a websocket loss
     * @return a future completing once HandshakeComplete arrived (§6.5)
     */
    public static CompletableFuture<SsmDataChannel> open(EventLoop loop, SessionCredentials creds,
            DataChannelConfig config, Function<String, CompletableFuture<SessionCredentials>> resumer) {
        SsmDataChannel dc = new SsmDataChannel(loop, creds, config, resumer);
        loop.execute(dc::start);
        return dc.ready;
    }

    /** Returns the event loop that owns this channel and its streams. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** Returns the SSM session id. */
    public String sessionId() {
        return sessionId;
    }

    /** Returns the agent's version from the HandshakeRequest. */
    public String agentVersion() {
        return agentVersion;
    }

    /** Returns the document properties from the HandshakeRequest (§2.6). */
    public Map<String, Object> properties() {
        return properties;
    }

    /** Returns whether streams are multiplexed with smux. */
    public boolean isMux() {
        return mux;
    }

    /** Returns a one-line summary of the reliability state for diagnostics; racy when called off the loop. */
    public String debugState() {
        OutgoingMessageBuffer o = endpoint.outgoing();
        return "unacked=" + o.size() + " next=" + o.nextSequenceNumber() + " rto=" + o.roundTrip().rtoNanos() / 1000
                + "us rtt=" + o.roundTrip().rttNanos() / 1000 + "us resent=" + o.retransmissions() + " inExpected="
                + endpoint.incoming().expectedSequenceNumber() + " inBuffered=" + endpoint.incoming().size()
                + " out=" + out.size() + " smuxUnconsumed=" + (smux == null ? -1 : smux.unconsumed())
                + " wsWritable=" + (ws != null && ws.isWritable()) + " malformed=" + endpoint.malformedFrames()
                + " framesIn=" + framesIn + " reconnects=" + reconnects + " paused=" + endpoint.isPaused();
    }

    /** Returns how many messages were retransmitted so far. */
    public long retransmissions() {
        return endpoint.outgoing().retransmissions();
    }

    /** Returns how many times the websocket was re-established. */
    public int reconnects() {
        return reconnects;
    }

    /** Returns whether the channel is usable for new streams. */
    public boolean isOpen() {
        return handshakeComplete && failure == null && !closing;
    }

    /** Returns a future completed when the channel has closed; exceptionally with the cause if it broke. */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    /**
     * Opens a stream to the session's destination: an smux stream, or in basic mode the one connection (later
     * opens wait until it closes, as the plugin's accept loop does, §8.3).
     *
     * @return a future with a registered, active stream channel with {@code autoRead} off
     */
    public CompletableFuture<io.netty.channel.Channel> openStream() {
        CompletableFuture<io.netty.channel.Channel> f = new CompletableFuture<>();
        loop.execute(() -> {
            if (!isOpen()) {
                f.completeExceptionally(failure != null ? failure
                        : new HopDisconnectedException(config.where(), "SSM data channel is not open", null));
                return;
            }
            if (mux) {
                long id;
                try {
                    id = smux.openStream();
                } catch (IllegalStateException e) {
                    f.completeExceptionally(new TunnelException(config.where(), e.getMessage(), e));
                    return;
                }
                SmuxStreamChannel ch = new SmuxStreamChannel(this, id);
                muxStreams.put(id, ch);
                flushOut();
                register(ch, f);
            } else if (basicStream == null) {
                basicStream = new BasicStreamChannel(this);
                register(basicStream, f);
            } else {
                basicWaiters.add(f);
            }
        });
        return f;
    }

    /**
     * Ends the session from this side: TerminateSession flag (§4.5, §10.1), a short wait for its ack, then the
     * websocket closes. The TerminateSession API call is the caller's.
     */
    public CompletableFuture<Void> close() {
        loop.execute(() -> {
            if (closing || failure != null) {
                return;
            }
            closing = true;
            if (handshakeComplete && (mux || Versions.compare(agentVersion, Versions.TERMINATE_FLAG_AFTER_AGENT) > 0)
                    && endpoint.hasRoom()) {
                endpoint.send(PayloadTypes.FLAG, Flag.TERMINATE_SESSION.payload());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            awaitDrainThenClose(deadline);
        });
        return closeFuture;
    }

    private void awaitDrainThenClose(long deadline) {
        if (endpoint.outgoing().size() == 0 || System.nanoTime() >= deadline || ws == null) {
            shutdown(null);
            return;
        }
        loop.schedule(() -> awaitDrainThenClose(deadline), 20, TimeUnit.MILLISECONDS);
    }

    private void register(AbstractSsmStream ch, CompletableFuture<io.netty.channel.Channel> f) {
        ch.config().setAutoRead(false);
        loop.register(ch).addListener(r -> {
            if (r.isSuccess()) {
                f.complete(ch);
            } else {
                f.completeExceptionally(new TunnelException(config.where(), "stream registration failed",
                        r.cause()));
            }
        });
    }

    // ---- websocket ----

    private void start() {
        handshakeTimer = loop.schedule(() -> {
            if (!handshakeComplete) {
                fail(new TunnelTimeoutException(config.where(), "SSM session " + sessionId
                        + ": the data-channel handshake did not complete within "
                        + config.handshakeTimeout().toMillis() + " ms (agent version "
                        + (agentVersion == null ? "unknown: no HandshakeRequest arrived" : agentVersion) + ")",
                        null));
            }
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ticker = loop.scheduleAtFixedRate(this::tick, 100, 100, TimeUnit.MILLISECONDS); // §5.4
        connect();
    }

    private void connect() {
        boolean tls = "wss".equalsIgnoreCase(streamUrl.getScheme());
        boolean plaintext = "ws".equalsIgnoreCase(streamUrl.getScheme());
        if (!tls && !(plaintext && config.insecurePlaintextWebSocketForTesting())) {
            // The websocket carries the session token and every byte of every stream: TLS or nothing. Session
            // Manager only ever returns wss:// (§3.1); ws:// is for a fake service on loopback, opted into by name.
            fail(new HopHandshakeException(config.where(), "SSM session " + sessionId + ": refused StreamUrl scheme "
                    + (plaintext ? "ws:// (plaintext websocket)" : "\"" + streamUrl.getScheme() + "\"")
                    + "; only wss:// is allowed", null));
            return;
        }
        String host = streamUrl.getHost();
        int port = streamUrl.getPort() > 0 ? streamUrl.getPort() : (tls ? 443 : 80);
        SslContext ssl;
        try {
            // The application's JDK SSLContext is wrapped as it is (its protocols and suites); the host name is
            // checked on the engine below either way.
            ssl = !tls ? null : config.sslContext() != null
                    ? new JdkSslContext(config.sslContext(), true, null, IdentityCipherSuiteFilter.INSTANCE, null,
                            ClientAuth.NONE, null, false)
                    : SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            fail(new HopUnreachableException(config.where(), "TLS setup failed: " + e.getMessage(), e));
            return;
        }
        WebSocketClientProtocolConfig wsConfig = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(streamUrl)
                .version(WebSocketVersion.V13)
                .subprotocol(null)
                .allowExtensions(false)
                .customHeaders(new DefaultHttpHeaders())
                .maxFramePayloadLength(MAX_FRAME)
                .handleCloseFrames(false)
                .dropPongFrames(false)
                .withUTF8Validator(false) // the data channel is binary: one stage less per frame
                .handshakeTimeoutMillis(config.handshakeTimeout().toMillis())
                .absoluteUpgradeUrl(false)
                .build();
        HttpsProxy proxy = config.proxy() != null && !config.proxy().bypasses(host) ? config.proxy() : null;
        Bootstrap bootstrap = new Bootstrap();
        if (proxy != null) {
            // The proxy resolves the data-channel host; nothing is looked up here.
            bootstrap.resolver(io.netty.resolver.NoopAddressResolverGroup.INSTANCE);
        }
        bootstrap.group(loop).channel(socketChannelFor(loop))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.handshakeTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (proxy != null) {
                            java.net.InetSocketAddress at = new java.net.InetSocketAddress(proxy.host(), proxy.port());
                            io.netty.handler.proxy.HttpProxyHandler tunnel = proxy.username() == null
                                    ? new io.netty.handler.proxy.HttpProxyHandler(at)
                                    : new io.netty.handler.proxy.HttpProxyHandler(at, proxy.username(),
                                            proxy.password());
                            tunnel.setConnectTimeoutMillis(config.handshakeTimeout().toMillis());
                            ch.pipeline().addLast(tunnel);
                        }
                        if (ssl != null) {
                            SSLEngine engine = ssl.newEngine(ch.alloc(), host, port);
                            SSLParameters p = engine.getSSLParameters();
                            p.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(p);
                            ch.pipeline().addLast(new SslHandler(engine));
                        }
                        // Every 1 KiB message and every ack is its own websocket frame (§9); flushing each one is a
                        // syscall and a TCP segment per frame. Flushes are merged per read batch or event-loop task.
                        ch.pipeline().addLast(new FlushConsolidationHandler(
                                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketClientProtocolHandler(wsConfig), new WebSocketHandler());
                    }
                });
        ChannelFuture cf = proxy == null ? bootstrap.connect(host, port)
                : bootstrap.connect(java.net.InetSocketAddress.createUnresolved(host, port));
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                onWebSocketLost(cf.channel(), new HopUnreachableException(config.where(),
                        "cannot connect to the SSM data channel " + host + ":" + port
                                + (proxy == null ? "" : " through proxy " + proxy.host() + ":" + proxy.port()) + ": "
                                + f.cause(),
                        f.cause()));
            }
        });
    }

    /**
     * Returns the TCP channel class that can register on the loop: a {@link dev.fumidai.JumpHost} runs the native
     * epoll transport when it is available, and an NIO channel cannot register there.
     */
    static Class<? extends SocketChannel> socketChannelFor(EventLoop loop) {
        if (loop instanceof IoEventLoopGroup && ((IoEventLoopGroup) loop).isIoType(EpollIoHandler.class)) {
            return EpollSocketChannel.class;
        }
        return NioSocketChannel.class;
    }

    private final class WebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                onWebSocketOpen(ctx.channel());
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                ctx.close();
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            framesIn++;
            if (ctx.channel() != ws) {
                return;
            }
            if (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame) {
                endpoint.onFrame(ByteBufUtil.getBytes(frame.content()));
            } else if (frame instanceof PongWebSocketFrame) {
                pongOutstanding = false;
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame) {
                CloseWebSocketFrame c = (CloseWebSocketFrame) frame;
                LOG.debug("SSM session {}: websocket closed by the service: {} {}", sessionId, c.statusCode(),
                        c.reasonText());
                ctx.writeAndFlush(new CloseWebSocketFrame(c.statusCode(), ""))
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel() == ws && ctx.channel().isWritable()) {
                endpoint.tick();
                flushOut();
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            onWebSocketLost(ctx.channel(), null);
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("SSM session {}: websocket error: {}", sessionId, cause.toString());
            Throwable c = cause;
            while (c != null && !(c instanceof javax.net.ssl.SSLException)) {
                c = c.getCause();
            }
            if (c != null && agentVersion == null && reconnects == 0 && !reconnecting) {
                // A certificate that fails verification will not pass on a retry: fail the open now.
                fail(new HopUnreachableException(config.where(), "TLS handshake with the SSM data channel "
                        + streamUrl.getHost() + " failed: " + c.getMessage(), c));
            }
            ctx.close();
        }
    }

    private void onWebSocketOpen(Channel channel) {
        if (failure != null || (closing && handshakeComplete)) {
            channel.close();
            return;
        }
        ws = channel;
        Map<String, Object> open = new LinkedHashMap<>();
        open.put("MessageSchemaVersion", OPEN_SCHEMA_VERSION);
        open.put("RequestId", UUID.randomUUID().toString());
        open.put("TokenValue", token);
        open.put("ClientId", clientId);
        open.put("ClientVersion", config.clientVersion());
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(Json.write(open))));
        sendPing(channel);
        if (reconnecting) {
            reconnecting = false;
            if (reconnectDeadline != null) {
                reconnectDeadline.cancel(false);
            }
            reconnects++;
            reconnectRetries = -1;
            LOG.info("SSM session {}: data channel reconnected ({} so far)", sessionId, reconnects);
            endpoint.retransmitAll();
            flushOut();
        }
    }

    private void sendPing(Channel channel) {
        lastPingNanos = System.nanoTime();
        pongOutstanding = true;
        channel.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer("keepalive", StandardCharsets.US_ASCII)));
    }

    private void onWebSocketLost(Channel channel, Throwable cause) {
        if (channel != ws && ws != null) {
            return; // an old socket
        }
        if (cause == null && pongMissed != null) {
            cause = pongMissed;
        }
        pongMissed = null;
        ws = null;
        if (failure != null || closeFuture.isDone()) {
            return;
        }
        if (closing) {
            shutdown(null);
            return;
        }
        if (!handshakeComplete && agentVersion == null && reconnects == 0 && !reconnecting && cause != null) {
            fail(cause); // the first connect failed: nothing to resume yet
            return;
        }
        scheduleReconnect(cause);
    }

    private void scheduleReconnect(Throwable cause) {
        long now = System.nanoTime();
        if (!reconnecting) {
            reconnecting = true;
            reconnectDeadlineNanos = now + config.reconnectBudget().toNanos();
            // Also ends a reconnect whose ResumeSession call or websocket connect never answers.
            reconnectDeadline = loop.schedule(() -> {
                if (reconnecting && failure == null && !closing) {
                    fail(budgetExhausted(cause));
                }
            }, config.reconnectBudget().toNanos(), TimeUnit.NANOSECONDS);
            LOG.info("SSM session {}: data channel lost{}; resuming", sessionId,
                    cause == null ? "" : " (" + cause.getMessage() + ")");
        }
        if (now > reconnectDeadlineNanos) {
            fail(budgetExhausted(cause));
            return;
        }
        if (reconnectRetries < Integer.MAX_VALUE) {
            reconnectRetries++;
        }
        long delay = RECONNECT.delayMillis(reconnectRetries);
        loop.schedule(this::resume, delay, TimeUnit.MILLISECONDS);
    }

    private TunnelException budgetExhausted(Throwable cause) {
        return new HopDisconnectedException(config.where(), "SSM session " + sessionId
                + ": could not resume the data channel within " + config.reconnectBudget().toMillis() + " ms ("
                + reconnects + " reconnects before)", cause);
    }

    private void resume() {
        if (failure != null || closing) {
            return;
        }
        CompletableFuture<SessionCredentials> f;
        try {
            f = resumer.apply(sessionId);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((creds, err) -> loop.execute(() -> {
            if (failure != null || closing) {
                return;
            }
            if (err != null) {
                Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err;
                if (c instanceof TunnelException && !(c instanceof HopUnreachableException)) {
                    fail(c); // the service said the session is gone
                } else {
                    scheduleReconnect(c);
                }
                return;
            }
            if (creds.tokenValue() == null || creds.tokenValue().isEmpty()) {
                fail(new HopDisconnectedException(config.where(), "SSM session " + sessionId
                        + " timed out: ResumeSession returned no token", null));
                return;
            }
            token = creds.tokenValue(); // the original StreamUrl is kept, as the plugin does (§2.3)
            connect();
        }));
    }

    private boolean transmit(byte[] frame, boolean ack) {
        Channel c = ws;
        if (c == null || !c.isActive() || (!ack && !c.isWritable())) {
            return false; // bounded: the websocket's own buffer never grows past its high-water mark
        }
        ChannelHandlerContext encoder = c.pipeline().context(WebSocketFrameEncoder.class);
        if (encoder == null) {
            c.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
        } else {
            // Written below the websocket encoder, already framed and masked: see maskedBinaryFrame.
            encoder.writeAndFlush(Unpooled.wrappedBuffer(maskedBinaryFrame(frame)));
        }
        return true;
    }

    /**
     * Frames one binary websocket message from the client (RFC 6455 §5.2, FIN set, opcode 2) with a fresh random
     * masking key (§5.3), in one array. Netty's encoder masks 4 or 8 bytes per call into a pooled buffer; with
     * leak detection at paranoid (as in tests) every such call records a stack trace, about 256 per 1 KiB
     * message, which made masking the largest cost of the data path. Here the bytes are masked in a plain array.
     */
    static byte[] maskedBinaryFrame(byte[] payload) {
        int n = payload.length;
        int lengthBytes = n < 126 ? 0 : n <= 0xFFFF ? 2 : 8;
        byte[] f = new byte[2 + lengthBytes + 4 + n];
        f[0] = (byte) 0x82;
        int p;
        if (lengthBytes == 0) {
            f[1] = (byte) (0x80 | n);
            p = 2;
        } else if (lengthBytes == 2) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
            p = 4;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
            p = 10;
        }
        int key = ThreadLocalRandom.current().nextInt();
        byte[] mask = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
        System.arraycopy(mask, 0, f, p, 4);
        p += 4;
        for (int i = 0; i < n; i++) {
            f[p + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return f;
    }

    private void tick() {
        if (failure != null) {
            return;
        }
        endpoint.tick();
        long now = System.nanoTime();
        Channel c = ws;
        if (c != null) {
            if (pongOutstanding && now - lastPingNanos > config.pongTimeout().toNanos()) {
                LOG.info("SSM session {}: no websocket pong within {} ms; reconnecting", sessionId,
                        config.pongTimeout().toMillis());
                pongMissed = new HopDisconnectedException(config.where(), "SSM session " + sessionId
                        + ": no websocket pong within " + config.pongTimeout().toMillis() + " ms", null);
                c.close();
            } else if (!pongOutstanding && now - lastPingNanos > config.pingInterval().toNanos()) {
                sendPing(c);
            }
        }
        if (smux != null) {
            try {
                smux.tick(now);
            } catch (SmuxProtocolException e) {
                fail(new HopDisconnectedException(config.where(), "SSM session " + sessionId + ": "
                        + e.getMessage(), e));
                return;
            }
        }
        flushOut();
    }

    // ---- messages ----

    private final class ClientHandler implements DataChannelEndpoint.Handler {

        @Override
        public boolean canAccept(ClientMessage m) {
            if (m.payloadType() != PayloadTypes.OUTPUT) {
                return true;
            }
            if (!handshakeComplete) {
                return false; // not ready: the agent retransmits (§5.3)
            }
            if (mux) {
                return smux != null && smux.canReceive();
            }
            return basicStream != null && basicStream.inboundQueued() < SmuxConfig.DEFAULT_MAX_RECEIVE_BUFFER;
        }

        @Override
        public void onStreamMessage(ClientMessage m) {
            switch (m.payloadType()) {
                case PayloadTypes.HANDSHAKE_REQUEST:
                    onHandshakeRequest(m.payload());
                    return;
                case PayloadTypes.HANDSHAKE_COMPLETE:
                    onHandshakeComplete();
                    return;
                case PayloadTypes.OUTPUT:
                    onOutput(m.payload());
                    return;
                case PayloadTypes.FLAG:
                    onFlag(m.payload());
                    return;
                default:
                    LOG.debug("SSM session {}: ignoring payload type {}", sessionId, m.payloadType());
            }
        }

        @Override
        public void onControlMessage(ClientMessage m) {
            if (MessageTypes.CHANNEL_CLOSED.equals(m.messageType())) {
                String reason;
                try {
                    reason = ChannelClosedContent.parse(m.payload()).output();
                } catch (MalformedMessageException e) {
                    reason = "";
                }
                fail(new SsmChannelClosedException(config.where(), sessionId, reason));
            }
        }

        @Override
        public void onAcknowledged() {
            flushOut();
        }
    }

    private void onHandshakeRequest(byte[] payload) {
        HandshakeRequestPayload req;
        try {
            req = HandshakeRequestPayload.parse(payload);
        } catch (MalformedMessageException e) {
            fail(new HopHandshakeException(config.where(), "SSM session " + sessionId + ": " + e.getMessage(), e));
            return;
        }
        agentVersion = req.agentVersion();
        List<HandshakeResponsePayload.ProcessedClientAction> answers = new ArrayList<>();
        String refused = null;
        for (HandshakeRequestPayload.RequestedClientAction a : req.requestedClientActions()) {
            if (HandshakeRequestPayload.ACTION_SESSION_TYPE.equals(a.actionType())) {
                if ("Port".equals(req.sessionType())) {
                    properties = Map.copyOf(req.properties());
                    answers.add(new HandshakeResponsePayload.ProcessedClientAction(a.actionType(),
                            HandshakeResponsePayload.STATUS_SUCCESS, null, ""));
                } else {
                    refused = "session type " + req.sessionType() + " is not a port session";
                    answers.add(new HandshakeResponsePayload.ProcessedClientAction(a.actionType(),
                            HandshakeResponsePayload.STATUS_FAILED, null, "fumidai supports Port sessions only"));
                }
            } else {
                // Unknown or unimplemented (KMSEncryption, §7): answer Unsupported in ActionStatus (§6.3, §11 item 6).
                refused = "unsupported handshake action " + a.actionType();
                answers.add(new HandshakeResponsePayload.ProcessedClientAction(a.actionType(),
                        HandshakeResponsePayload.STATUS_UNSUPPORTED, null, "unsupported action"));
            }
        }
        endpoint.send(PayloadTypes.HANDSHAKE_RESPONSE,
                new HandshakeResponsePayload(config.clientVersion(), answers, List.of()).toJson());
        if (refused != null) {
            // Recorded before anything else can run: a HandshakeComplete arriving in the next message must find it.
            refusedAction = refused;
            // The agent cancels the session; report it here without waiting for that (the pause lets the
            // HandshakeResponse reach the agent first).
            loop.schedule(this::failRefusedHandshake, 200, TimeUnit.MILLISECONDS);
        }
    }

    private void failRefusedHandshake() {
        fail(new HopHandshakeException(config.where(), "SSM session " + sessionId + ": " + refusedAction
                + " (agent " + agentVersion + ")", null));
    }

    private void onHandshakeComplete() {
        if (handshakeComplete || agentVersion == null) {
            return;
        }
        if (refusedAction != null) {
            // An agent that completes the handshake after we refused one of its actions (SSM spec §6.3: it must end
            // the session) is broken or hostile: the session never becomes ready.
            failRefusedHandshake();
            return;
        }
        handshakeComplete = true;
        handshakeTimer.cancel(false);
        mux = "LocalPortForwarding".equals(properties.get("type")) && Versions.clientUsesMux(agentVersion);
        if (mux) {
            smux = new SmuxSession(SmuxSession.Role.CLIENT,
                    SmuxConfig.defaults(Versions.clientNeedsKeepalive(agentVersion)), out::add, new MuxListener(),
                    System.nanoTime());
        }
        LOG.debug("SSM session {}: handshake complete, agent {}, {} mode", sessionId, agentVersion,
                mux ? "smux" : "basic");
        ready.complete(this);
    }

    private void onOutput(byte[] payload) {
        if (mux) {
            try {
                smux.receive(payload, 0, payload.length, System.nanoTime());
            } catch (SmuxProtocolException e) {
                fail(new HopDisconnectedException(config.where(), "SSM session " + sessionId + ": "
                        + e.getMessage(), e));
            }
        } else if (basicStream != null) {
            basicStream.onData(payload);
        }
    }

    private void onFlag(byte[] payload) {
        try {
            if (Flag.parseCode(payload) == Flag.CONNECT_TO_PORT_ERROR.code()) {
                // No stream id: the agent's FIN for the failed stream says which one (§8.5, §11 item 8).
                connectErrors++;
                LOG.debug("SSM session {}: agent reports ConnectToPortError", sessionId);
            }
        } catch (MalformedMessageException e) {
            LOG.debug("SSM session {}: bad flag payload: {}", sessionId, e.getMessage());
        }
    }

    private final class MuxListener implements SmuxSession.Listener {

        @Override
        public void streamOpened(long id) {
            smux.reset(id); // the agent never opens streams towards the client
        }

        @Override
        public void streamData(long id, byte[] data) {
            SmuxStreamChannel ch = muxStreams.get(id);
            if (ch == null) {
                smux.consumed(id, data.length);
                return;
            }
            ch.onData(data);
        }

        @Override
        public void streamFinished(long id) {
            SmuxStreamChannel ch = muxStreams.get(id);
            if (ch == null) {
                return;
            }
            if (connectErrors > 0 && !ch.receivedData()) {
                connectErrors--;
                ch.closeWithCause(new TargetUnreachableException(config.where(), "SSM agent could not connect to "
                        + "the destination (ConnectToPortError); check the destination port and the SSM agent logs",
                        null));
                return;
            }
            ch.onFin();
        }
    }

    // ---- output path, used by the stream channels ----

    /** Returns whether stream channels may hand over more bytes now. */
    boolean canTakeWrites() {
        return failure == null && out.size() < OUT_HIGH_WATER;
    }

    /** Takes bytes from a mux stream; returns how many were taken. */
    int writeMux(long id, io.netty.buffer.ByteBuf buf) {
        if (!canTakeWrites() || smux == null || !smux.isOpen(id)) {
            writesSuspended = true;
            return smux != null && !smux.isOpen(id) ? -1 : 0;
        }
        int n = Math.min(buf.readableBytes(), SmuxConfig.DEFAULT_MAX_FRAME_SIZE);
        byte[] bytes = new byte[n];
        buf.getBytes(buf.readerIndex(), bytes);
        smux.write(id, bytes, 0, n);
        flushOut();
        return n;
    }

    /** Takes bytes from the basic-mode stream; returns how many were taken. */
    int writeBasic(io.netty.buffer.ByteBuf buf) {
        if (!canTakeWrites()) {
            writesSuspended = true;
            return 0;
        }
        int n = (int) Math.min(buf.readableBytes(), OUT_HIGH_WATER - out.size());
        byte[] bytes = new byte[n];
        buf.getBytes(buf.readerIndex(), bytes);
        out.add(bytes);
        flushOut();
        return n;
    }

    void finishMux(long id) {
        if (smux != null) {
            smux.finish(id);
            flushOut();
        }
    }

    void closeMux(long id) {
        muxStreams.remove(id);
        if (smux != null && !smux.isClosed()) {
            smux.reset(id);
            flushOut();
        }
    }

    void consumedMux(long id, int bytes) {
        if (smux != null) {
            smux.consumed(id, bytes);
        }
    }

    void closeBasic(BasicStreamChannel ch) {
        if (basicStream != ch) {
            return;
        }
        basicStream = null;
        out.clear();
        if (failure == null && handshakeComplete && endpoint.hasRoom()) {
            endpoint.send(PayloadTypes.FLAG, Flag.DISCONNECT_TO_PORT.payload()); // §8.3
        }
        CompletableFuture<io.netty.channel.Channel> next = basicWaiters.poll();
        if (next != null) {
            basicStream = new BasicStreamChannel(this);
            register(basicStream, next);
        }
    }

    /** Sends queued stream bytes as Output messages while the outgoing buffer has room. */
    private void flushOut() {
        Channel c = ws;
        while (!out.isEmpty() && endpoint.hasRoom() && failure == null && c != null && c.isWritable()) {
            endpoint.send(PayloadTypes.OUTPUT, out.take(config.maxPayload()));
        }
        if (writesSuspended && out.size() < OUT_LOW_WATER && failure == null) {
            writesSuspended = false;
            for (SmuxStreamChannel ch : new ArrayList<>(muxStreams.values())) {
                ch.resume();
            }
            if (basicStream != null) {
                basicStream.resume();
            }
        }
    }

    // ---- ending ----

    private void fail(Throwable cause) {
        if (failure != null || closeFuture.isDone()) {
            return;
        }
        failure = cause;
        LOG.debug("SSM session {}: data channel failed: {}", sessionId, cause.getMessage());
        ready.completeExceptionally(cause);
        shutdown(cause);
    }

    private void shutdown(Throwable cause) {
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (reconnectDeadline != null) {
            reconnectDeadline.cancel(false);
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        for (SmuxStreamChannel ch : new ArrayList<>(muxStreams.values())) {
            ch.closeWithCause(cause);
        }
        muxStreams.clear();
        if (smux != null) {
            smux.close();
        }
        if (basicStream != null) {
            basicStream.closeWithCause(cause);
            basicStream = null;
        }
        TunnelException gone = new HopDisconnectedException(config.where(), "SSM data channel closed", cause);
        CompletableFuture<io.netty.channel.Channel> w;
        while ((w = basicWaiters.poll()) != null) {
            w.completeExceptionally(gone);
        }
        out.clear();
        Channel c = ws;
        ws = null;
        if (c != null) {
            c.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
        if (cause == null) {
            failure = gone;
            ready.completeExceptionally(gone);
            closeFuture.complete(null);
        } else {
            closeFuture.completeExceptionally(cause);
        }
    }
}
