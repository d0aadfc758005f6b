// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * States the contract every stream channel from {@link HopSession#open} and {@link StreamOpener#open} keeps.
 *
 * <ul>
 *   <li>It is registered and active when handed out; {@code autoRead} is off and the pipeline holds no
 *       user handler, so no byte is lost before the caller installs its own.</li>
 *   <li>Inbound messages are {@code ByteBuf}s; the handler that consumes one releases it.</li>
 *   <li>When the peer sends EOF the channel fires {@code ChannelInputShutdownEvent.INSTANCE} and then
 *       {@code ChannelInputShutdownReadComplete.INSTANCE} if {@code ChannelOption.ALLOW_HALF_CLOSURE} is on;
 *       otherwise it closes.</li>
 *   <li>It implements {@code io.netty.channel.socket.DuplexChannel}: {@code shutdownOutput()} sends EOF
 *       while reading goes on.</li>
 *   <li>{@code isWritable()} follows the transport's flow control (an SSH window, smux credit, socket buffer):
 *       a writer that stops while it is false never grows memory.</li>
 *   <li>When the stream closes because of a failure (session broke, peer reset), the cause is set in
 *       {@link #CLOSE_CAUSE} before {@code closeFuture()} completes.</li>
 * </ul>
 */
public final class StreamChannels {

    /** Holds why a stream channel closed, when it did not close normally. */
    public static final AttributeKey<Throwable> CLOSE_CAUSE = AttributeKey.valueOf("fumidai.closeCause");

    /** Names the handler that drops read requests once the input has ended; installed by {@link #hold}. */
    public static final String READ_GUARD = "fumidai-read-guard";

    /** Names the handler that holds early input; see {@link #hold} and {@link #release}. */
    public static final String HOLD_HANDLER = "fumidai-hold";

    private StreamChannels() {
    }

    /**
     * Installs a handler that keeps whatever the channel delivers before its consumer is ready. Some transports
     * read even with {@code autoRead} off (Netty's epoll reads on {@code EPOLLRDHUP}), so every channel handed
     * out as a stream gets one. Call from the channel's initializer.
     */
    public static void hold(Channel ch) {
        if (ch.pipeline().get(HOLD_HANDLER) == null) {
            ch.pipeline().addFirst(HOLD_HANDLER, new HoldHandler());
        }
        if (ch.pipeline().get(READ_GUARD) == null) {
            ch.pipeline().addFirst(READ_GUARD, new ReadGuard());
        }
    }

    /**
     * Removes the holding handler after the consumer added its own handlers, replaying what it kept (reads, then
     * user events such as EOF, then inactivity) to them in order. Does nothing when there is none. Call it, or
     * lose what arrived early.
     */
    public static void release(Channel ch) {
        if (ch.eventLoop().inEventLoop()) {
            if (ch.pipeline().get(HOLD_HANDLER) != null) {
                ch.pipeline().remove(HOLD_HANDLER);
            }
        } else {
            ch.eventLoop().execute(() -> release(ch));
        }
    }

    /**
     * Keeps early reads and events until {@link #release} removes it.
     *
     * <h2>Reference counting</h2>
     * Kept buffers, and events that hold buffers, are passed on when released, or released here if the channel
     * closes first.
     */
    private static final class HoldHandler extends ChannelInboundHandlerAdapter {
        private final List<Object> reads = new ArrayList<>();
        private final List<Object> events = new ArrayList<>();
        private boolean inactive;
        private Throwable failure;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reads.add(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Replayed once on release.
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive = true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (ctx.channel().isRegistered() && (ctx.channel().isOpen() || inactive)) {
                for (Object m : reads) {
                    ctx.fireChannelRead(m);
                }
                if (!reads.isEmpty()) {
                    ctx.fireChannelReadComplete();
                }
                for (Object e : events) {
                    ctx.fireUserEventTriggered(e);
                }
                if (failure != null) {
                    ctx.fireExceptionCaught(failure);
                }
                if (inactive) {
                    ctx.fireChannelInactive();
                }
            } else {
                reads.forEach(ReferenceCountUtil::release);
                // Events may hold buffers too (an SSH channel's stderr arrives as a ByteBufHolder event).
                events.forEach(ReferenceCountUtil::release);
            }
            reads.clear();
            events.clear();
        }
    }

    /**
     * Drops {@code read()} once the channel's input has ended. Netty's epoll transport takes a channel whose
     * input was shut out of its epoll set, and a read requested before that (from another thread, say) but run
     * after it fails with {@code epoll_ctl ... ENOENT} and closes the channel, losing the data still to be
     * written. Checking when the request runs, on the event loop, leaves no window.
     */
    private static final class ReadGuard extends ChannelOutboundHandlerAdapter {
        @Override
        public void read(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            if (ch instanceof DuplexChannel && ((DuplexChannel) ch).isInputShutdown()) {
                return;
            }
            ctx.read();
        }
    }
}
