// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.stream;

import dev.fumidai.CommandExit;
import dev.fumidai.RemoteCommand;
import dev.fumidai.spi.ExecCapableSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Implements {@link RemoteCommand} over an exec channel: a {@link StreamBridge} for standard input and output,
 * and a queue of standard error buffers fed by the channel's {@link ByteBufHolder} user events.
 *
 * <h2>Reference counting</h2>
 * Standard error events are kept as received and released (the event, not only its buffer) as the application
 * reads past them, or when the stream is closed.
 *
 * <h2>Back-pressure</h2>
 * Standard output: see {@link StreamBridge}. Standard error: the transport returns its window when an event is
 * released (an SSH channel does, issue #10), so this queue holds at most one receive window while the
 * application does not read, and the server waits, as for standard output. As a guard against a transport that
 * returns the window on arrival, the queue holds at most {@link #MAX_STDERR_BYTES}: beyond that the command is
 * ended and reading standard error fails, rather than letting a peer grow the heap.
 */
public final class RemoteCommandImpl implements RemoteCommand {

    /** Bounds the unread standard error kept here: 8 MiB, four default SSH windows (2 MiB each). */
    public static final int MAX_STDERR_BYTES = 8 * 1024 * 1024;

    private final String command;
    private final Channel channel;
    private final StreamBridge bridge;
    private final CompletableFuture<CommandExit> exit;
    private final StderrQueue stderr = new StderrQueue();

    /**
     * Wraps a started command; the channel must still be held ({@link dev.fumidai.spi.StreamChannels#hold}).
     * {@code where} names the hop in the streams' exceptions.
     */
    public RemoteCommandImpl(String command, ExecCapableSession.ExecChannel exec, String where,
            java.util.concurrent.Executor callbacks) {
        this.command = command;
        this.channel = exec.channel();
        // The transport completes its exit future on the connection's event loop; the application's callbacks
        // run on the JumpHost's callback executor instead, where they may block (issue 16).
        this.exit = new CompletableFuture<>();
        exec.exit().whenComplete((status, failure) -> {
            Runnable complete = () -> {
                if (failure != null) {
                    exit.completeExceptionally(failure);
                } else {
                    exit.complete(status);
                }
            };
            try {
                callbacks.execute(complete);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                complete.run(); // the executor is shut down: complete here rather than never
            }
        });
        // Before the bridge, so standard error events stop here instead of reaching the pipeline's tail.
        channel.pipeline().addLast("fumidai-stderr", stderr);
        this.bridge = StreamBridge.install(channel, false, where);
    }

    @Override
    public String command() {
        return command;
    }

    @Override
    public OutputStream stdin() {
        return bridge.outputStream();
    }

    @Override
    public InputStream stdout() {
        return bridge.inputStream();
    }

    @Override
    public InputStream stderr() {
        return stderr.input;
    }

    @Override
    public CompletableFuture<CommandExit> exit() {
        return exit;
    }

    @Override
    public long bufferedBytes() {
        return bridge.queuedBytes() + stderr.queued();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        bridge.releaseQueue();
        stderr.discard();
    }

    @Override
    public String toString() {
        return "RemoteCommand[" + channel + "]";
    }

    /** Collects standard error events; the event loop enqueues, application threads read. */
    private final class StderrQueue extends ChannelInboundHandlerAdapter {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition readable = lock.newCondition();
        private final ArrayDeque<ByteBufHolder> queue = new ArrayDeque<>();
        private long queued;
        private boolean done;
        private boolean discarded;
        private IOException failure;
        final InputStream input = new Input();

        long queued() {
            lock.lock();
            try {
                return queued;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof ByteBufHolder holder)) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            ByteBuf data = holder.content();
            boolean overflow = false;
            lock.lock();
            try {
                if (discarded || done || !data.isReadable()) {
                    holder.release();
                    return;
                }
                if (queued + data.readableBytes() > MAX_STDERR_BYTES) {
                    holder.release();
                    failure = new IOException("more than " + MAX_STDERR_BYTES
                            + " bytes of unread standard error; the command was ended");
                    overflow = true;
                } else {
                    queue.add(holder);
                    queued += data.readableBytes();
                }
                readable.signalAll();
            } finally {
                lock.unlock();
            }
            if (overflow) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            finish();
        }

        private void finish() {
            lock.lock();
            try {
                done = true;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void discard() {
            lock.lock();
            try {
                discarded = true;
                ByteBufHolder h;
                while ((h = queue.poll()) != null) {
                    h.release();
                }
                queued = 0;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private final class Input extends InputStream {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                lock.lock();
                try {
                    while (queue.isEmpty()) {
                        if (discarded) {
                            throw new IOException("standard error stream closed");
                        }
                        if (failure != null) {
                            throw failure;
                        }
                        if (done) {
                            return -1;
                        }
                        try {
                            readable.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("interrupted while reading standard error");
                        }
                    }
                    ByteBuf head = queue.peek().content();
                    int n = Math.min(len, head.readableBytes());
                    head.readBytes(b, off, n);
                    queued -= n;
                    if (!head.isReadable()) {
                        queue.poll().release();
                    }
                    return n;
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public int available() {
                return (int) Math.min(Integer.MAX_VALUE, queued());
            }

            @Override
            public void close() {
                discard();
            }
        }
    }
}
