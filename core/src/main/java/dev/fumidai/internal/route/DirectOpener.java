// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.route;

import dev.fumidai.Target;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.internal.net.NettyTransport;
import dev.fumidai.spi.StreamOpener;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import dev.fumidai.spi.StreamChannels;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Opens plain TCP (or local Unix socket) connections: the upstream of the first hop, and the whole path of a
 * direct route. Host names are resolved here, on this machine.
 *
 * <p>Channels come out as {@link dev.fumidai.spi.StreamChannels} requires: active, {@code autoRead} off,
 * half-closure allowed, TCP_NODELAY on.
 */
public final class DirectOpener implements StreamOpener {

    private final EventLoopGroup group;
    private final NettyTransport transport;
    private final Duration connectTimeout;

    /** Creates an opener on a group. */
    public DirectOpener(EventLoopGroup group, Duration connectTimeout) {
        this.group = group;
        this.transport = NettyTransport.of(group);
        this.connectTimeout = connectTimeout;
    }

    @Override
    public CompletableFuture<Channel> open(Target target) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        StreamChannels.hold(ch);
                    }
                });
        ChannelFuture f;
        if (target.isUnixSocket()) {
            b.channel(transport.domainSocketChannel());
            f = b.connect(transport.unixAddress(target.path()));
        } else {
            b.channel(transport.socketChannel()).option(ChannelOption.TCP_NODELAY, true);
            f = b.connect(new InetSocketAddress(target.host(), target.port()));
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        f.addListener(cf -> {
            if (cf.isSuccess()) {
                result.complete(f.channel());
            } else {
                Throwable c = cf.cause();
                result.completeExceptionally(new TargetUnreachableException("direct => " + target,
                        c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage(), c,
                        TargetUnreachableException.Refusal.CONNECT_FAILED));
            }
        });
        return result;
    }
}
