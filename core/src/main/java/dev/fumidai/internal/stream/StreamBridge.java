// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import dev.fumidai.TunnelException;
import dev.fumidai.spi.StreamChannels;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gives a stream channel a blocking {@link InputStream} and {@link OutputStream}, with bounded buffering.
 *
 * <h2>Threading</h2>
 * The handler methods run on the channel's event loop; the streams on application threads. They meet under one
 * lock; the event loop never waits on it for long (only to enqueue).
 *
 * <h2>Back-pressure</h2>
 * The channel's {@code autoRead} stays off: the bridge asks for the next read only while fewer than
 * {@link #HIGH_WATER} bytes wait unread, so memory stays bounded by that plus one read.
 *
 * <h2>Reference counting</h2>
 * Received buffers are released as they are consumed, or when the channel closes.
 *
 * <h2>Failure</h2>
 * A stream that broke throws a {@link TunnelException} naming the hop and target it was opened through and what
 * failed (the cause's message, or its type when it has none), never a bare "null".
 */
public final class StreamBridge extends ChannelInboundHandlerAdapter {

    /** Unread bytes past which the bridge stops asking the channel for more. */
    public static final int HIGH_WATER = 256 * 1024;

    private static final int MAX_WRITE_CHUNK = 64 * 1024;

    private final Channel channel;
    private final String where;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private long queued;
    private boolean eof;
    private boolean closed;
    private boolean readOutstanding;
    private volatile boolean closedByApplication;
    private Throwable failure;
    private volatile long readTimeoutMillis;
    private final Input input = new Input();
    private final Output output;

    /**
     * Installs a bridge at the end of an active channel's pipeline and starts reading.
     *
     * @param closeOnOutputClose whether closing the output stream closes the channel ({@code Socket} semantics)
     *     rather than only sending EOF
     */
    public static StreamBridge install(Channel channel, boolean closeOnOutputClose) {
        return install(channel, closeOnOutputClose, "stream " + channel);
    }

    /**
     * Installs a bridge as {@link #install(Channel, boolean)} does; {@code where} names the hop and target in
     * the messages of its exceptions, as {@code dev.fumidai.spi.Hops#describe} writes it.
     */
    public static StreamBridge install(Channel channel, boolean closeOnOutputClose, String where) {
        StreamBridge b = new StreamBridge(channel, closeOnOutputClose, where);
        channel.config().setAutoRead(false);
        // Keep writing after the far side's EOF: without half-closure a hop stream channel closes on EOF and
        // drops what is still queued toward it.
        channel.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
        channel.pipeline().addLast("fumidai-stream", b);
        StreamChannels.release(channel);
        b.requestRead();
        return b;
    }

    private StreamBridge(Channel channel, boolean closeOnOutputClose, String where) {
        this.channel = channel;
        this.where = java.util.Objects.requireNonNull(where, "where");
        this.output = new Output(closeOnOutputClose);
    }

    /** Returns the blocking input stream. */
    public InputStream inputStream() {
        return input;
    }

    /** Returns the blocking output stream. */
    public OutputStream outputStream() {
        return output;
    }

    /** Sets the read timeout in milliseconds; 0 waits forever. */
    public void setReadTimeoutMillis(long millis) {
        this.readTimeoutMillis = millis;
    }

    /** Returns the read timeout in milliseconds. */
    public long readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** Returns bytes received so far. */
    public long bytesReceived() {
        return received.get();
    }

    /** Returns bytes written so far. */
    public long bytesSent() {
        return sent.get();
    }

    /** Returns the bytes received and not yet read by the application. */
    public long queuedBytes() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether the input has reached EOF or the channel closed. */
    public boolean isInputDone() {
        lock.lock();
        try {
            return (eof || closed) && queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Sends EOF after everything written so far. */
    public void shutdownOutput() {
        output.shutdown();
    }

    private void requestRead() {
        boolean ask;
        lock.lock();
        try {
            ask = !readOutstanding && !eof && !closed && queued < HIGH_WATER;
            if (ask) {
                readOutstanding = true;
            }
        } finally {
            lock.unlock();
        }
        if (ask && channel instanceof DuplexChannel && ((DuplexChannel) channel).isInputShutdown()) {
            // Input ended (the EOF event may still be on its way): epoll refuses reads then; see Relay.enableRead.
            return;
        }
        if (ask) {
            channel.read();
        }
    }

    // ---- event loop side ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        int n = buf.readableBytes();
        received.addAndGet(n);
        lock.lock();
        try {
            if (closed || n == 0) {
                buf.release();
                return;
            }
            queue.add(buf);
            queued += n;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lock.lock();
        try {
            readOutstanding = false;
        } finally {
            lock.unlock();
        }
        requestRead();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            lock.lock();
            try {
                eof = true;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        lock.lock();
        try {
            closed = true;
            if (failure == null) {
                failure = ctx.channel().attr(StreamChannels.CLOSE_CAUSE).get();
            }
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        ctx.fireChannelInactive();
    }

    /**
     * Marks the bridge closed but keeps what is queued: Netty removes every handler when a closed channel is
     * deregistered, and the far side's last bytes (sent just before its EOF and CLOSE) must stay readable until
     * the application reads them or closes the stream ({@link #releaseQueue()}).
     */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        lock.lock();
        try {
            closed = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
        } finally {
            lock.unlock();
        }
        ctx.close();
    }

    /** Releases buffered input; called when the application closes the stream. */
    public void releaseQueue() {
        lock.lock();
        try {
            ByteBuf b;
            while ((b = queue.poll()) != null) {
                b.release();
            }
            queued = 0;
        } finally {
            lock.unlock();
        }
    }

    // ---- application side ----

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
            int n;
            lock.lock();
            try {
                long timeout = readTimeoutMillis;
                long deadline = timeout > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout) : 0;
                while (queue.isEmpty() && !eof && !closed) {
                    if (timeout > 0) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new SocketTimeoutException("read timed out after " + timeout + " ms");
                        }
                        readable.awaitNanos(left);
                    } else {
                        readable.await();
                    }
                }
                if (queue.isEmpty()) {
                    if (closed && !eof && failure != null) {
                        throw new TunnelException(where, "tunnel stream failed: " + summary(failure), failure);
                    }
                    return -1;
                }
                ByteBuf head = queue.peek();
                n = Math.min(len, head.readableBytes());
                head.readBytes(b, off, n);
                queued -= n;
                if (!head.isReadable()) {
                    queue.poll().release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading");
            } finally {
                lock.unlock();
            }
            requestRead();
            return n;
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return (int) Math.min(Integer.MAX_VALUE, queued);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            closedByApplication = true;
            channel.close();
            releaseQueue();
        }
    }

    private final class Output extends OutputStream {
        private final boolean closeChannel;
        private boolean shut;

        Output(boolean closeChannel) {
            this.closeChannel = closeChannel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                int n = Math.min(len, MAX_WRITE_CHUNK);
                awaitWritable();
                ByteBuf buf = channel.alloc().buffer(n);
                buf.writeBytes(b, off, n);
                channel.writeAndFlush(buf).addListener(f -> {
                    if (!f.isSuccess()) {
                        lock.lock();
                        try {
                            if (failure == null) {
                                failure = f.cause();
                            }
                            writable.signalAll();
                        } finally {
                            lock.unlock();
                        }
                    }
                });
                sent.addAndGet(n);
                off += n;
                len -= n;
            }
        }

        private void awaitWritable() throws IOException {
            lock.lock();
            try {
                for (;;) {
                    if (shut) {
                        throw new IOException("output is shut down");
                    }
                    if (closed || !channel.isActive()) {
                        throw new TunnelException(where, "tunnel stream is closed" + (failure != null
                                ? ": " + summary(failure) : closedByApplication ? " (closed by the application)"
                                : " (ended by the far side or its hop without an error)"), failure);
                    }
                    if (channel.isWritable()) {
                        return;
                    }
                    // Writability changes are signalled; the timed wait only guards against a missed signal.
                    writable.await(100, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing");
            } finally {
                lock.unlock();
            }
        }

        void shutdown() {
            lock.lock();
            try {
                if (shut) {
                    return;
                }
                shut = true;
            } finally {
                lock.unlock();
            }
            shutdownOutputAfterFlush(channel);
        }

        @Override
        public void close() {
            if (closeChannel) {
                closedByApplication = true;
                channel.close();
            } else {
                shutdown();
            }
        }
    }

    /**
     * Returns what failed, for a message: the failure's message, or its type when it has none (a
     * {@code ClosedChannelException}, say), followed by its cause's when that adds something. A
     * {@link TunnelException} names its own hop, which may be an earlier one than ours.
     */
    static String summary(Throwable failure) {
        StringBuilder b = new StringBuilder(describe(failure));
        Throwable cause = failure.getCause();
        for (int depth = 0; cause != null && cause != failure && depth < 3; depth++) {
            String c = describe(cause);
            if (b.indexOf(c) < 0) {
                b.append(" (caused by ").append(c).append(')');
            }
            failure = cause;
            cause = cause.getCause();
        }
        return b.toString();
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** Shuts a channel's output once everything written before has been flushed (plain close otherwise). */
    public static void shutdownOutputAfterFlush(Channel ch) {
        shutdownOutputAfterFlush(ch, () -> { });
    }

    /**
     * Shuts a channel's output once everything written before has been flushed (plain close for channels that
     * cannot half-close), then runs {@code then} on the channel's event loop, whatever the outcome.
     */
    public static void shutdownOutputAfterFlush(Channel ch, Runnable then) {
        if (!ch.isActive()) {
            ch.eventLoop().execute(then);
            return;
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (ch instanceof DuplexChannel && ch.isActive()) {
                ((DuplexChannel) ch).shutdownOutput().addListener(x -> then.run());
            } else {
                ch.close().addListener(x -> then.run());
            }
        });
    }
}
