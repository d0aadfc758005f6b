// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.forward;

import dev.fumidai.AuditUnavailableException;
import dev.fumidai.DynamicForward;
import dev.fumidai.ForwardOptions;
import dev.fumidai.HopDisconnectedException;
import dev.fumidai.HopUnreachableException;
import dev.fumidai.Target;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.audit.ForwardListened;
import dev.fumidai.audit.ForwardUnlistened;
import dev.fumidai.audit.Listener;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.Source;
import dev.fumidai.internal.TunnelOpener;
import dev.fumidai.internal.net.NettyTransport;
import dev.fumidai.internal.relay.Relay;
import dev.fumidai.spi.StreamChannels;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerEncoder;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on a local TCP port as a SOCKS4/4a/5 server (Netty's SOCKS codec) and relays every CONNECT through the
 * route to the target the client named, as {@code ssh -D} does. See {@link DynamicForward} for the reply codes.
 *
 * <h2>Handshake</h2>
 * An accepted connection reads with {@code autoRead} on while it handshakes, under a deadline
 * ({@link ForwardOptions#handshakeTimeout()}). On CONNECT it stops reading, installs the holding handler
 * ({@link StreamChannels#hold}), opens the stream, writes the reply, removes the SOCKS codec and joins a
 * {@link Relay}. Bytes a client sent after its request, before the reply, are kept and sent on first.
 *
 * <h2>Reference counting</h2>
 * Decoded SOCKS messages hold no buffers; kept early bytes are written to the stream or released on close.
 *
 * <h2>Closing</h2>
 * {@link #close()} unbinds, then closes or drains active connections.
 */
public final class DynamicForwardImpl implements DynamicForward {

    private static final Logger LOG = LoggerFactory.getLogger(DynamicForwardImpl.class);

    private final ForwardOptions options;
    private final TunnelOpener opener;
    private final Clock clock;
    private final Listener listener;
    private final ChannelGroup active = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger activeCount = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Instant started;
    private final byte[] user;
    private final byte[] password;
    private volatile Channel server;

    private DynamicForwardImpl(ForwardOptions options, TunnelOpener opener, Clock clock, Listener listener) {
        this.options = options;
        this.opener = opener;
        this.clock = clock;
        this.listener = listener;
        this.started = clock.instant();
        this.user = options.socksUser() == null ? null : options.socksUser().getBytes(StandardCharsets.UTF_8);
        char[] p = options.socksPassword();
        this.password = p == null ? null : new String(p).getBytes(StandardCharsets.UTF_8);
        if (p != null) {
            Arrays.fill(p, '\0');
        }
    }

    /**
     * Binds a SOCKS listener and records {@code forward.listen}.
     *
     * @throws IOException if the address cannot be bound
     */
    public static DynamicForwardImpl bind(ForwardOptions options, TunnelOpener opener, EventLoopGroup group,
            Clock clock) throws IOException {
        if (options.unixSocket() != null) {
            throw new IllegalArgumentException("a SOCKS listener listens on TCP; unixSocket is not supported");
        }
        NettyTransport transport = NettyTransport.of(group);
        DynamicForwardImpl[] holder = new DynamicForwardImpl[1];
        ServerBootstrap sb = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        holder[0].initClient(ch);
                    }
                });
        Channel server;
        try {
            server = sb.bind(new InetSocketAddress(options.bindAddress(), options.bindPort())).sync().channel();
        } catch (Exception e) {
            Listener l = new Listener(ListenerKind.DYNAMIC, options.bindAddress(), options.bindPort());
            opener.audit().emit(new ForwardListened(opener.audit().header(), Outcome.FAILURE,
                    Reason.of(ReasonCode.CONNECT_FAILED, e), l, null,
                    opener.runtime().hopInfos()));
            String what = "cannot listen on " + options.bindAddress() + ":" + options.bindPort()
                    + " for a SOCKS proxy: " + e.getMessage();
            java.net.BindException bind = new java.net.BindException(what);
            bind.initCause(e);
            throw bind;
        }
        InetSocketAddress a = (InetSocketAddress) server.localAddress();
        Listener listener = new Listener(ListenerKind.DYNAMIC, a.getAddress().getHostAddress(), a.getPort());
        DynamicForwardImpl fwd = new DynamicForwardImpl(options, opener, clock, listener);
        fwd.server = server;
        holder[0] = fwd;
        opener.audit().emit(new ForwardListened(opener.audit().header(), Outcome.SUCCESS, null, listener, null,
                opener.runtime().hopInfos()));
        LOG.info("SOCKS proxy on {}:{} via {}", listener.address(), listener.port(), opener.runtime().route());
        return fwd;
    }

    private void initClient(Channel ch) {
        ch.pipeline().addLast("socks-detect", new SocksPortUnificationServerHandler());
        ch.pipeline().addLast("socks-server", new SocksServerHandler());
    }

    /** Returns the SOCKS5 reply for a failed open; see the table in {@link DynamicForward}. */
    static Socks5CommandStatus statusFor(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TargetUnreachableException tu) {
            return switch (tu.refusal()) {
                case PROHIBITED -> Socks5CommandStatus.FORBIDDEN;
                case CONNECT_FAILED -> Socks5CommandStatus.CONNECTION_REFUSED;
                case UNKNOWN -> Socks5CommandStatus.HOST_UNREACHABLE;
            };
        }
        if (t instanceof AuditUnavailableException) {
            return Socks5CommandStatus.FORBIDDEN;
        }
        if (t instanceof HopUnreachableException || t instanceof HopDisconnectedException
                || t instanceof TunnelTimeoutException) {
            return Socks5CommandStatus.HOST_UNREACHABLE;
        }
        return Socks5CommandStatus.FAILURE;
    }

    /** Is the RFC 1929 failure status we send (Netty's own constant is 0xFF; any non-zero value fails). */
    private static final Socks5PasswordAuthStatus AUTH_FAILED = Socks5PasswordAuthStatus.valueOf((byte) 0x01);

    /** Reports an address type that RFC 1928 §5 does not define, for reply 0x08. */
    static final class UnsupportedAddressTypeException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedAddressTypeException(int type) {
            super("unsupported SOCKS5 address type " + type, null, false, false);
        }
    }

    /** Decodes IPv4, IPv6 and domain names as Netty does; any other type fails with our own exception. */
    private static final Socks5AddressDecoder ADDRESS_DECODER = (type, in) -> {
        if (type == Socks5AddressType.IPv4 || type == Socks5AddressType.IPv6 || type == Socks5AddressType.DOMAIN) {
            return Socks5AddressDecoder.DEFAULT.decodeAddress(type, in);
        }
        throw new UnsupportedAddressTypeException(type.byteValue() & 0xff);
    };

    private static boolean constantTimeEquals(byte[] expected, String given) {
        byte[] g = given.getBytes(StandardCharsets.UTF_8);
        try {
            return MessageDigest.isEqual(expected, g);
        } finally {
            Arrays.fill(g, (byte) 0);
        }
    }

    /** Drives one client's SOCKS handshake and then hands the connection to a relay. One per connection. */
    private final class SocksServerHandler extends ChannelInboundHandlerAdapter {
        private ScheduledFuture<?> deadline;
        private boolean requested;
        private final List<ByteBuf> early = new ArrayList<>();
        private Source source;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            Channel ch = ctx.channel();
            source = sourceOf(ch);
            if (closed.get()) {
                ch.close();
                return;
            }
            if (ch.remoteAddress() instanceof InetSocketAddress a && !options.acceptFilter().test(a)) {
                LOG.info("SOCKS proxy {}: client {} refused by the accept filter", listener.port(), a);
                ch.close();
                return;
            }
            if (activeCount.incrementAndGet() > options.maxConnections()) {
                activeCount.decrementAndGet();
                LOG.info("SOCKS proxy {}: more than {} connections, refusing one", listener.port(),
                        options.maxConnections());
                ch.close();
                return;
            }
            accepted.incrementAndGet();
            active.add(ch);
            ch.closeFuture().addListener(f -> activeCount.decrementAndGet());
            deadline = ctx.executor().schedule(() -> {
                if (!requested && ch.isOpen()) {
                    LOG.info("SOCKS proxy {}: client {} did not finish its handshake within {} ms; dropped",
                            listener.port(), ch.remoteAddress(), options.handshakeTimeout().toMillis());
                    ch.close();
                }
            }, options.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                // Bytes after the request: kept until the stream is open (bounded by the reads in flight when
                // reading stopped).
                if (requested && ctx.channel().isOpen()) {
                    early.add(b);
                } else {
                    b.release();
                }
                return;
            }
            try {
                if (requested) {
                    return;
                }
                if (msg instanceof Socks5InitialRequest r) {
                    onGreeting(ctx, r);
                } else if (msg instanceof Socks5PasswordAuthRequest r) {
                    onPassword(ctx, r);
                } else if (msg instanceof Socks5CommandRequest r) {
                    onSocks5Request(ctx, r);
                } else if (msg instanceof Socks4CommandRequest r) {
                    onSocks4Request(ctx, r);
                } else {
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void onGreeting(ChannelHandlerContext ctx, Socks5InitialRequest r) {
            if (r.decoderResult().isFailure()) {
                ctx.close();
                return;
            }
            Socks5AuthMethod wanted = user != null ? Socks5AuthMethod.PASSWORD : Socks5AuthMethod.NO_AUTH;
            if (!r.authMethods().contains(wanted)) {
                ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ChannelHandler next = user != null ? new Socks5PasswordAuthRequestDecoder()
                    : new Socks5CommandRequestDecoder(ADDRESS_DECODER);
            ctx.pipeline().replace(Socks5InitialRequestDecoder.class, "socks5-next", next);
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(wanted));
        }

        private void onPassword(ChannelHandlerContext ctx, Socks5PasswordAuthRequest r) {
            if (r.decoderResult().isFailure()) {
                ctx.close();
                return;
            }
            // Both compared, always, so the time taken says nothing about which was wrong.
            boolean userOk = constantTimeEquals(user, r.username());
            boolean passwordOk = constantTimeEquals(password, r.password());
            if (!(userOk & passwordOk)) {
                LOG.info("SOCKS proxy {}: client {} failed user/password authentication", listener.port(),
                        ctx.channel().remoteAddress());
                // RFC 1929 §2: any status but 0x00 is a failure; we send 0x01.
                ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(AUTH_FAILED))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.pipeline().replace(Socks5PasswordAuthRequestDecoder.class, "socks5-cmd",
                    new Socks5CommandRequestDecoder(ADDRESS_DECODER));
            ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
        }

        private void onSocks5Request(ChannelHandlerContext ctx, Socks5CommandRequest r) {
            if (r.decoderResult().isFailure()) {
                Throwable c = r.decoderResult().cause();
                // Netty wraps what the address decoder threw in a DecoderException.
                if (c instanceof UnsupportedAddressTypeException
                        || c != null && c.getCause() instanceof UnsupportedAddressTypeException) {
                    refuse5(ctx, Socks5CommandStatus.ADDRESS_UNSUPPORTED);
                } else {
                    ctx.close();
                }
                return;
            }
            if (r.type() != Socks5CommandType.CONNECT) {
                refuse5(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED);
                return;
            }
            Target target;
            try {
                target = Target.of(r.dstAddr(), r.dstPort());
            } catch (IllegalArgumentException e) {
                LOG.info("SOCKS proxy {}: invalid target: {}", listener.port(), e.getMessage());
                refuse5(ctx, Socks5CommandStatus.FAILURE);
                return;
            }
            connect(ctx, target, true);
        }

        private void onSocks4Request(ChannelHandlerContext ctx, Socks4CommandRequest r) {
            if (r.decoderResult().isFailure() || r.type() != Socks4CommandType.CONNECT || user != null) {
                // SOCKS4 carries no password: with credentials configured it is refused.
                refuse4(ctx);
                return;
            }
            Target target;
            try {
                target = Target.of(r.dstAddr(), r.dstPort());
            } catch (IllegalArgumentException e) {
                refuse4(ctx);
                return;
            }
            connect(ctx, target, false);
        }

        private void refuse5(ChannelHandlerContext ctx, Socks5CommandStatus status) {
            ctx.writeAndFlush(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        private void refuse4(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        private void connect(ChannelHandlerContext ctx, Target target, boolean v5) {
            requested = true;
            deadline.cancel(false);
            Channel client = ctx.channel();
            client.config().setAutoRead(false);
            StreamChannels.hold(client);
            opener.open(target, source).whenComplete((opened, t) -> client.eventLoop().execute(() -> {
                if (t != null) {
                    Socks5CommandStatus status = statusFor(t);
                    LOG.info("SOCKS proxy {}: CONNECT {} refused with 0x{}: {}", listener.port(), target,
                            Integer.toHexString(status.byteValue() & 0xff), t.getMessage());
                    if (v5) {
                        refuse5(ctx, status);
                    } else {
                        refuse4(ctx);
                    }
                    return;
                }
                if (!client.isOpen()) {
                    opened.channel().close();
                    opened.record().closed(0, 0, Reason.of(ReasonCode.CLOSED_BY_CLIENT));
                    return;
                }
                active.add(opened.channel());
                if (v5) {
                    ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
                            Socks5AddressType.IPv4, "0.0.0.0", 0));
                } else {
                    ctx.writeAndFlush(new DefaultSocks4CommandResponse(Socks4CommandStatus.SUCCESS));
                }
                removeCodec(client.pipeline());
                for (ByteBuf b : early) {
                    opened.channel().write(b);
                }
                early.clear();
                opened.channel().flush();
                client.pipeline().remove(this);
                Relay relay = Relay.join(client, opened.channel(), opened.record().backPressure());
                relay.done().whenComplete((r, x) -> {
                    Reason reason;
                    if (r.cause() != null) {
                        reason = Reason.of(ReasonCode.NETWORK_ERROR, r.cause());
                    } else if (r.endedBy() == Relay.Ender.FIRST) {
                        reason = Reason.of(ReasonCode.CLOSED_BY_CLIENT);
                    } else if (r.endedBy() == Relay.Ender.SECOND) {
                        Throwable c = opened.channel().attr(StreamChannels.CLOSE_CAUSE).get();
                        reason = c != null ? Reason.of(ReasonCode.NETWORK_ERROR, c)
                                : Reason.of(ReasonCode.CLOSED_BY_SERVER);
                    } else {
                        reason = Reason.of(ReasonCode.CLOSED_BY_APPLICATION);
                    }
                    opened.record().closed(r.firstToSecond(), r.secondToFirst(), reason);
                });
            }));
        }

        private void removeCodec(io.netty.channel.ChannelPipeline p) {
            for (Class<? extends ChannelHandler> c : List.of(Socks5CommandRequestDecoder.class,
                    Socks5ServerEncoder.class, Socks4ServerDecoder.class, Socks4ServerEncoder.class)) {
                if (p.get(c) != null) {
                    p.remove(c);
                }
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            releaseEarly();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (deadline != null) {
                deadline.cancel(false);
            }
            releaseEarly();
            super.channelInactive(ctx);
        }

        private void releaseEarly() {
            for (ByteBuf b : early) {
                b.release();
            }
            early.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("SOCKS proxy {}: client {}: {}", listener.port(), ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        }
    }

    private Source sourceOf(Channel client) {
        if (client.remoteAddress() instanceof InetSocketAddress a) {
            return new Source(a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress(),
                    a.getPort(), listener);
        }
        return new Source(null, 0, listener);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public int localPort() {
        return localAddress().getPort();
    }

    @Override
    public int activeConnections() {
        return Math.max(0, activeCount.get());
    }

    @Override
    public long acceptedConnections() {
        return accepted.get();
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && server.isOpen();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close().syncUninterruptibly();
        if (options.onClose() == ForwardOptions.OnClose.DRAIN) {
            long deadline = System.nanoTime() + options.drainTimeout().toNanos();
            while (activeCount.get() > 0 && System.nanoTime() < deadline) {
                try {
                    TimeUnit.MILLISECONDS.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        active.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (password != null) {
            Arrays.fill(password, (byte) 0);
        }
        Instant now = clock.instant();
        opener.audit().emit(new ForwardUnlistened(opener.audit().header(), Outcome.SUCCESS,
                Reason.of(ReasonCode.CLOSED_BY_APPLICATION), listener, null, opener.runtime().hopInfos(), started,
                Duration.between(started, now).toMillis(), accepted.get()));
    }
}
