// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a real TCP (or Unix socket) echo server on 127.0.0.1 for tests: echoes with back-pressure, answers EOF
 * with EOF after the echo, closes when the client closes.
 */
public final class EchoServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel server;
    private final AtomicInteger accepted = new AtomicInteger();

    private EventLoopGroup groupRef() {
        return group;
    }

    private EchoServer(Path unixPath) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("echo", true), NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(group)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_READ, true)
                .childHandler(new Echo());
        if (unixPath == null) {
            b.channel(NioServerSocketChannel.class);
            server = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        } else {
            b.channel(NioServerDomainSocketChannel.class);
            server = b.bind(UnixDomainSocketAddress.of(unixPath)).sync().channel();
        }
    }

    /** Starts an echo server on 127.0.0.1 and an ephemeral port. */
    public static EchoServer start() throws InterruptedException {
        return new EchoServer(null);
    }

    /** Starts an echo server on a Unix socket path. */
    public static EchoServer startUnix(Path path) throws InterruptedException {
        return new EchoServer(path);
    }

    /** Returns the TCP port. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Returns how many connections were accepted. */
    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        groupRef().shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @io.netty.channel.ChannelHandler.Sharable
    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                    ((io.netty.channel.socket.DuplexChannel) ctx.channel()).shutdownOutput()
                            .addListener(ChannelFutureListener.CLOSE);
                });
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
