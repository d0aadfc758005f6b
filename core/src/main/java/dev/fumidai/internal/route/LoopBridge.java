// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.route;

import dev.fumidai.spi.AbstractStreamChannel;
import dev.fumidai.spi.StreamChannels;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a stream channel onto another event loop, so that the hop whose transport runs over it (the second hop's
 * SSH connection over a {@code direct-tcpip} channel of the first) does its packet codec and crypto on a loop of
 * its own instead of on the loop of the hop before it (issue 14: two hops on one loop use one core).
 *
 * <p>{@link #bridge} wraps the upstream stream (the <em>inner</em> channel, on loop X) in an <em>outer</em> stream
 * channel registered on loop Y that keeps the {@link StreamChannels} contract. Bytes written to the outer channel
 * are written to the inner one on X; bytes the inner channel reads are delivered by the outer one on Y.
 *
 * <h2>Threading</h2>
 * Each side's state is confined to its loop. Each direction is one mailbox: the sending loop collects messages
 * (buffers, EOF, close, credit) in a list of its own and publishes them once per turn of its loop (a task it posts
 * to itself, which runs after the I/O of that turn), so a batch of socket reads or a flush crosses the boundary as
 * one task, not one task per packet; the receiving loop is woken only when no delivery task is pending already.
 *
 * <h2>Back-pressure</h2>
 * Outbound, the outer channel takes at most {@code outLimit} bytes that the inner channel has not yet accepted
 * (its write promise not completed: for an SSH channel, not yet sent within the window); the rest stays in the
 * outer channel's outbound buffer, so {@code isWritable()} on Y follows the inner channel's flow control.
 * Inbound, the inner channel stops reading ({@code autoRead} off, which stops its window adjusts) while more than
 * {@code inLimit} bytes are handed over and not yet read by the outer channel's pipeline, and resumes below half.
 *
 * <h2>Closing</h2>
 * Order is kept per direction: the inner channel's EOF reaches the outer pipeline after the data before it, its
 * close after that (at once, dropping queued data, when it closed with a {@link StreamChannels#CLOSE_CAUSE}, as the
 * inner channel itself drops); the outer channel's {@code shutdownOutput()} shuts the inner channel's output once
 * its earlier writes are accepted; closing the outer channel closes the inner one after writing what was taken.
 *
 * <h2>Reference counting</h2>
 * Buffers cross as they are, without copies: inbound buffers pass from the inner pipeline to the outer one;
 * outbound, the outer channel hands retained slices of its outbound messages to {@code inner.write}, which
 * releases them. A message that can no longer be delivered (a loop shut down, a side closed) is released.
 */
public final class LoopBridge {

    private static final Logger LOG = LoggerFactory.getLogger(LoopBridge.class);

    /**
     * Bytes in flight across the boundary per direction: 1 MiB, 32 SSH packets of 32 KiB. A loop that the OS
     * deschedules for a time slice (a few ms on a busy machine) must not starve the other: at 300 MiB/s, 1 MiB
     * covers about 3 ms. Still below one SSH channel window (2 MiB), and held only while the stream is busy.
     */
    static final int DEFAULT_LIMIT = 1024 * 1024;

    /** Names the handler in the inner channel's pipeline. */
    public static final String HANDLER_NAME = "fumidai-loop-bridge";

    private static final Object EOF = new Object() {
        @Override
        public String toString() {
            return "EOF";
        }
    };
    private static final Object RESUME_READ = new Object();
    private static final Object CLOSE = new Object();

    /** The inner channel closed; {@code cause} is its recorded failure, if any. */
    private record Closed(@Nullable Throwable cause) {
    }

    /** The inner channel accepted this many bytes: the outer may take as many more. */
    private record Credit(long bytes) {
    }

    private LoopBridge() {
    }

    /**
     * Picks a loop of {@code group} for a transport that runs over {@code upstream}: in round-robin order, one that
     * neither the upstream nor the channels it runs over are on (so with three hops on four loops each hop has its
     * own), else one other than the upstream's own loop.
     *
     * @return the loop, or {@code null} when the group has no other loop (one thread) or the upstream is not on one
     *     of its loops
     */
    public static @Nullable EventLoop pick(EventLoopGroup group, Channel upstream) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            if (e instanceof EventLoop l) {
                loops.add(l);
            }
        }
        if (loops.size() < 2 || !loops.contains(upstream.eventLoop())) {
            return null;
        }
        Set<EventLoop> used = new HashSet<>();
        for (Channel c = upstream; c != null; c = c.parent()) {
            if (c.isRegistered()) {
                used.add(c.eventLoop());
            }
        }
        EventLoop other = null;
        for (int i = 0; i < loops.size() * 2; i++) {
            EventLoop l = group.next();
            if (!used.contains(l)) {
                return l;
            }
            if (other == null && l != upstream.eventLoop()) {
                other = l;
            }
        }
        if (other == null) {
            for (EventLoop l : loops) {
                if (l != upstream.eventLoop()) {
                    return l;
                }
            }
        }
        return other;
    }

    /**
     * Wraps {@code inner} (a stream channel keeping the {@link StreamChannels} contract, on any thread's loop) in a
     * stream channel on {@code loop}. The inner channel belongs to the bridge from then on: close the outer one.
     *
     * @return the outer channel, registered, active, {@code autoRead} off and holding early input; failed (and the
     *     inner channel closed) when {@code loop} refuses the registration
     */
    public static CompletableFuture<Channel> bridge(Channel inner, EventLoop loop) {
        return bridge(inner, loop, DEFAULT_LIMIT, DEFAULT_LIMIT);
    }

    /** Wraps {@code inner} as {@link #bridge(Channel, EventLoop)} does, with the given limits (tests use small ones). */
    static CompletableFuture<Channel> bridge(Channel inner, EventLoop loop, int inLimit, int outLimit) {
        if (inLimit < 1 || outLimit < 1) {
            throw new IllegalArgumentException("limits must be positive: " + inLimit + ", " + outLimit);
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        Outer outer = new Outer(inner, inLimit, outLimit);
        StreamChannels.hold(outer);
        ChannelFuture registered;
        try {
            registered = loop.register(outer);
        } catch (RuntimeException e) {
            inner.close();
            result.completeExceptionally(e);
            return result;
        }
        registered.addListener(f -> {
            if (!f.isSuccess()) {
                inner.close();
                result.completeExceptionally(f.cause());
                return;
            }
            outer.connectMailboxes();
            try {
                inner.eventLoop().execute(() -> {
                    outer.innerSide.install();
                    result.complete(outer);
                });
            } catch (RejectedExecutionException e) {
                outer.close();
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Carries messages from one loop to another: collected on the sending loop, published once per turn of it,
     * delivered on the receiving loop by one task for all that is queued.
     */
    private static final class Mailbox implements Runnable {
        private final EventLoop from;
        private final EventLoop to;
        private final Consumer<Object> receiver;
        private final Runnable afterBatch;
        private final Runnable beforePublish;
        /** Sending loop only. */
        private final List<Object> batch = new ArrayList<>();
        /** Sending loop only. */
        private boolean publishPending;
        private final Runnable publishTask = this::publish;
        private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean deliveryPending = new AtomicBoolean();

        Mailbox(EventLoop from, EventLoop to, Runnable beforePublish, Consumer<Object> receiver, Runnable afterBatch) {
            this.from = from;
            this.to = to;
            this.beforePublish = beforePublish;
            this.receiver = receiver;
            this.afterBatch = afterBatch;
        }

        /** Queues a message on the sending loop; it leaves with the rest of this turn's batch. */
        void add(Object m) {
            batch.add(m);
            schedulePublish();
        }

        /** Makes sure this turn's batch is published (for messages made by {@code beforePublish}). */
        void schedulePublish() {
            if (publishPending) {
                return;
            }
            publishPending = true;
            try {
                from.execute(publishTask);
            } catch (RejectedExecutionException e) {
                // The sending loop is shutting down: publish now rather than lose (and leak) the batch.
                publish();
            }
        }

        private void publish() {
            publishPending = false;
            beforePublish.run();
            if (batch.isEmpty()) {
                return;
            }
            queue.addAll(batch);
            batch.clear();
            if (deliveryPending.compareAndSet(false, true)) {
                try {
                    to.execute(this);
                } catch (RejectedExecutionException e) {
                    // The receiving loop is gone (the JumpHost is closing): nobody will read these.
                    deliveryPending.set(false);
                    discard();
                }
            }
        }

        @Override
        public void run() {
            // Cleared first: a message published after this line schedules another run, one before it is seen here.
            deliveryPending.set(false);
            Object m;
            boolean any = false;
            while ((m = queue.poll()) != null) {
                any = true;
                receiver.accept(m);
            }
            if (any) {
                afterBatch.run();
            }
        }

        private void discard() {
            Object m;
            while ((m = queue.poll()) != null) {
                ReferenceCountUtil.release(m);
            }
        }
    }

    /** Is the stream channel on the new loop that hop's transport uses. */
    private static final class Outer extends AbstractStreamChannel {
        private final Channel inner;
        private final int outLimit;
        private final InnerSide innerSide;
        /** Bytes taken by {@link #writeBytes} and not yet accepted by the inner channel; this loop only. */
        private long outInFlight;
        /** Set on registration, before the channel is handed out. */
        private Mailbox toInner;

        Outer(Channel inner, int inLimit, int outLimit) {
            super(inner);
            this.inner = inner;
            this.outLimit = outLimit;
            this.innerSide = new InnerSide(this, inner, inLimit);
            markActive();
        }

        /** Sets up both mailboxes once registered, before anything can cross; this loop. */
        void connectMailboxes() {
            toInner = new Mailbox(eventLoop(), inner.eventLoop(), () -> { }, innerSide::receive, innerSide::afterBatch);
            innerSide.toOuter = new Mailbox(inner.eventLoop(), eventLoop(), innerSide::publishCredit, this::receive,
                    () -> { });
        }

        // ---- outbound: this loop ----

        @Override
        protected int writeBytes(ByteBuf buf) {
            long room = outLimit - outInFlight;
            if (room <= 0) {
                return 0;
            }
            int n = (int) Math.min(room, buf.readableBytes());
            toInner.add(buf.retainedSlice(buf.readerIndex(), n));
            outInFlight += n;
            return n;
        }

        @Override
        protected void doSendEof() {
            toInner.add(EOF);
        }

        @Override
        protected void doCloseStream() {
            if (toInner == null) {
                // Closed before its registration completed (it failed, or the loop is shutting down).
                inner.close();
                return;
            }
            toInner.add(CLOSE);
        }

        @Override
        protected void onInboundConsumed(int bytes) {
            innerSide.consumed(bytes);
        }

        // ---- inbound, from the inner loop: this loop ----

        private void receive(Object m) {
            if (m instanceof ByteBuf b) {
                deliver(b); // releases it when this channel is closed
            } else if (m == EOF) {
                deliverEof();
            } else if (m instanceof Closed c) {
                if (c.cause() != null) {
                    closeWithCause(c.cause());
                } else {
                    deliverClose();
                }
            } else if (m instanceof Credit c) {
                outInFlight -= c.bytes();
                if (isOpen()) {
                    resumeWrites();
                }
            }
        }

        @Override
        public String toString() {
            return "LoopBridge[" + inner + "]";
        }
    }

    /** Is the bridge's end in the inner channel's pipeline; its fields belong to the inner channel's loop. */
    private static final class InnerSide extends ChannelInboundHandlerAdapter {
        private final Outer outer;
        private final Channel inner;
        private final int inLimit;
        /** Bytes handed to the outer channel and not yet read by its pipeline; both loops. */
        private final AtomicLong inFlight = new AtomicLong();
        /** Set while the inner channel does not read because of {@link #inFlight}; both loops. */
        private final AtomicBoolean readPaused = new AtomicBoolean();
        Mailbox toOuter;
        private boolean closedSent;
        private boolean flushNeeded;
        private @Nullable ChannelFuture lastWrite;
        /** Credit earned during this turn, published with the batch. */
        private long credit;

        InnerSide(Outer outer, Channel inner, int inLimit) {
            this.outer = outer;
            this.inner = inner;
            this.inLimit = inLimit;
        }

        @Override
        public boolean isSharable() {
            return false;
        }

        /** Puts this handler after the holding handler, replays what it held and starts reading; inner loop. */
        void install() {
            inner.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            inner.pipeline().addLast(HANDLER_NAME, this);
            StreamChannels.release(inner);
            if (!inner.isActive()) {
                sendClosed();
                return;
            }
            inner.config().setAutoRead(true);
            LOG.debug("{} bridged from {} to {}", inner, inner.eventLoop(), outer.eventLoop());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf b) || closedSent) {
                ReferenceCountUtil.release(msg);
                return;
            }
            int n = b.readableBytes();
            if (n == 0) {
                b.release();
                return;
            }
            toOuter.add(b);
            if (inFlight.addAndGet(n) > inLimit) {
                pauseReading();
            }
        }

        private void pauseReading() {
            inner.config().setAutoRead(false);
            readPaused.set(true);
            // The outer loop may have read everything between the add and the flag: look again.
            if (inFlight.get() <= inLimit / 2 && readPaused.compareAndSet(true, false)) {
                inner.config().setAutoRead(true);
            }
        }

        /** Counts bytes the outer pipeline read; outer loop. */
        void consumed(int bytes) {
            if (inFlight.addAndGet(-bytes) <= inLimit / 2 && readPaused.compareAndSet(true, false)) {
                outer.toInner.add(RESUME_READ);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                if (!closedSent) {
                    toOuter.add(EOF);
                }
            } else if (!(evt instanceof ChannelInputShutdownReadComplete)) {
                ctx.fireUserEventTriggered(evt); // the tail releases what it holds
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            sendClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("{}: {}", inner, cause.toString());
            if (inner.attr(StreamChannels.CLOSE_CAUSE).get() == null) {
                inner.attr(StreamChannels.CLOSE_CAUSE).set(cause);
            }
            inner.close();
        }

        private void sendClosed() {
            if (closedSent) {
                return;
            }
            closedSent = true;
            Throwable cause = inner.attr(StreamChannels.CLOSE_CAUSE).get();
            toOuter.add(new Closed(cause));
        }

        /** Adds the credit earned this turn to the batch about to be published; inner loop. */
        void publishCredit() {
            if (credit > 0) {
                toOuter.batch.add(new Credit(credit));
                credit = 0;
            }
        }

        private void accepted(int n) {
            credit += n;
            toOuter.schedulePublish();
        }

        /** Acts on one message from the outer loop; inner loop. */
        void receive(Object m) {
            if (m instanceof ByteBuf b) {
                int n = b.readableBytes();
                ChannelPromise p = inner.newPromise();
                // Credit returns whether or not the write succeeded: a failed write means a closed inner channel,
                // whose close reaches the outer channel anyway.
                p.addListener(f -> accepted(n));
                lastWrite = p;
                inner.write(b, p);
                flushNeeded = true;
            } else if (m == EOF) {
                flush();
                ChannelFuture last = lastWrite;
                if (last == null || last.isDone()) {
                    shutdownOutput();
                } else {
                    last.addListener(f -> shutdownOutput());
                }
            } else if (m == CLOSE) {
                flush();
                inner.close();
            } else if (m == RESUME_READ) {
                if (inner.isOpen()) {
                    inner.config().setAutoRead(true);
                }
            }
        }

        void afterBatch() {
            flush();
        }

        private void flush() {
            if (flushNeeded) {
                flushNeeded = false;
                inner.flush();
            }
        }

        private void shutdownOutput() {
            if (inner instanceof DuplexChannel d) {
                d.shutdownOutput();
            } else {
                inner.close();
            }
        }
    }
}
