// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import dev.fumidai.spi.AbstractStreamChannel;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;

/**
 * Is a stream channel whose "transport" is the test: it grants write credit by hand, records what the channel
 * sends, and delivers input, EOF and close. All methods must run on the channel's event loop.
 */
public final class CreditStreamChannel extends AbstractStreamChannel {

    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private long credit;
    private boolean eofSent;
    private long bytesBeforeEof = -1;
    private boolean streamClosed;
    private long consumed;
    private long maxPendingOutbound;

    /** Creates an active channel with initial write credit. */
    public CreditStreamChannel(long credit) {
        super(null);
        this.credit = credit;
        markActive();
    }

    /** Grants more write credit and lets pending writes go. */
    public void grant(long n) {
        credit += n;
        resumeWrites();
    }

    /** Feeds bytes as if the peer sent them. */
    public void receive(ByteBuf data) {
        deliver(data);
    }

    /** Signals the peer's EOF. */
    public void receiveEof() {
        deliverEof();
    }

    /** Signals the peer's close. */
    public void receiveClose() {
        deliverClose();
    }

    @Override
    protected int writeBytes(ByteBuf buf) {
        int n = (int) Math.min(credit, buf.readableBytes());
        if (n > 0) {
            byte[] b = new byte[n];
            buf.getBytes(buf.readerIndex(), b);
            sent.write(b, 0, n);
            credit -= n;
        }
        long pending = unsafe().outboundBuffer() == null ? 0 : unsafe().outboundBuffer().totalPendingWriteBytes();
        maxPendingOutbound = Math.max(maxPendingOutbound, pending);
        return n;
    }

    @Override
    protected void doSendEof() {
        eofSent = true;
        bytesBeforeEof = sent.size();
    }

    @Override
    protected void doCloseStream() {
        streamClosed = true;
    }

    @Override
    protected void onInboundConsumed(int bytes) {
        consumed += bytes;
    }

    /** Returns what the channel sent so far. */
    public byte[] sent() {
        return sent.toByteArray();
    }

    /** Returns whether EOF was sent, and how many bytes came before it. */
    public boolean eofSent() {
        return eofSent;
    }

    /** Returns the bytes sent before EOF, or -1. */
    public long bytesBeforeEof() {
        return bytesBeforeEof;
    }

    /** Returns whether the transport was told the stream closed. */
    public boolean streamClosed() {
        return streamClosed;
    }

    /** Returns the bytes the pipeline consumed. */
    public long consumed() {
        return consumed;
    }

    /** Returns the largest outbound backlog seen. */
    public long maxPendingOutbound() {
        return maxPendingOutbound;
    }

    /** Returns the bytes received and not yet read by the pipeline. */
    public long queuedInbound() {
        return inboundQueuedBytes();
    }
}
