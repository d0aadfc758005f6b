// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.syslog;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.json.AuditJsonEncoder;
import dev.fumidai.audit.json.ChainStamp;
import dev.fumidai.audit.json.Redaction;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends audit events to a syslog collector as RFC 5424 messages ({@link SyslogMessageEncoder}) with RFC 6587
 * octet-counting framing over TCP, or over RFC 5425 TLS ({@link SyslogTls}), on Netty.
 *
 * <h2>Promise</h2>
 * {@code accept} returns once the framed message was written to the connection's socket; it (re)connects first if the
 * connection is down, and throws {@link IOException} when it cannot connect, complete the TLS handshake or write
 * within the timeouts. The {@link #policy()} then decides: {@code FAIL_CLOSED} refuses new tunnels, {@code SPOOL}
 * should wrap this sink in a {@link dev.fumidai.audit.spool.SpoolingAuditSink}, {@code BEST_EFFORT} drops and counts.
 * Syslog over TCP has no acknowledgements (RFC 6587): a message written in the moment between the collector closing
 * the connection and this sink noticing it can be lost without an error; an unclean collector crash can lose what
 * sat in its receive buffer. Use the file sink for the record that must not miss anything.
 *
 * <h2>TLS 1.3 client authentication</h2>
 * In TLS 1.3 the client's handshake is complete before the collector has checked the client certificate (RFC 8446
 * §4.4.2 ff.): a collector that refuses the client (no certificate, or one it does not accept) says so with an alert
 * after the client could already write, so a write would "succeed" into a connection about to be closed, on every
 * reconnect. After a TLS 1.3 handshake the sink therefore waits, at most {@code tlsConfirmTimeout} (default 2 s), for
 * the collector's first record: a session ticket (RFC 8446 §4.6.1, which OpenSSL-based collectors such as rsyslog's
 * ossl driver and the JDK send right after checking the client) confirms the session; an alert or a close fails the
 * connect with an {@link IOException} naming the likely cause. A collector that sends nothing costs the timeout once
 * per connection, after which the session is used as before.
 *
 * <h2>Size</h2>
 * A message carries the full JSON: about 1.5 to 3 KiB for a forward event with two hops. RFC 5425 receivers must
 * take 2048 octets and should take 8192; configure the collector for more (rsyslog {@code maxMessageSize}, default
 * 8k) if events with long hop chains or certificate facts may exceed it, or it will cut them.
 *
 * <h2>Stream</h2>
 * {@code stream_id} is {@code <emitterId>/<name>}; {@code seq} counts from 1 per stream for the life of this sink
 * instance. Messages carry no hash chain: integrity belongs to the file sink and its checkpoints.
 *
 * <h2>Commands</h2>
 * The {@code command} of {@code exec.*} events is sent as {@value Redaction#REDACTED} (or its HMAC under
 * {@link Redaction#hmacSha256}) unless {@link Builder#recordCommands} asks for it.
 *
 * <h2>Threading</h2>
 * Thread-safe; calls are serialised. The sink never blocks an event loop: {@code accept} waits on the dispatcher's
 * thread, and nothing runs on the event loop but Netty's own handlers. Inbound data (a collector has nothing to say
 * in RFC 6587/5425) is released and ignored.
 */
public final class SyslogAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(SyslogAuditSink.class);

    private final String host;
    private final int port;
    private final String name;
    private final AuditPolicy policy;
    private final SyslogMessageEncoder encoder;
    private final SslContext ssl;
    private final boolean checkHostName;
    private final Duration connectTimeout;
    private final Duration writeTimeout;
    private final Duration tlsConfirmTimeout;
    /** The sink's own one-thread group, shut down by {@link #close()}. */
    private final EventLoopGroup group;
    private final Map<String, Long> seqs = new HashMap<>();

    private Channel channel;
    private boolean closed;

    private SyslogAuditSink(Builder b) throws SSLException {
        this.host = b.host;
        this.port = b.port;
        this.name = b.name;
        this.policy = b.policy;
        this.encoder = new SyslogMessageEncoder(b.facility, b.enterpriseNumber, new AuditJsonEncoder(b.redaction, b.recordCommands));
        this.ssl = b.tls == null ? null : b.tls.newContext();
        this.checkHostName = b.tls != null && b.tls.checksHostName();
        this.connectTimeout = b.connectTimeout;
        this.writeTimeout = b.writeTimeout;
        this.tlsConfirmTimeout = b.tlsConfirmTimeout;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    /** Returns a builder for a sink sending to {@code host:port}. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AuditPolicy policy() {
        return policy;
    }

    /** Returns whether a connection to the collector is open now. */
    public synchronized boolean isConnected() {
        return channel != null && channel.isActive();
    }

    @Override
    public synchronized void accept(AuditEvent event) throws IOException {
        if (closed) {
            throw new IOException("syslog sink \"" + name + "\" is closed");
        }
        String streamId = event.header().emitterId() + "/" + name;
        long seq = seqs.getOrDefault(streamId, 0L) + 1;
        byte[] frame = SyslogMessageEncoder.frame(encoder.encode(event, ChainStamp.plain(streamId, seq)));
        Channel ch = connected();
        ChannelFuture write = ch.writeAndFlush(Unpooled.wrappedBuffer(frame));
        boolean done;
        try {
            done = write.await(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing to syslog " + where(), e);
        }
        if (!done || !write.isSuccess()) {
            ch.close();
            throw new IOException("syslog " + where() + ": " + (done ? "write failed: " + write.cause()
                    : "write not done within " + writeTimeout), done ? write.cause() : null);
        }
        seqs.put(streamId, seq);
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            channel.close().awaitUninterruptibly(writeTimeout.toMillis());
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private String where() {
        return (ssl == null ? "tcp://" : "tls://") + host + ":" + port;
    }

    private Channel connected() throws IOException {
        if (channel != null && channel.isActive()) {
            return channel;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            SSLEngine engine = ssl.newEngine(ch.alloc(), host, port);
                            if (checkHostName) {
                                SSLParameters params = engine.getSSLParameters();
                                params.setEndpointIdentificationAlgorithm("HTTPS");
                                engine.setSSLParameters(params);
                            }
                            SslHandler tls = new SslHandler(engine);
                            TlsRecordWatcher watcher = new TlsRecordWatcher();
                            ch.pipeline().addLast("records", watcher).addLast("tls", tls);
                            tls.handshakeFuture().addListener(f -> watcher.handshakeDone(ch));
                        }
                        ch.pipeline().addLast("discard", new InboundDiscarder());
                    }
                });
        ChannelFuture connect = b.connect(host, port);
        try {
            if (!connect.await(connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS) || !connect.isSuccess()) {
                connect.channel().close();
                throw new IOException("syslog collector " + where() + " unreachable: " + connect.cause(),
                        connect.cause());
            }
            Channel ch = connect.channel();
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (tls != null) {
                var handshake = tls.handshakeFuture();
                if (!handshake.await(connectTimeout.toMillis(), TimeUnit.MILLISECONDS) || !handshake.isSuccess()) {
                    ch.close();
                    throw new IOException("syslog collector " + where() + ": TLS handshake failed: "
                            + handshake.cause(), handshake.cause());
                }
                if ("TLSv1.3".equals(tls.engine().getSession().getProtocol()) && !tlsConfirmTimeout.isZero()) {
                    confirm(ch, ch.pipeline().get(TlsRecordWatcher.class));
                }
            }
            channel = ch;
            LOG.info("syslog sink \"{}\" connected to {}", name, where());
            return ch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connect.channel().close();
            throw new IOException("interrupted while connecting to syslog " + where(), e);
        }
    }

    /** Waits for the collector's first record after a TLS 1.3 handshake; see the class comment. */
    private void confirm(Channel ch, TlsRecordWatcher watcher) throws IOException, InterruptedException {
        if (watcher == null) {
            // The collector closed the connection so soon that the pipeline was already torn down: a refusal too.
            ch.close();
            throw new IOException("syslog collector " + where() + " closed the TLS 1.3 session right after the"
                    + " handshake: it refused this client (client certificate missing or not accepted?)");
        }
        try {
            watcher.confirmed.get(tlsConfirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException silent) {
            LOG.debug("syslog collector {} sent nothing within {} after the TLS 1.3 handshake; using the session",
                    where(), tlsConfirmTimeout);
        } catch (ExecutionException refused) {
            ch.close();
            throw new IOException("syslog collector " + where() + " closed the TLS 1.3 session right after the"
                    + " handshake: it refused this client (client certificate missing or not accepted?)",
                    refused.getCause());
        }
    }

    /**
     * Counts the complete TLS records (RFC 8446 §5.1: 5-byte header, 2-byte length) the collector sends, before the
     * {@link SslHandler} decrypts them, and settles {@link #confirmed} once the first record after the handshake has
     * been processed: success if the connection is still open, failure if that record (an alert) or anything else
     * closed it.
     */
    private static final class TlsRecordWatcher extends ChannelInboundHandlerAdapter {
        private static final int HEADER = 5;

        final CompletableFuture<Void> confirmed = new CompletableFuture<>();
        private final byte[] header = new byte[HEADER];
        private int headerBytes;
        private int bodyLeft;
        private long records;
        private long baseline = -1;

        /** Marks the records counted so far as the handshake's; runs on the event loop. */
        void handshakeDone(Channel ch) {
            baseline = records;
            ch.closeFuture().addListener(f -> confirmed.completeExceptionally(
                    new IOException("connection closed after the TLS handshake")));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                count(buf);
            }
            ctx.fireChannelRead(msg);
            if (baseline >= 0 && records > baseline && !confirmed.isDone()) {
                if (ctx.channel().isActive()) {
                    confirmed.complete(null);
                } else {
                    confirmed.completeExceptionally(new IOException(
                            "the collector's first record after the handshake closed the connection"));
                }
            }
        }

        private void count(ByteBuf buf) {
            int i = buf.readerIndex();
            int end = buf.writerIndex();
            while (i < end) {
                if (bodyLeft > 0) {
                    int n = Math.min(bodyLeft, end - i);
                    bodyLeft -= n;
                    i += n;
                    if (bodyLeft == 0) {
                        records++;
                    }
                    continue;
                }
                header[headerBytes++] = buf.getByte(i++);
                if (headerBytes == HEADER) {
                    headerBytes = 0;
                    bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    if (bodyLeft == 0) {
                        records++;
                    }
                }
            }
        }
    }

    /** Releases whatever a collector sends: RFC 6587 and RFC 5425 collectors send nothing back. */
    private static final class InboundDiscarder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("syslog connection error, closing: {}", cause.toString());
            ctx.close();
        }
    }

    /** Configures a {@link SyslogAuditSink}. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String name = "syslog";
        private AuditPolicy policy = AuditPolicy.FAIL_CLOSED;
        private int facility = 13;
        private long enterpriseNumber = 32473;
        private Redaction redaction = Redaction.keep();
        private boolean recordCommands;
        private SyslogTls tls;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration writeTimeout = Duration.ofSeconds(5);
        private Duration tlsConfirmTimeout = Duration.ofSeconds(2);

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
        }

        /** Sets the sink name, the second half of {@code stream_id}; default {@code syslog}. */
        public Builder name(String value) {
            this.name = Objects.requireNonNull(value);
            return this;
        }

        /** Sets the policy; default {@code FAIL_CLOSED}. For {@code SPOOL}, wrap the sink in a spool. */
        public Builder policy(AuditPolicy value) {
            this.policy = Objects.requireNonNull(value);
            return this;
        }

        /** Sets the facility: 4 (auth), 10 (authpriv) or 13 (log audit, the default). */
        public Builder facility(int value) {
            this.facility = value;
            return this;
        }

        /**
         * Sets the IANA Private Enterprise Number of the SD-ID {@code fumidai@<PEN>}. The default 32473 is the number
         * RFC 5612 reserves for documentation; set your organisation's own.
         */
        public Builder enterpriseNumber(long value) {
            this.enterpriseNumber = value;
            return this;
        }

        /** Sets how sensitive fields are written in the JSON; default {@link Redaction#keep()}. */
        public Builder redaction(Redaction value) {
            this.redaction = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Sets whether the {@code command} of {@code exec.*} events is sent (through the {@link #redaction}), or
         * replaced by {@value Redaction#REDACTED}; default {@code false}, as a command line can carry a password or
         * a token. With {@link Redaction#hmacSha256} the HMAC of the command is sent either way. Behind a
         * {@link dev.fumidai.audit.spool.SpoolingAuditSink}, set it on the spool too, or the spool has already
         * replaced the command.
         */
        public Builder recordCommands(boolean value) {
            this.recordCommands = value;
            return this;
        }

        /** Turns on RFC 5425 TLS. */
        public Builder tls(SyslogTls value) {
            this.tls = Objects.requireNonNull(value);
            return this;
        }

        /** Sets the connect (and TLS handshake) timeout; default 5 s. */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = Objects.requireNonNull(value);
            return this;
        }

        /** Sets the time a write may take; default 5 s. */
        public Builder writeTimeout(Duration value) {
            this.writeTimeout = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Sets how long to wait after a TLS 1.3 handshake for the collector's first record, which tells whether it
         * accepted this client (see the class comment); {@link Duration#ZERO} does not wait; default 2 s.
         */
        public Builder tlsConfirmTimeout(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("negative timeout " + value);
            }
            this.tlsConfirmTimeout = value;
            return this;
        }

        /** Creates the sink; it connects on the first event. @throws SSLException if the TLS setup is invalid */
        public SyslogAuditSink build() throws SSLException {
            return new SyslogAuditSink(this);
        }
    }
}
