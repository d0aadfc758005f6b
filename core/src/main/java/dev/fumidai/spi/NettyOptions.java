// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import dev.fumidai.JumpHost;
import dev.fumidai.internal.JumpHostAccess;
import io.netty.channel.EventLoopGroup;

/**
 * Sets the Netty-level options of a {@link JumpHost.Builder}, which itself takes JDK types only (a thread count,
 * an {@link java.util.concurrent.Executor}). For applications that already run Netty and want the tunnels on their
 * own event loops.
 *
 * <pre>{@code
 * JumpHost jh = NettyOptions.eventLoopGroup(JumpHost.builder().route(route).actor("svc:x"), myGroup).build();
 * }</pre>
 */
public final class NettyOptions {

    private NettyOptions() {
    }

    /**
     * Makes the JumpHost borrow {@code group} instead of creating event loops: it runs every channel there and
     * never shuts it down. The caller owns the group and shuts it down after closing the JumpHost. The group must
     * run NIO or epoll I/O.
     *
     * @return {@code builder}, for chaining
     */
    public static JumpHost.Builder eventLoopGroup(JumpHost.Builder builder, EventLoopGroup group) {
        JumpHostAccess.setGroup(builder, group);
        return builder;
    }
}
