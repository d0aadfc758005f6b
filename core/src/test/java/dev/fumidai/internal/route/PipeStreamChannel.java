// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.route;

import dev.fumidai.spi.AbstractStreamChannel;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Is one end of an in-process stream with a flow-control window, like an SSH channel: an end sends only within the
 * window its peer granted, and the peer grants again what its pipeline read. Both ends live on one event loop;
 * everything crosses as a task on it, in order. Tests use a pair as the "hop before" whose stream a
 * {@link LoopBridge} moves to another loop.
 */
final class PipeStreamChannel extends AbstractStreamChannel {

    private PipeStreamChannel peer;
    private long sendWindow;
    private long maxPendingOutbound;
    /** Bytes this end sent (taken by writeBytes); read from other threads. */
    final AtomicLong sent = new AtomicLong();
    volatile boolean streamClosed;

    private PipeStreamChannel(long window) {
        super(null);
        this.sendWindow = window;
        markActive();
    }

    /** Creates two connected ends, each allowing the other {@code window} bytes in flight; register both on one loop. */
    static PipeStreamChannel[] pair(long window) {
        PipeStreamChannel a = new PipeStreamChannel(window);
        PipeStreamChannel b = new PipeStreamChannel(window);
        a.peer = b;
        b.peer = a;
        return new PipeStreamChannel[] {a, b};
    }

    @Override
    protected int writeBytes(ByteBuf buf) throws Exception {
        // Payload bytes only (totalPendingWriteBytes adds Netty's per-entry overhead).
        long[] pending = {0};
        if (unsafe().outboundBuffer() != null) {
            unsafe().outboundBuffer().forEachFlushedMessage(m -> {
                pending[0] += ((ByteBuf) m).readableBytes();
                return true;
            });
        }
        maxPendingOutbound = Math.max(maxPendingOutbound, pending[0]);
        int n = (int) Math.min(sendWindow, buf.readableBytes());
        if (n <= 0) {
            return 0;
        }
        ByteBuf copy = alloc().buffer(n);
        copy.writeBytes(buf, buf.readerIndex(), n);
        sendWindow -= n;
        sent.addAndGet(n);
        PipeStreamChannel p = peer;
        eventLoop().execute(() -> p.deliver(copy));
        return n;
    }

    @Override
    protected void doSendEof() {
        PipeStreamChannel p = peer;
        eventLoop().execute(p::deliverEof);
    }

    @Override
    protected void doCloseStream() {
        streamClosed = true;
        PipeStreamChannel p = peer;
        eventLoop().execute(p::deliverClose);
    }

    @Override
    protected void onInboundConsumed(int bytes) {
        PipeStreamChannel p = peer;
        eventLoop().execute(() -> p.grant(bytes));
    }

    private void grant(long bytes) {
        sendWindow += bytes;
        resumeWrites();
    }

    /** Returns the largest backlog of this end's outbound buffer seen when offering bytes; event loop only. */
    long maxPendingOutbound() {
        return maxPendingOutbound;
    }

    /** Returns the bytes received and not yet read by the pipeline; event loop only. */
    long queuedInbound() {
        return inboundQueuedBytes();
    }
}
