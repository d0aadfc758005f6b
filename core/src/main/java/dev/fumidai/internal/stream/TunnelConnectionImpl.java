// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.stream;

import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.internal.TunnelOpener;
import io.netty.channel.Channel;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** Implements {@link TunnelConnection} over a {@link StreamBridge}; records {@code forward.close} once. */
public final class TunnelConnectionImpl implements TunnelConnection {

    private final Target target;
    private final Channel channel;
    private final StreamBridge bridge;
    private final AtomicBoolean closedByUs = new AtomicBoolean();

    /**
     * Wraps an opened stream; {@code closeOnOutputClose} gives {@code Socket} semantics to the output stream;
     * {@code where} names the hop and target in the streams' exceptions.
     */
    public TunnelConnectionImpl(Target target, TunnelOpener.Opened opened, boolean closeOnOutputClose, String where) {
        this.target = target;
        this.channel = opened.channel();
        this.bridge = StreamBridge.install(channel, closeOnOutputClose, where);
        TunnelOpener.Record rec = opened.record();
        channel.closeFuture().addListener(f -> {
            Throwable cause = channel.attr(dev.fumidai.spi.StreamChannels.CLOSE_CAUSE).get();
            Reason reason = cause != null ? Reason.of(ReasonCode.NETWORK_ERROR, cause)
                    : closedByUs.get() ? Reason.of(ReasonCode.CLOSED_BY_CLIENT) : Reason.of(ReasonCode.CLOSED_BY_SERVER);
            rec.closed(bridge.bytesSent(), bridge.bytesReceived(), reason);
        });
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public InputStream inputStream() {
        return bridge.inputStream();
    }

    @Override
    public OutputStream outputStream() {
        return bridge.outputStream();
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        bridge.setReadTimeoutMillis(timeout.toMillis());
    }

    /** Returns the read timeout in milliseconds. */
    public long readTimeoutMillis() {
        return bridge.readTimeoutMillis();
    }

    @Override
    public void shutdownOutput() {
        bridge.shutdownOutput();
    }

    /** Stops reading: buffered and later input is discarded. */
    public void shutdownInput() {
        bridge.releaseQueue();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public long bytesSent() {
        return bridge.bytesSent();
    }

    @Override
    public long bytesReceived() {
        return bridge.bytesReceived();
    }

    @Override
    public void close() {
        closedByUs.set(true);
        channel.close().syncUninterruptibly();
        bridge.releaseQueue();
    }

    @Override
    public String toString() {
        return "TunnelConnection[" + target + ", " + (isOpen() ? "open" : "closed") + "]";
    }
}
