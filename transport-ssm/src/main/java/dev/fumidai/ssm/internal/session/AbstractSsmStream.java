// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import dev.fumidai.spi.AbstractStreamChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Shares what both SSM stream channels do: hand received payload bytes to the pipeline and resume writes when
 * the data channel has room again.
 *
 * <h2>Threading</h2>
 * Runs on the data channel's event loop, like the data channel itself.
 *
 * <h2>Reference counting</h2>
 * Received bytes are wrapped in unpooled buffers that the pipeline's consumer releases.
 */
abstract class AbstractSsmStream extends AbstractStreamChannel {

    protected final SsmDataChannel dc;
    private boolean receivedData;

    AbstractSsmStream(SsmDataChannel dc) {
        super(null);
        this.dc = dc;
        markActive();
    }

    /** Queues bytes the agent sent for this stream. */
    final void onData(byte[] data) {
        receivedData = true;
        deliver(Unpooled.wrappedBuffer(data));
    }

    /** Returns whether any byte arrived on this stream. */
    final boolean receivedData() {
        return receivedData;
    }

    /** Offers pending writes again. */
    final void resume() {
        if (isOpen()) {
            resumeWrites();
        }
    }

    /** Returns received bytes not yet read by the pipeline. */
    final long inboundQueued() {
        return inboundQueuedBytes();
    }

    /** Closes the channel later on its loop: used where closing at once would re-enter a write. */
    final void closeSoon() {
        eventLoop().execute(() -> closeWithCause(null));
    }

    @Override
    protected abstract int writeBytes(ByteBuf buf) throws Exception;
}
