// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Picks the Netty channel classes that fit an event loop group: epoll when the native transport is available
 * and the group runs it, NIO otherwise.
 */
public final class NettyTransport {

    private final boolean epoll;

    private NettyTransport(boolean epoll) {
        this.epoll = epoll;
    }

    /** Creates a group of daemon event loops: epoll when available, else NIO. */
    public static EventLoopGroup newGroup(int threads, String name) {
        return newGroup(threads, name, null);
    }

    /**
     * Creates a group of {@code threads} event loops: on daemon threads of its own, or, given an executor, each
     * loop on one thread the executor supplies (held until the group shuts down). Epoll when available, else NIO.
     */
    public static EventLoopGroup newGroup(int threads, String name, java.util.concurrent.Executor executor) {
        io.netty.channel.IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory()
                : NioIoHandler.newFactory();
        if (executor != null) {
            return new MultiThreadIoEventLoopGroup(threads, executor, io);
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
    }

    /** Returns the transport that fits a group. */
    public static NettyTransport of(EventLoopGroup group) {
        boolean e = Epoll.isAvailable() && group instanceof IoEventLoopGroup
                && ((IoEventLoopGroup) group).isIoType(EpollIoHandler.class);
        return new NettyTransport(e);
    }

    /** Returns whether this is the native epoll transport. */
    public boolean isEpoll() {
        return epoll;
    }

    /** Returns the TCP client channel class. */
    public Class<? extends Channel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Returns the TCP server channel class. */
    public Class<? extends ServerChannel> serverSocketChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Returns the Unix domain socket client channel class. */
    public Class<? extends Channel> domainSocketChannel() {
        return epoll ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
    }

    /** Returns the Unix domain socket server channel class. */
    public Class<? extends ServerChannel> serverDomainSocketChannel() {
        return epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
    }

    /** Returns the address type this transport's domain sockets take. */
    public SocketAddress unixAddress(String path) {
        return epoll ? new DomainSocketAddress(path) : UnixDomainSocketAddress.of(path);
    }
}
