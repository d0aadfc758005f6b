// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.util.function.BooleanSupplier;

/**
 * Acknowledges what the server sent at once, instead of after the kernel's delayed-ACK timer, while we wait for an
 * answer from it (issue #14).
 *
 * <p>OpenSSH's {@code sshd} turns Nagle's algorithm off only for interactive sessions, not for port forwarding. So
 * when it has sent a small message that we have not acknowledged yet, it holds the next small one until our ACK
 * comes. Our kernel delays that ACK by 40 ms or more once the connection runs request and answer (Linux's
 * "pingpong" mode), unless we send data it can ride on. Such a hold cost every setup on loopback 40 ms: mostly
 * the server's host keys ({@code hostkeys-00@openssh.com}, sent after authentication, which we do not answer)
 * held back the confirmation of our first channel; in some setups a {@code SERVICE_ACCEPT} held back the answer
 * to the authentication request that followed it.
 *
 * <p>After each socket read loop, while {@link #awaitingReplyWhile the layer above} says an answer is due (the
 * whole handshake and authentication; then while a channel open, a global request or a channel request with
 * want-reply is outstanding), this sets Linux's {@code TCP_QUICKACK}, which sends a pending ACK now and leaves
 * the pingpong mode. At other times, a bulk download for one, the kernel's usual delayed ACKs stay: one ACK per two
 * segments, and fewer wake-ups of the server. The option exists with Netty's native epoll transport only; elsewhere
 * this handler does nothing.
 */
public final class PromptAcks extends ChannelInboundHandlerAdapter {

    /** The name of Netty's {@code EpollChannelOption.TCP_QUICKACK} ({@code ChannelOption.valueOf(Class, String)}). */
    static final String QUICKACK = "io.netty.channel.epoll.EpollChannelOption#TCP_QUICKACK";

    private ChannelOption<Boolean> quickAck;
    /** Until the connection layer says otherwise: the handshake and authentication, each step an answer awaited. */
    private BooleanSupplier awaitingReply = () -> true;

    /**
     * Sets what says whether an answer from the server is due; called on the channel's event loop, as the supplier
     * is.
     */
    public void awaitingReplyWhile(BooleanSupplier awaitingReply) {
        this.awaitingReply = awaitingReply;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ChannelOption.exists(QUICKACK)) {
            ChannelOption<Boolean> option = (ChannelOption<Boolean>) (ChannelOption<?>) ChannelOption.valueOf(QUICKACK);
            // Supported by this channel's configuration (epoll's): it reads the option back; others return null.
            if (ctx.channel().config().getOption(option) != null) {
                quickAck = option;
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (quickAck != null && awaitingReply.getAsBoolean()) {
            ctx.channel().config().setOption(quickAck, true);
        }
        ctx.fireChannelReadComplete();
    }
}
