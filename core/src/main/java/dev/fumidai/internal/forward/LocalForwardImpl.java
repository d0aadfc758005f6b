// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.forward;

import dev.fumidai.ForwardOptions;
import dev.fumidai.LocalForward;
import dev.fumidai.Target;
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
import dev.fumidai.internal.route.RouteRuntime;
import dev.fumidai.spi.StreamChannels;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on a local TCP port or Unix socket and relays every accepted connection to one target through the
 * route, as {@code ssh -L} does, with limits, an accept filter and audit records.
 *
 * <h2>Back-pressure</h2>
 * Accepted sockets start with {@code autoRead} off; the {@link Relay} turns it on once the tunnel stream is open.
 *
 * <h2>Event loops</h2>
 * An accepted socket is registered on the event loop of the last tunnel stream this forward opened (when that loop
 * belongs to the forward's group), so the relay's two channels usually share a loop and each buffer is handed on
 * without a task switch to another thread; the first connection, or one after a stream on a foreign loop, gets the
 * group's next loop.
 *
 * <h2>Closing</h2>
 * {@link #close()} unbinds (removing the Unix socket file), then closes or drains active relays.
 */
public final class LocalForwardImpl implements LocalForward {

    private static final Logger LOG = LoggerFactory.getLogger(LocalForwardImpl.class);

    private final Target target;
    private final ForwardOptions options;
    private final TunnelOpener opener;
    private final Clock clock;
    private final Channel server;
    private final Listener listener;
    private final Path unixPath;
    private final ChannelGroup active = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger activeCount = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Instant started;
    /** The event loop of the last tunnel stream opened, where the next accepted socket is registered. */
    private volatile EventLoop tunnelLoop;

    private LocalForwardImpl(Target target, ForwardOptions options, TunnelOpener opener, Clock clock, Channel server,
            Listener listener, Path unixPath) {
        this.target = target;
        this.options = options;
        this.opener = opener;
        this.clock = clock;
        this.server = server;
        this.listener = listener;
        this.unixPath = unixPath;
        this.started = clock.instant();
    }

    /**
     * Binds a forward and records {@code forward.listen}.
     *
     * @throws IOException if the address or path cannot be bound
     */
    public static LocalForwardImpl bind(Target target, ForwardOptions options, TunnelOpener opener,
            EventLoopGroup group, Clock clock) throws IOException {
        NettyTransport transport = NettyTransport.of(group);
        Holder holder = new Holder();
        Path unix = options.unixSocket();
        ChannelHandler childHandler = new ChannelInboundHandlerAdapter() {
            @Override
            public boolean isSharable() {
                return true;
            }

            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                // Before any read can happen: keep what arrives until the relay takes over.
                StreamChannels.hold(ctx.channel());
            }

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.pipeline().remove(this);
                holder.forward.accept(ctx.channel());
            }
        };
        ServerBootstrap sb = new ServerBootstrap().group(group)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        LocalForwardImpl fwd = holder.forward;
                        EventLoop loop = fwd == null ? null : fwd.tunnelLoop;
                        if (!(msg instanceof Channel child) || loop == null || !inGroup(group, loop)) {
                            // ServerBootstrap's acceptor registers it on the group's next loop.
                            ctx.fireChannelRead(msg);
                            return;
                        }
                        // What ServerBootstrap's acceptor does, with the tunnel's loop instead of the next one.
                        child.pipeline().addLast(childHandler);
                        child.config().setOption(ChannelOption.AUTO_READ, false);
                        child.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                        if (unix == null) {
                            child.config().setOption(ChannelOption.TCP_NODELAY, true);
                        }
                        try {
                            loop.register(child).addListener(f -> {
                                if (!f.isSuccess()) {
                                    LOG.warn("cannot register an accepted connection: {}", f.cause().toString());
                                    child.unsafe().closeForcibly();
                                }
                            });
                        } catch (RuntimeException e) {
                            LOG.warn("cannot register an accepted connection: {}", e.toString());
                            child.unsafe().closeForcibly();
                        }
                    }
                })
                .childHandler(childHandler);
        Channel server;
        Listener listener;
        RouteRuntime rt = opener.runtime();
        try {
            if (unix != null) {
                sb.channel(transport.serverDomainSocketChannel());
                server = bindUnix(sb, transport, unix);
                listener = new Listener(ListenerKind.LOCAL, unix.toString(), 0);
            } else {
                sb.channel(transport.serverSocketChannel()).childOption(ChannelOption.TCP_NODELAY, true);
                server = sb.bind(new InetSocketAddress(options.bindAddress(), options.bindPort())).sync().channel();
                InetSocketAddress a = (InetSocketAddress) server.localAddress();
                listener = new Listener(ListenerKind.LOCAL, a.getAddress().getHostAddress(), a.getPort());
            }
        } catch (Exception e) {
            Listener l = unix != null ? new Listener(ListenerKind.LOCAL, unix.toString(), 0)
                    : new Listener(ListenerKind.LOCAL, options.bindAddress(), options.bindPort());
            opener.audit().emit(new ForwardListened(opener.audit().header(), Outcome.FAILURE,
                    Reason.of(ReasonCode.CONNECT_FAILED, e), l,
                    opener.targetInfo(target, null), rt.hopInfos()));
            String what = "cannot listen on " + (unix != null ? l.address() : l.address() + ":" + l.port()) + " for "
                    + target + ": " + e.getMessage();
            if (e instanceof IOException) {
                // Netty's native transports say only "bind(..) failed ... Address already in use": name the address
                // (the ExitOnForwardFailure case, security-checklist R26).
                java.net.BindException bind = new java.net.BindException(what);
                bind.initCause(e);
                throw bind;
            }
            throw new IOException(what, e);
        }
        LocalForwardImpl fwd = new LocalForwardImpl(target, options, opener, clock, server, listener, unix);
        holder.forward = fwd;
        opener.audit().emit(new ForwardListened(opener.audit().header(), Outcome.SUCCESS, null, listener,
                opener.targetInfo(target, null), rt.hopInfos()));
        LOG.info("forwarding {} to {} via {}", listener.address() + (unix == null ? ":" + listener.port() : ""),
                target, rt.route());
        return fwd;
    }

    private static boolean inGroup(EventLoopGroup group, EventLoop loop) {
        for (EventExecutor e : group) {
            if (e == loop) {
                return true;
            }
        }
        return false;
    }

    private static final class Holder {
        volatile LocalForwardImpl forward;
    }

    /**
     * Binds a Unix socket with mode 0600 and no window in which another user could connect: the socket is made
     * in a fresh directory of mode 0700, its mode set, and then renamed to the requested path.
     */
    private static Channel bindUnix(ServerBootstrap sb, NettyTransport transport, Path path) throws Exception {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.exists(abs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("unix socket path already exists: " + abs);
        }
        Path tmpDir = Files.createTempDirectory(dir, ".fumidai-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = tmpDir.resolve("s");
        try {
            Channel ch = sb.bind(transport.unixAddress(tmp.toString())).sync().channel();
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot place unix socket at " + abs + " atomically", e);
                }
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return ch;
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(tmpDir);
        }
    }

    private void accept(Channel client) {
        Source source = sourceOf(client);
        if (closed.get()) {
            client.close();
            return;
        }
        if (client.remoteAddress() instanceof InetSocketAddress
                && !options.acceptFilter().test((InetSocketAddress) client.remoteAddress())) {
            opener.denied(target, source, Reason.of(ReasonCode.POLICY, "client refused by the accept filter"),
                    "accept-filter");
            client.close();
            return;
        }
        if (activeCount.incrementAndGet() > options.maxConnections()) {
            activeCount.decrementAndGet();
            opener.denied(target, source, Reason.of(ReasonCode.LIMIT, "more than " + options.maxConnections()
                    + " connections"), "max-connections");
            client.close();
            return;
        }
        accepted.incrementAndGet();
        active.add(client);
        if (options.acceptOnce()) {
            server.close();
        }
        opener.open(target, source).whenComplete((opened, t) -> {
            if (t != null) {
                LOG.warn("forward {} -> {}: {}", source.port(), target, t.getMessage());
                activeCount.decrementAndGet();
                client.close();
                return;
            }
            if (!client.isOpen()) {
                opened.channel().close();
                opened.record().closed(0, 0, Reason.of(ReasonCode.CLOSED_BY_CLIENT));
                activeCount.decrementAndGet();
                return;
            }
            active.add(opened.channel());
            tunnelLoop = opened.channel().eventLoop();
            Relay relay = Relay.join(client, opened.channel(), opened.record().backPressure());
            relay.done().whenComplete((r, rt) -> {
                activeCount.decrementAndGet();
                Reason reason;
                if (r.cause() != null) {
                    reason = Reason.of(ReasonCode.NETWORK_ERROR, r.cause());
                } else if (r.endedBy() == Relay.Ender.FIRST) {
                    reason = Reason.of(ReasonCode.CLOSED_BY_CLIENT);
                } else if (r.endedBy() == Relay.Ender.SECOND) {
                    Throwable c = opened.channel().attr(dev.fumidai.spi.StreamChannels.CLOSE_CAUSE).get();
                    reason = c != null ? Reason.of(ReasonCode.NETWORK_ERROR, c)
                            : Reason.of(ReasonCode.CLOSED_BY_SERVER);
                } else {
                    reason = Reason.of(ReasonCode.CLOSED_BY_APPLICATION);
                }
                opened.record().closed(r.firstToSecond(), r.secondToFirst(), reason);
            });
        });
    }

    private Source sourceOf(Channel client) {
        if (client.remoteAddress() instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) client.remoteAddress();
            return new Source(a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress(), a.getPort(),
                    listener);
        }
        return new Source(null, 0, listener);
    }

    @Override
    public InetSocketAddress localAddress() {
        return unixPath == null ? (InetSocketAddress) server.localAddress() : null;
    }

    /** Returns the accepted sockets and tunnel streams still open; for tests. */
    java.util.List<Channel> activeChannels() {
        return java.util.List.copyOf(active);
    }

    @Override
    public int localPort() {
        return unixPath == null ? localAddress().getPort() : -1;
    }

    @Override
    public Path unixSocketPath() {
        return unixPath;
    }

    @Override
    public Target target() {
        return target;
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
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (options.onClose() == ForwardOptions.OnClose.DRAIN) {
            Duration d = options.drainTimeout();
            long deadline = System.nanoTime() + d.toNanos();
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
        Instant now = clock.instant();
        opener.audit().emit(new ForwardUnlistened(opener.audit().header(), Outcome.SUCCESS,
                Reason.of(ReasonCode.CLOSED_BY_APPLICATION), listener, opener.targetInfo(target, null),
                opener.runtime().hopInfos(), started, Duration.between(started, now).toMillis(), accepted.get()));
    }
}
