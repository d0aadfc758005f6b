// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

import dev.fumidai.ssm.internal.datachannel.Json;
import dev.fumidai.ssm.internal.datachannel.MalformedMessageException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fakes AWS Session Manager on 127.0.0.1 for tests and for pointing other clients at ({@code docs/transport-ssm.md}): the
 * control-plane API (AWS JSON 1.1, {@code POST /} dispatched on {@code X-Amz-Target}: StartSession,
 * ResumeSession, TerminateSession; SigV4 not checked), the data-channel websocket
 * ({@code /v1/data-channel/<sessionId>}, OpenDataChannel text frame with the token first), and an SSM Agent
 * emulation per session ({@link FakeSession}) that forwards to real TCP destinations.
 *
 * <p>Documents: {@code AWS-StartPortForwardingSession} (destination {@code localhost:portNumber}, which the
 * fake dials as 127.0.0.1), {@code AWS-StartPortForwardingSessionToRemoteHost} ({@code host:portNumber}) and
 * {@code AWS-StartSSHSession} (a raw stream to {@code portNumber}, default 22). Other documents fail with
 * {@code InvalidDocument}. Targets must start with {@code i-}, {@code mi-} or {@code ecs:}, else
 * {@code TargetNotConnected}.
 *
 * <h2>Threading</h2>
 * One event loop runs everything; the public methods are thread-safe.
 */
