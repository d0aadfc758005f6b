// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.relay;

import dev.fumidai.internal.stream.StreamBridge;
import dev.fumidai.spi.StreamChannels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Joins two channels so that bytes flow both ways, with back-pressure and half-close.
 *
 * <h2>Back-pressure</h2>
 * When the destination channel is not writable, the source stops reading ({@code autoRead} off); it reads again
 * when the destination becomes writable. So at most one read's worth beyond the destination's high water mark
 * is ever buffered: never an unbounded buffer. Each pause and resume of a side is reported once to the
 * {@link BackPressure} watcher, in strict alternation; a side still paused when the relay ends is reported resumed
 * then.
 *
 * <h2>Half-close</h2>
 * When one side's input ends (EOF, {@code ChannelInputShutdownEvent}), the other side's output is shut after
 * every byte written before it has been flushed; the other direction keeps flowing. When both directions have
 * ended, or either channel closes, both are closed (after pending writes are flushed).
 *
 * <h2>Reference counting</h2>
 * Every buffer read from one side is written to the other, which releases it.
 *
 * <h2>Threading</h2>
 * The two channels may live on different event loops. Counters are atomic; {@link #done()} completes on
 * whichever loop closed last.
 *
 * <h2>Channels</h2>
 * Both channels must have {@code ALLOW_HALF_CLOSURE} on for half-close to work; without it a side's EOF closes
 * it and the relay closes the other side.
 */
public final class Relay {

    /** Says which side ended the relay first. */
    public enum Ender {
        /** The first channel (the client side, e.g. the accepted local socket). */
        FIRST,
        /** The second channel (the tunnel side). */
        SECOND,
        /** The application closed the relay. */
        LOCAL
    }

    /** Reports how a relay ended. */
    public record Result(long firstToSecond, long secondToFirst, Ender endedBy, Throwable cause) {
    }

    /**
     * Hears when a side stops reading because the other side is not writable, and when it reads again. Called on
     * event loops (either channel's); must be quick and must not throw.
     */
    public interface BackPressure {
        /** Ignores every change. */
        BackPressure NONE = new BackPressure() {
            @Override
            public void paused(Ender reader) {
            }

            @Override
            public void resumed(Ender reader) {
            }
        };

        /** {@code reader} ({@link Ender#FIRST} or {@link Ender#SECOND}) stopped reading. */
        void paused(Ender reader);

        /** {@code reader} reads again, or the relay ended while it was paused. */
        void resumed(Ender reader);
    }

    private final Channel first;
    private final Channel second;
    private final AtomicLong firstToSecond = new AtomicLong();
    private final AtomicLong secondToFirst = new AtomicLong();
    private final AtomicReference<Ender> endedBy = new AtomicReference<>();
    private final AtomicReference<Throwable> cause = new AtomicReference<>();
    private final AtomicBoolean firstInputDone = new AtomicBoolean();
    private final AtomicBoolean secondInputDone = new AtomicBoolean();
    /** Whether the first (second) channel's reads are paused for back-pressure, as last reported. */
    private final AtomicBoolean firstPaused = new AtomicBoolean();
    private final AtomicBoolean secondPaused = new AtomicBoolean();
    private final CompletableFuture<Result> done = new CompletableFuture<>();
    private final BackPressure watcher;

    private Relay(Channel first, Channel second, BackPressure watcher) {
        this.first = first;
        this.second = second;
        this.watcher = watcher;
    }

    /**
     * Joins two active channels and starts reading on both.
     *
     * @param first the client side (bytes it sends count as "up")
     * @param second the tunnel side
     */
    public static Relay join(Channel first, Channel second) {
        return join(first, second, BackPressure.NONE);
    }

    /**
     * Joins two active channels, as {@link #join(Channel, Channel)} does, telling {@code watcher} when either side
     * pauses and resumes for back-pressure.
     */
    public static Relay join(Channel first, Channel second, BackPressure watcher) {
        Relay r = new Relay(first, second, java.util.Objects.requireNonNull(watcher, "watcher"));
        // Half-close must survive a peer's EOF (StreamChannels: without it the channel closes and drops writes
        // still pending toward that peer). Sockets from core already have it; hop stream channels default off.
        first.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        second.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        first.pipeline().addLast("fumidai-relay", r.new Side(second, r.firstToSecond, r.firstInputDone, Ender.FIRST));
        second.pipeline().addLast("fumidai-relay", r.new Side(first, r.secondToFirst, r.secondInputDone,
                Ender.SECOND));
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        first.closeFuture().addListener(f -> {
            r.endedBy.compareAndSet(null, Ender.FIRST);
            closeAfterFlush(second);
            a.complete(null);
        });
        second.closeFuture().addListener(f -> {
            r.endedBy.compareAndSet(null, Ender.SECOND);
            closeAfterFlush(first);
            b.complete(null);
        });
        CompletableFuture.allOf(a, b).whenComplete((v, t) -> {
            r.resumed(r.firstPaused, Ender.FIRST); // a pause ends with the relay at the latest
            r.resumed(r.secondPaused, Ender.SECOND);
            r.done.complete(new Result(r.firstToSecond.get(), r.secondToFirst.get(), r.endedBy.get(), r.cause.get()));
        });
        StreamChannels.release(first);
        StreamChannels.release(second);
        enableRead(first);
        enableRead(second);
        return r;
    }

    /** Returns a future completed with the byte counts once both channels are closed. */
    public CompletableFuture<Result> done() {
        return done;
    }

    /** Returns bytes relayed from the first channel to the second so far. */
    public long firstToSecond() {
        return firstToSecond.get();
    }

    /** Returns bytes relayed from the second channel to the first so far. */
    public long secondToFirst() {
        return secondToFirst.get();
    }

    /** Closes both channels; the result says {@link Ender#LOCAL}. */
    public void close() {
        endedBy.compareAndSet(null, Ender.LOCAL);
        first.close();
        second.close();
    }

    /**
     * Reports a pause of {@code reader} once, however many times reading was turned off. The flag's lock keeps the
     * report and the flag together: the two channels may be on different loops, and a resume on the other loop
     * must not be reported before the pause it ends. Taken only when the flag changes.
     */
    private void paused(AtomicBoolean flag, Ender reader) {
        if (flag.get()) {
            return;
        }
        synchronized (flag) {
            if (flag.compareAndSet(false, true)) {
                watcher.paused(reader);
            }
        }
    }

    /** Reports the end of a pause of {@code reader} once; nothing if it was not paused. */
    private void resumed(AtomicBoolean flag, Ender reader) {
        if (!flag.get()) {
            return;
        }
        synchronized (flag) {
            if (flag.compareAndSet(true, false)) {
                watcher.resumed(reader);
            }
        }
    }

    /**
     * Turns {@code autoRead} on unless the channel's input has ended: Netty's epoll transport removes a channel
     * whose input was shut from its epoll set, and asking it to read again then fails with {@code ENOENT}.
     */
    static void enableRead(Channel ch) {
        if (ch instanceof DuplexChannel && ((DuplexChannel) ch).isInputShutdown()) {
            return;
        }
        ch.config().setAutoRead(true);
    }

    /** Closes a channel once everything written before has been flushed. */
    static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    private final class Side extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final AtomicLong counter;
        private final AtomicBoolean inputDone;
        private final Ender self;
        private final Runnable flushTask = this::scheduledFlush;
        /** Whether a flush of the peer is scheduled on the (shared) event loop; touched on that loop only. */
        private boolean flushScheduled;

        Side(Channel peer, AtomicLong counter, AtomicBoolean inputDone, Ender self) {
            this.peer = peer;
            this.counter = counter;
            this.inputDone = inputDone;
            this.self = self;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf)) {
                ctx.fireChannelRead(msg);
                return;
            }
            ByteBuf buf = (ByteBuf) msg;
            counter.addAndGet(buf.readableBytes());
            if (!peer.isActive()) {
                buf.release();
                return;
            }
            peer.write(buf, peer.voidPromise());
            if (!peer.isWritable()) {
                AtomicBoolean mine = self == Ender.FIRST ? firstPaused : secondPaused;
                paused(mine, self); // reported before reading stops, so the resume that may follow is reported after
                ctx.channel().config().setAutoRead(false);
                // The peer may have turned writable between the check and now; re-check on its loop.
                peer.eventLoop().execute(() -> {
                    if (peer.isWritable() && !ctx.channel().config().isAutoRead() && !inputDone.get()) {
                        enableRead(ctx.channel());
                        resumed(mine, self);
                    }
                });
            }
        }

        /**
         * Flushes the peer, once per task of the event loop when both channels share it: a tunnel stream completes a
         * read per packet it delivers, and a flush each time meant one {@code send} to the local socket per packet
         * (issue #14). The flush then runs as the loop's next task, after the rest of this socket read's packets
         * have been written; the writes are already queued, so a close or shutdown that flushes first still sends
         * them in order.
         */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (peer.eventLoop() != ctx.channel().eventLoop()) {
                peer.flush();
            } else if (!flushScheduled) {
                flushScheduled = true;
                try {
                    peer.eventLoop().execute(flushTask);
                } catch (RejectedExecutionException e) {
                    flushScheduled = false; // the loop is shutting down: flush now
                    peer.flush();
                }
            }
            ctx.fireChannelReadComplete();
        }

        private void scheduledFlush() {
            flushScheduled = false;
            peer.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                // This side drained: let the peer read again (unless its input has ended).
                Relay other = Relay.this;
                AtomicBoolean peerInputDone = self == Ender.FIRST ? other.secondInputDone : other.firstInputDone;
                if (!peerInputDone.get()) {
                    enableRead(peer);
                    if (self == Ender.FIRST) {
                        resumed(secondPaused, Ender.SECOND);
                    } else {
                        resumed(firstPaused, Ender.FIRST);
                    }
                }
            } else {
                ctx.channel().flush();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputDone.set(true);
                endedBy.compareAndSet(null, self);
                AtomicBoolean otherDone = self == Ender.FIRST ? secondInputDone : firstInputDone;
                Channel me = ctx.channel();
                // EOF goes on to the peer after the data before it; once both directions ended, close both.
                StreamBridge.shutdownOutputAfterFlush(peer, () -> {
                    if (otherDone.get()) {
                        closeAfterFlush(peer);
                        closeAfterFlush(me);
                    }
                });
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
            cause.compareAndSet(null, t);
            endedBy.compareAndSet(null, self);
            ctx.close();
            peer.close();
        }
    }
}
