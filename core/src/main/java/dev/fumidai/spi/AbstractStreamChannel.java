// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Implements a byte-stream channel carried by a transport (an SSH channel, an smux stream, a process's stdio)
 * that keeps the {@link StreamChannels} contract, so that transports only move bytes and credit.
 *
 * <p>Modelled on Netty's HTTP/2 stream channels: the transport creates the channel, registers it on an event
 * loop, and then drives it with {@link #deliver}, {@link #deliverEof}, {@link #deliverClose} and
 * {@link #resumeWrites}; it implements {@link #writeBytes}, {@link #doSendEof} and {@link #doCloseStream}.
 *
 * <h2>Threading</h2>
 * Every method a transport calls runs on this channel's event loop; so do the abstract methods.
 *
 * <h2>Reference counting</h2>
 * {@link #deliver} takes ownership of the buffer. {@link #writeBytes} must not release the buffer it is given:
 * it takes what it sends (with {@code retainedSlice}) and the base class removes those bytes from the outbound
 * buffer. Buffers queued when the channel closes are released.
 *
 * <h2>Back-pressure</h2>
 * Inbound data is handed to the pipeline only when read (autoRead or {@code read()}); {@link #onInboundConsumed}
 * then tells the transport how many bytes left, so it can grow the peer's window. Outbound data stays in the
 * outbound buffer until {@link #writeBytes} takes it, so {@link #isWritable()} turns false once the transport's
 * credit is used up and the buffer passes the high water mark.
 *
 * <h2>Closing</h2>
 * {@link #shutdownOutput()} sends EOF after every write queued before it. A peer's EOF is delivered after the
 * data before it. A peer's close is delivered after the data and EOF before it. {@link #closeWithCause} records
 * the cause in {@link StreamChannels#CLOSE_CAUSE} and closes at once, dropping queued inbound data.
 */
public abstract class AbstractStreamChannel extends AbstractChannel implements DuplexChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final StreamChannelConfig config = new StreamChannelConfig(this);
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
    private long inboundBytes;
    private boolean active;
    private boolean open = true;
    private boolean readRequested;
    private boolean draining;
    private boolean drainAgain;
    private boolean eofReceived;
    private boolean closeReceived;
    private boolean inputShutdown;
    private boolean outputShutdown;
    private boolean eofRequested;
    private boolean outputClosing;

    /**
     * Creates a stream channel.
     *
     * @param parent the transport's connection channel, or {@code null}
     */
    protected AbstractStreamChannel(@Nullable Channel parent) {
        super(parent);
    }

    // ---- called by the transport (event loop only) ----

    /** Marks the stream open on the far side; call before registering so {@code channelActive} fires. */
    protected final void markActive() {
        active = true;
    }

    /** Queues data received from the peer; takes ownership of {@code data}. */
    protected final void deliver(ByteBuf data) {
        if (!open || inputShutdown || eofReceived) {
            data.release();
            return;
        }
        if (!data.isReadable()) {
            data.release();
            return;
        }
        inbound.add(data);
        inboundBytes += data.readableBytes();
        drain();
    }

    /** Records the peer's EOF; it reaches the pipeline after the data queued before it. */
    protected final void deliverEof() {
        eofReceived = true;
        drain();
    }

    /** Records the peer's close; the channel closes after delivering the data and EOF queued before it. */
    protected final void deliverClose() {
        eofReceived = true;
        closeReceived = true;
        drain();
    }

    /** Closes the stream at once because of a failure, recording the cause. */
    public final void closeWithCause(@Nullable Throwable cause) {
        if (cause != null && attr(StreamChannels.CLOSE_CAUSE).get() == null) {
            attr(StreamChannels.CLOSE_CAUSE).set(cause);
        }
        if (eventLoop().inEventLoop()) {
            unsafe().close(unsafe().voidPromise());
        } else {
            eventLoop().execute(() -> unsafe().close(unsafe().voidPromise()));
        }
    }

    /** Tells the channel that the transport has new credit: pending writes are offered to {@link #writeBytes}. */
    protected final void resumeWrites() {
        ((StreamUnsafe) unsafe()).flushPending();
    }

    /** Returns the bytes received and not yet read by the pipeline. */
    protected final long inboundQueuedBytes() {
        return inboundBytes;
    }

    // ---- implemented by the transport ----

    /**
     * Sends as many of {@code buf}'s readable bytes as flow control allows, without changing its indices.
     *
     * @return how many bytes were taken, from the reader index on; 0 when no credit is left
     */
    protected abstract int writeBytes(ByteBuf buf) throws Exception;

    /** Sends EOF to the peer (every earlier write has been taken by {@link #writeBytes}). */
    protected abstract void doSendEof() throws Exception;

    /** Tells the peer the stream is closed and frees the transport's state for it; called once. */
    protected abstract void doCloseStream() throws Exception;

    /** Tells the transport that the pipeline read {@code bytes} bytes; the default does nothing. */
    protected void onInboundConsumed(int bytes) {
    }

    // ---- channel plumbing ----

    private void drain() {
        if (draining) {
            // A handler asked for more (read() from channelReadComplete) while we deliver: loop once more.
            drainAgain = true;
            return;
        }
        draining = true;
        try {
            do {
                drainAgain = false;
                drainOnce();
            } while (drainAgain && open);
        } finally {
            draining = false;
        }
    }

    private void drainOnce() {
        boolean delivered = false;
        int consumed = 0;
        while (readRequested && open && !inbound.isEmpty()) {
            ByteBuf buf = inbound.poll();
            int n = buf.readableBytes();
            inboundBytes -= n;
            consumed += n;
            delivered = true;
            if (!config.isAutoRead()) {
                readRequested = false;
            }
            pipeline().fireChannelRead(buf);
            if (!config.isAutoRead()) {
                // The reader turned autoRead off in channelRead (back-pressure): stop here, as Netty's own
                // transports stop their read loop, instead of handing it one more buffer it did not ask for.
                readRequested = false;
            }
        }
        if (delivered) {
            if (config.isAutoRead()) {
                readRequested = false;
            }
            onInboundConsumed(consumed);
            pipeline().fireChannelReadComplete();
        }
        if (open && inbound.isEmpty() && eofReceived && !inputShutdown) {
            inputShutdown = true;
            if (config.isAllowHalfClosure()) {
                pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
            if (closeReceived || !config.isAllowHalfClosure()) {
                unsafe().close(unsafe().voidPromise());
            }
        } else if (open && closeReceived && inputShutdown) {
            unsafe().close(unsafe().voidPromise());
        }
    }

    @Override
    public StreamChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && active;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected SocketAddress localAddress0() {
        return parent() == null ? null : parent().localAddress();
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return parent() == null ? null : parent().remoteAddress();
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a stream channel cannot be bound");
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() throws Exception {
        if (!open) {
            return;
        }
        open = false;
        ByteBuf b;
        while ((b = inbound.poll()) != null) {
            b.release();
        }
        inboundBytes = 0;
        doCloseStream();
    }

    @Override
    protected void doBeginRead() {
        if (!open) {
            return;
        }
        readRequested = true;
        drain();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        for (;;) {
            Object msg = in.current();
            if (msg == null) {
                break;
            }
            if (!(msg instanceof ByteBuf)) {
                in.remove(new UnsupportedOperationException("stream channels take ByteBuf, not "
                        + msg.getClass().getSimpleName()));
                continue;
            }
            ByteBuf buf = (ByteBuf) msg;
            if (!buf.isReadable()) {
                in.remove();
                continue;
            }
            int taken = writeBytes(buf);
            if (taken <= 0) {
                break;
            }
            in.removeBytes(taken);
        }
        if (eofRequested && in.isEmpty() && !outputShutdown) {
            outputShutdown = true;
            doSendEof();
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) throws Exception {
        // Throwing here makes AbstractUnsafe.write release the message and fail its promise.
        if (outputClosing) {
            throw new io.netty.channel.socket.ChannelOutputShutdownException("output was shut down (EOF sent or pending)");
        }
        if (msg instanceof ByteBuf) {
            return msg;
        }
        throw new UnsupportedOperationException("stream channels take ByteBuf, not " + msg.getClass().getSimpleName());
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new StreamUnsafe();
    }

    private final class StreamUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.tryFailure(new UnsupportedOperationException("a stream channel is opened by its transport"));
        }

        void flushPending() {
            flush0();
        }
    }

    // ---- DuplexChannel ----

    @Override
    public boolean isInputShutdown() {
        return inputShutdown || !open;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown || eofRequested || !open;
    }

    @Override
    public boolean isShutdown() {
        return isInputShutdown() && isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    /** Sends EOF once every write queued before this call has been sent; later writes fail. */
    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        if (!eventLoop().inEventLoop()) {
            eventLoop().execute(() -> shutdownOutput(promise));
            return promise;
        }
        if (!open) {
            promise.tryFailure(new java.nio.channels.ClosedChannelException());
            return promise;
        }
        if (eofRequested) {
            promise.trySuccess();
            return promise;
        }
        // Flush what is queued; EOF follows in doWrite once the outbound buffer is empty. Writes after this fail.
        ChannelFuture marker = writeAndFlush(Unpooled.EMPTY_BUFFER);
        outputClosing = true;
        marker.addListener(f -> {
            eofRequested = true;
            if (f.isSuccess()) {
                resumeWrites();
                if (!outputShutdown && open) {
                    // Nothing was pending, so doWrite did not run: send EOF now.
                    outputShutdown = true;
                    try {
                        doSendEof();
                    } catch (Exception e) {
                        promise.tryFailure(e);
                        return;
                    }
                }
                promise.trySuccess();
            } else {
                promise.tryFailure(f.cause());
            }
        });
        return promise;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    /** Stops delivering inbound data: queued and later data are discarded. The peer is not told. */
    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        if (!eventLoop().inEventLoop()) {
            eventLoop().execute(() -> shutdownInput(promise));
            return promise;
        }
        inputShutdown = true;
        ByteBuf b;
        while ((b = inbound.poll()) != null) {
            b.release();
        }
        inboundBytes = 0;
        promise.trySuccess();
        return promise;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        shutdownInput();
        return shutdownOutput(promise);
    }
}