public final class FakeSsmService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FakeSsmService.class);
    private static final AttributeKey<String> SESSION_ID = AttributeKey.valueOf("fake.ssm.sessionId");
    private static final AttributeKey<Boolean> OPENED = AttributeKey.valueOf("fake.ssm.opened");
    private static final String DATA_CHANNEL_PATH = "/v1/data-channel/";

    /** Says how the fake agent runs the handshake. */
    public enum HandshakeBehaviour {
        /** Runs the handshake of §6. */
        NORMAL,
        /** Never sends the HandshakeRequest: a client waits until its own timeout. */
        NEVER_REQUEST,
        /** Answers nothing after the HandshakeResponse: no HandshakeComplete ever comes. */
        NEVER_COMPLETE,
        /**
         * Asks for KMSEncryption as well as the SessionType (an action a port-forwarding client refuses) and sends
         * HandshakeComplete whatever the client answered, as a broken or hostile agent might; a real agent ends
         * the session instead.
         */
        REFUSED_ACTION_THEN_COMPLETE
    }

    /** Says how the fake agent retransmits unacknowledged messages. */
    public enum Retransmission {
        /**
         * As the real agent (SSM spec §5.4): every 100 ms it looks only at its oldest unacknowledged message and
         * resends it when it was last sent more than the RTO ago (at most 1 s, §5.5); a reconnect resends nothing
         * at once.
         */
        AGENT,
        /**
         * As this project's client: every message known lost is resent in bursts, late ones get a probe per RTO,
         * each resend doubles its timeout up to 16 times, and a reconnect resends everything unacknowledged. It
         * repairs losses faster than the real agent would.
         */
        DOUBLING
    }

    private final String agentVersion;
    private final Retransmission retransmission;
    private final boolean realAgentPacing;
    private final int maxPayload;
    private final HandshakeBehaviour handshake;
    private final long handshakeTimeoutMillis;
    private final FakeFaults faults;
    private final io.netty.handler.ssl.SslContext tls;
    private final boolean wireTap;
    private final io.netty.channel.WriteBufferWaterMark waterMark;
    private final int bindPort;
    private final Map<String, SigV4Verifier.Issued> signers;
    private final long keepAliveTimeoutNanos;
    private final List<String> signedBy = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> signingRegions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> signedCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.io.ByteArrayOutputStream> wireLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, FakeSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private EventLoopGroup group;
    private Channel server;
    private int port;

    private FakeSsmService(Builder b) {
        this.agentVersion = b.agentVersion;
        this.retransmission = b.retransmission;
        this.realAgentPacing = b.realAgentPacing;
        this.maxPayload = b.maxPayload;
        this.handshake = b.handshake;
        this.handshakeTimeoutMillis = b.handshakeTimeoutMillis;
        this.faults = b.faults;
        this.tls = b.tls;
        this.wireTap = b.wireTap;
        this.waterMark = b.waterMark;
        this.bindPort = b.port;
        this.signers = b.signers;
        this.keepAliveTimeoutNanos = b.keepAliveTimeoutNanos;
    }

    /** Returns a builder with the defaults: agent 3.3.1142.0, no pacing, 1 KiB payloads, normal handshake. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link FakeSsmService}. */
    public static final class Builder {
        private String agentVersion = "3.3.1142.0";
        private Retransmission retransmission = Retransmission.AGENT;
        private boolean realAgentPacing;
        private int maxPayload = 1024;
        private HandshakeBehaviour handshake = HandshakeBehaviour.NORMAL;
        private long handshakeTimeoutMillis = 15_000;
        private FakeFaults faults = new FakeFaults();
        private io.netty.handler.ssl.SslContext tls;
        private boolean wireTap;
        private io.netty.channel.WriteBufferWaterMark waterMark;
        private int port;
        private Map<String, SigV4Verifier.Issued> signers;
        private long keepAliveTimeoutNanos = 30_000_000_000L;

        /**
         * Sets how long the agent's smux waits for any frame before it ends the session, when it runs keepalive
         * (agents up to 3.1.1511.0, §8.1); smux's {@code KeepAliveTimeout}, 30 s, by default. Its NOPs go out every
         * third of it, at most every 10 s ({@code KeepAliveInterval}).
         */
        public Builder smuxKeepAliveTimeout(java.time.Duration timeout) {
            this.keepAliveTimeoutNanos = timeout.toNanos();
            return this;
        }

        /**
         * Sets the AgentVersion the fake reports, which selects its behaviour (§8.1): e.g. {@code 3.0.196.0} for
         * basic mode, {@code 3.1.1511.0} for smux with keepalive, {@code 3.3.1142.0} for smux without.
         */
        public Builder agentVersion(String v) {
            this.agentVersion = v;
            return this;
        }

        /** Sets how the agent retransmits; {@link Retransmission#AGENT} by default. */
        public Builder retransmission(Retransmission r) {
            this.retransmission = r;
            return this;
        }

        /** Paces output like the real agent: at most 1 KiB per message and 1 ms between messages (§9). */
        public Builder realAgentPacing(boolean pace) {
            this.realAgentPacing = pace;
            return this;
        }

        /** Sets the largest Output payload the agent sends; the real agent uses 1024 (§9). */
        public Builder maxPayload(int bytes) {
            this.maxPayload = bytes;
            return this;
        }

        /** Sets how the agent runs the handshake. */
        public Builder handshake(HandshakeBehaviour h) {
            this.handshake = h;
            return this;
        }

        /** Sets how long the agent waits for the HandshakeResponse; the real agent waits 15 s (§6.4). */
        public Builder handshakeTimeoutMillis(long millis) {
            this.handshakeTimeoutMillis = millis;
            return this;
        }

        /** Sets the fault settings object, which stays live. */
        public Builder faults(FakeFaults f) {
            this.faults = f;
            return this;
        }

        /**
         * Serves both the API and the websocket over TLS with this server context; StreamUrls then use
         * {@code wss://127.0.0.1:<port>/...}, so the certificate needs the IP address 127.0.0.1 as a subject
         * alternative name for clients that check host names.
         */
        public Builder tls(io.netty.handler.ssl.SslContext serverContext) {
            this.tls = serverContext;
            return this;
        }

        /**
         * Records every byte the service writes on each connection (below TLS when TLS is on, so the record is
         * the websocket byte stream), for tests that check the framing; see {@link FakeSsmService#wireLog()}.
         */
        public Builder wireTap(boolean on) {
            this.wireTap = on;
            return this;
        }

        /**
         * Sets the write-buffer water marks of the service's connections (Netty's default is 32/64 KiB). Tiny
         * marks make every connection flip between writable and not on almost every write, as a slow reader
         * does, so tests can check the fake never interleaves frames when its writability callback runs.
         */
        public Builder writeBufferWaterMark(int low, int high) {
            this.waterMark = new io.netty.channel.WriteBufferWaterMark(low, high);
            return this;
        }

        /**
         * Checks the SigV4 signature of every API call against these credentials (a live map, by access key id,
         * shared with the fake STS and SSO services that issue them); a call signed otherwise fails with 403
         * {@code InvalidSignatureException}. Without it signatures are not checked.
         */
        public Builder verifySignatures(Map<String, SigV4Verifier.Issued> issued) {
            this.signers = issued;
            return this;
        }

        /** Starts the service on an ephemeral port of 127.0.0.1. */
        public FakeSsmService start() throws InterruptedException {
            FakeSsmService s = new FakeSsmService(this);
            s.bind();
            return s;
        }
    }

    private void bind() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(DATA_CHANNEL_PATH.substring(0, DATA_CHANNEL_PATH.length() - 1))
                .checkStartsWith(true)
                .allowExtensions(false)
                .maxFramePayloadLength(1 << 20)
                .handleCloseFrames(true)
                .dropPongFrames(true)
                .withUTF8Validator(false) // only OpenDataChannel is text, and the JSON parser checks it
                .handshakeTimeoutMillis(10_000)
                .build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (waterMark != null) {
                            ch.config().setWriteBufferWaterMark(waterMark);
                        }
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        if (wireTap) {
                            java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
                            wireLog.add(log);
                            ch.pipeline().addLast(new WireTap(log));
                        }
                        // One flush per read batch or task instead of one per 1 KiB frame and per ack, as the
                        // client does (SsmDataChannel#connect).
                        ch.pipeline().addLast(new FlushConsolidationHandler(
                                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new PongWithholdingProtocolHandler(ws), new ServerHandler());
                    }
                })
                .bind("127.0.0.1", bindPort).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Returns the control-plane endpoint, {@code http(s)://127.0.0.1:<port>}, for {@code endpointOverride}. */
    public URI endpoint() {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port);
    }

    /** Returns the session with this id, or {@code null}. */
    public FakeSession session(String sessionId) {
        return sessions.get(sessionId);
    }

    /** Returns every session started so far. */
    public List<FakeSession> sessions() {
        return List.copyOf(sessions.values());
    }

    /**
     * Returns, per connection in accept order, every byte the service wrote (HTTP responses, then websocket
     * frames); empty unless built with {@link Builder#wireTap(boolean)}. Read it after the traffic stopped.
     */
    public List<byte[]> wireLog() {
        List<byte[]> out = new java.util.ArrayList<>();
        for (java.io.ByteArrayOutputStream b : wireLog) {
            synchronized (b) {
                out.add(b.toByteArray());
            }
        }
        return out;
    }

    /** Copies every outbound byte of one connection, in the order it goes to the socket (or TLS). */
    private static final class WireTap extends io.netty.channel.ChannelOutboundHandlerAdapter {
        private final java.io.ByteArrayOutputStream log;

        WireTap(java.io.ByteArrayOutputStream log) {
            this.log = log;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
            if (msg instanceof io.netty.buffer.ByteBuf) {
                io.netty.buffer.ByteBuf b = (io.netty.buffer.ByteBuf) msg;
                byte[] copy = ByteBufUtil.getBytes(b);
                synchronized (log) {
                    log.writeBytes(copy);
                }
            }
            ctx.write(msg, promise);
        }
    }

    /**
     * Returns each signature-checked call as {@code "AmazonSSM.<Operation> <accessKeyId>"}, or
     * {@code "AmazonSSM.<Operation> refused"} when its signature or credentials failed, in order.
     */
    public List<String> signedCalls() {
        return List.copyOf(signedCalls);
    }

    /** Returns the region of each verified call's SigV4 credential scope, in order. */
    public List<String> signingRegions() {
        return List.copyOf(signingRegions);
    }

    /** Returns the access key ids whose signatures passed, one per verified API call, in order. */
    public List<String> signedBy() {
        return List.copyOf(signedBy);
    }

    /** Returns the live fault settings. */
    public FakeFaults faults() {
        return faults;
    }

    String agentVersion() {
        return agentVersion;
    }

    /** Returns the agent's smux configuration (§8.4) with keepalive on or off. */
    dev.fumidai.ssm.internal.mux.SmuxConfig smuxConfig(boolean keepAlive) {
        dev.fumidai.ssm.internal.mux.SmuxConfig d = dev.fumidai.ssm.internal.mux.SmuxConfig.defaults(keepAlive);
        return new dev.fumidai.ssm.internal.mux.SmuxConfig(d.version(), d.maxFrameSize(), d.maxReceiveBuffer(),
                d.maxStreams(), keepAlive, Math.min(d.keepAliveIntervalNanos(), keepAliveTimeoutNanos / 3),
                keepAliveTimeoutNanos);
    }

    Retransmission retransmission() {
        return retransmission;
    }

    boolean realAgentPacing() {
        return realAgentPacing;
    }

    int maxPayload() {
        return maxPayload;
    }

    HandshakeBehaviour handshake() {
        return handshake;
    }

    long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /** Stops the service: sessions end, sockets close, the event loop shuts down. */
    @Override
    public void close() {
        if (group == null) {
            return;
        }
        try {
            group.submit(() -> {
                for (FakeSession s : sessions.values()) {
                    s.terminate("service stopped");
                }
            }).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        group = null;
    }

    /** Is the usage text of {@link #main}. */
    static final String USAGE = String.join("\n",
            "usage: FakeSsmService [options]   (serves on 127.0.0.1 until killed)",
            "  --port N                  listen port (default 0: ephemeral)",
            "  --agent-version V         AgentVersion to report (default 3.3.1142.0; 3.0.196.0 = basic mode,",
            "                            3.1.1511.0 = smux with keepalive)",
            "  --pacing on|off           1 KiB per message and 1 ms between reads, as the real agent (default on)",
            "  --retransmission agent|doubling   agent: oldest unacked only, every RTO <= 1 s (default)",
            "  --tls-keystore FILE       serve https/wss with this PKCS12 key store (e.g. made by keytool with",
            "                            -ext SAN=ip:127.0.0.1)",
            "  --tls-password PW         its password (default changeit)",
            "  --drop-out R --drop-in R --duplicate R --reorder R   fault rates in [0, 1] per message",
            "  --ack-delay MS            delay every ack the agent sends",
            "  --withhold-acks --refuse-streams --withhold-pongs   switch those faults on",
            "  --seed N                  seed of the fault dice",
            "  --help");

    /**
     * Builds the service the command line asks for; see {@link #USAGE}. Unlike {@link #builder()}, pacing is on
     * by default here: a standalone fake should behave like the real agent.
     */
    static Builder fromArgs(String[] args) throws Exception {
        Builder b = builder().realAgentPacing(true);
        FakeFaults f = new FakeFaults();
        b.faults(f);
        String keystore = null;
        String password = "changeit";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port":
                    b.port = Integer.parseInt(value(args, ++i, a));
                    break;
                case "--agent-version":
                    b.agentVersion(value(args, ++i, a));
                    break;
                case "--pacing":
                    b.realAgentPacing(onOff(value(args, ++i, a), a));
                    break;
                case "--retransmission":
                    b.retransmission(Retransmission.valueOf(value(args, ++i, a).toUpperCase(java.util.Locale.ROOT)));
                    break;
                case "--tls-keystore":
                    keystore = value(args, ++i, a);
                    break;
                case "--tls-password":
                    password = value(args, ++i, a);
                    break;
                case "--drop-out":
                    f.dropOutbound(rate(value(args, ++i, a), a));
                    break;
                case "--drop-in":
                    f.dropInbound(rate(value(args, ++i, a), a));
                    break;
                case "--duplicate":
                    f.duplicateOutbound(rate(value(args, ++i, a), a));
                    break;
                case "--reorder":
                    f.reorderOutbound(rate(value(args, ++i, a), a));
                    break;
                case "--ack-delay":
                    f.ackDelayMillis(Long.parseLong(value(args, ++i, a)));
                    break;
                case "--withhold-acks":
                    f.withholdAcks(true);
                    break;
                case "--refuse-streams":
                    f.refuseStreams(true);
                    break;
                case "--withhold-pongs":
                    f.withholdPongs(true);
                    break;
                case "--seed":
                    f.seed(Long.parseLong(value(args, ++i, a)));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (keystore != null) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(keystore))) {
                ks.load(in, password.toCharArray());
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password.toCharArray());
            b.tls(io.netty.handler.ssl.SslContextBuilder.forServer(kmf).build());
        }
        return b;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static boolean onOff(String v, String option) {
        if ("on".equals(v) || "off".equals(v)) {
            return "on".equals(v);
        }
        throw new IllegalArgumentException(option + " takes on or off, not " + v);
    }

    private static double rate(String v, String option) {
        double r = Double.parseDouble(v);
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException(option + " takes a rate in [0, 1], not " + v);
        }
        return r;
    }

    /**
     * Runs the fake on loopback and prints its endpoint until the process is killed. Run it from a class path
     * holding this module's main jar, its test-jar and their dependencies (see the package documentation).
     */
    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.println(USAGE); // a standalone tool's console output
            return;
        }
        FakeSsmService s = fromArgs(args).start();
        // The one sanctioned console output: a standalone tool announces where it listens.
        System.out.println("fake SSM endpoint " + s.endpoint() + " (agent " + s.agentVersion() + ", pacing "
                + (s.realAgentPacing() ? "on" : "off") + ", retransmission " + s.retransmission() + ")");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private String newToken() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return "fake-token-" + HexFormat.of().formatHex(b);
    }

    /**
     * Answers websocket pings except while {@link FakeFaults#withholdPongs}; overriding the protocol handler's
     * decode adds no pipeline stage (each stage costs a leak-detector record per frame in tests).
     */
    private final class PongWithholdingProtocolHandler extends WebSocketServerProtocolHandler {
        PongWithholdingProtocolHandler(WebSocketServerProtocolConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) throws Exception {
            if (frame instanceof io.netty.handler.codec.http.websocketx.PingWebSocketFrame && faults.withholdPongs()) {
                return; // the decoder releases the frame
            }
            super.decode(ctx, frame, out);
        }
    }

    private final class ServerHandler extends SimpleChannelInboundHandler<Object> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest) {
                handleApi(ctx, (FullHttpRequest) msg);
            } else if (msg instanceof TextWebSocketFrame) {
                openDataChannel(ctx, ((TextWebSocketFrame) msg).text());
            } else if (msg instanceof BinaryWebSocketFrame) {
                FakeSession s = attached(ctx);
                if (s != null) {
                    s.onBinary(ByteBufUtil.getBytes(((WebSocketFrame) msg).content()));
                } else {
                    ctx.writeAndFlush(new CloseWebSocketFrame(1008, "OpenDataChannel first"))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                String uri = ((WebSocketServerProtocolHandler.HandshakeComplete) evt).requestUri();
                String path = URI.create(uri).getPath();
                String sid = path.startsWith(DATA_CHANNEL_PATH) ? path.substring(DATA_CHANNEL_PATH.length()) : "";
                ctx.channel().attr(SESSION_ID).set(sid);
                // No client frame can have arrived yet: the client waits for the 101 this event follows.
                ctx.pipeline().replace(io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder.class,
                        "fake-ws-decoder", new ClientFrameDecoder(1 << 20));
                // One buffer per frame, so nothing the fake writes can land between a header and its payload.
                ctx.pipeline().replace(io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder.class,
                        "fake-ws-encoder", new WholeFrameEncoder());
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            FakeSession s = attached(ctx);
            if (s != null && ctx.channel().isWritable()) {
                // Deferred: this event can fire inside a write further up the pipeline (a flush on the way to
                // unwritable drains the socket at once); writing from here would nest inside that write.
                ctx.channel().eventLoop().execute(s::onWritable);
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            FakeSession s = attached(ctx);
            if (s != null) {
                s.detach(ctx.channel());
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("fake SSM connection failed: {}", cause.toString());
            ctx.close();
        }

        private FakeSession attached(ChannelHandlerContext ctx) {
            if (!Boolean.TRUE.equals(ctx.channel().attr(OPENED).get())) {
                return null;
            }
            return sessions.get(ctx.channel().attr(SESSION_ID).get());
        }

        private void openDataChannel(ChannelHandlerContext ctx, String text) {
            String sid = ctx.channel().attr(SESSION_ID).get();
            FakeSession s = sid == null ? null : sessions.get(sid);
            String tokenValue = null;
            try {
                Map<String, Object> m = Json.parseObject(text.getBytes(StandardCharsets.UTF_8), "OpenDataChannel");
                tokenValue = Json.string(m, "TokenValue", "OpenDataChannel");
            } catch (MalformedMessageException e) {
                LOG.debug("fake SSM: bad OpenDataChannel: {}", e.getMessage());
            }
            if (s == null || tokenValue == null || !tokenValue.equals(s.token())) {
                // What MGS does with a bad token is not visible (§3.2, §15); the fake closes with 1008.
                ctx.writeAndFlush(new CloseWebSocketFrame(1008, "invalid token"))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.channel().attr(OPENED).set(Boolean.TRUE);
            s.attach(ctx.channel());
        }

        private void handleApi(ChannelHandlerContext ctx, FullHttpRequest req) {
            String target = req.headers().get("X-Amz-Target", "");
            String path = URI.create(SigV4Verifier.originForm(req.uri())).getPath();
            if (req.method() != HttpMethod.POST || !"/".equals(path)) {
                respond(ctx, HttpResponseStatus.NOT_FOUND, error("UnknownOperationException", "POST / only"));
                return;
            }
            if (signers != null) {
                String bad = SigV4Verifier.verify(req, signers);
                if (bad != null) {
                    signedCalls.add(target + " refused");
                    respond(ctx, HttpResponseStatus.FORBIDDEN, error(bad.startsWith("ExpiredToken")
                            ? "ExpiredTokenException" : "InvalidSignatureException", bad));
                    return;
                }
                String auth = req.headers().get("Authorization");
                int c = auth.indexOf("Credential=");
                String[] scope = auth.substring(c + "Credential=".length(), auth.indexOf(',', c)).split("/");
                signedBy.add(scope[0]);
                signedCalls.add(target + " " + scope[0]);
                signingRegions.add(scope[2]);
            }
            Map<String, Object> body;
            try {
                body = Json.parseObject(ByteBufUtil.getBytes(req.content()), "request");
            } catch (MalformedMessageException e) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, error("SerializationException", e.getMessage()));
                return;
            }
            try {
                switch (target) {
                    case "AmazonSSM.StartSession":
                        respond(ctx, HttpResponseStatus.OK, startSession(ctx, body));
                        return;
                    case "AmazonSSM.ResumeSession":
                        respond(ctx, HttpResponseStatus.OK, resumeSession(body));
                        return;
                    case "AmazonSSM.TerminateSession":
                        respond(ctx, HttpResponseStatus.OK, terminateSession(body));
                        return;
                    default:
                        respond(ctx, HttpResponseStatus.BAD_REQUEST,
                                error("UnknownOperationException", "unknown X-Amz-Target " + target));
                }
            } catch (ApiError e) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, error(e.type, e.getMessage()));
            } catch (MalformedMessageException e) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, error("ValidationException", e.getMessage()));
            }
        }

        private Map<String, Object> startSession(ChannelHandlerContext ctx, Map<String, Object> body)
                throws ApiError, MalformedMessageException {
            String target = Json.string(body, "Target", "StartSession");
            if (target == null || target.isEmpty()) {
                throw new ApiError("ValidationException", "Target is required");
            }
            if (!(target.startsWith("i-") || target.startsWith("mi-") || target.startsWith("ecs:"))) {
                throw new ApiError("TargetNotConnected", target + " is not connected.");
            }
            String document = Json.string(body, "DocumentName", "StartSession");
            Map<String, Object> params = Json.object(body, "Parameters", "StartSession");
            Map<String, Object> props = documentProperties(document, params == null ? Map.of() : params);
            String sid = "fake-" + HexFormat.of().formatHex(random.generateSeed(9)).substring(0, 17);
            String token = newToken();
            FakeSession s = new FakeSession(FakeSsmService.this, ctx.channel().eventLoop(), sid, target, document,
                    props, token);
            sessions.put(sid, s);
            return sessionOutput(sid, token);
        }

        private Map<String, Object> resumeSession(Map<String, Object> body) throws ApiError, MalformedMessageException {
            String sid = Json.string(body, "SessionId", "ResumeSession");
            FakeSession s = sid == null ? null : sessions.get(sid);
            if (s == null || s.isTerminated()) {
                throw new ApiError("DoesNotExistException", "Session " + sid + " does not exist.");
            }
            String token = newToken();
            s.newToken(token);
            return sessionOutput(sid, token);
        }

        private Map<String, Object> terminateSession(Map<String, Object> body)
                throws ApiError, MalformedMessageException {
            String sid = Json.string(body, "SessionId", "TerminateSession");
            FakeSession s = sid == null ? null : sessions.get(sid);
            if (s != null) {
                s.terminate("Session terminated by TerminateSession");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("SessionId", sid);
            return out;
        }

        private Map<String, Object> sessionOutput(String sid, String token) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("SessionId", sid);
            out.put("StreamUrl", (tls == null ? "ws" : "wss") + "://127.0.0.1:" + port + DATA_CHANNEL_PATH + sid
                    + "?role=publish_subscribe");
            out.put("TokenValue", token);
            return out;
        }

        private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, Map<String, Object> body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(Json.write(body)));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-amz-json-1.1");
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            r.headers().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
            ctx.writeAndFlush(r);
        }
    }

    private static Map<String, Object> documentProperties(String document, Map<String, Object> params)
            throws ApiError {
        Map<String, Object> props = new LinkedHashMap<>();
        String doc = document == null ? "SSM-SessionManagerRunShell" : document;
        switch (doc) {
            case "AWS-StartPortForwardingSession":
                props.put("portNumber", param(params, "portNumber", "80"));
                props.put("type", "LocalPortForwarding");
                props.put("localPortNumber", param(params, "localPortNumber", "0"));
                return props;
            case "AWS-StartPortForwardingSessionToRemoteHost":
                props.put("portNumber", param(params, "portNumber", "80"));
                props.put("type", "LocalPortForwarding");
                props.put("localPortNumber", param(params, "localPortNumber", "0"));
                props.put("host", param(params, "host", ""));
                return props;
            case "AWS-StartSSHSession":
                props.put("portNumber", param(params, "portNumber", "22"));
                return props;
            default:
                throw new ApiError("InvalidDocument", "Document " + doc + " is not supported by the fake.");
        }
    }

    private static String param(Map<String, Object> params, String name, String dflt) {
        Object v = params.get(name);
        if (v instanceof List && !((List<?>) v).isEmpty()) {
            return String.valueOf(((List<?>) v).get(0));
        }
        return v instanceof String ? (String) v : dflt;
    }

    private static Map<String, Object> error(String type, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("__type", type);
        m.put("message", message);
        return m;
    }

    private static final class ApiError extends Exception {
        private static final long serialVersionUID = 1L;
        final String type;

        ApiError(String type, String message) {
            super(message);
            this.type = type;
        }
    }
}
