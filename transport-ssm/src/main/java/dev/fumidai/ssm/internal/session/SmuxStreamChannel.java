// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import io.netty.buffer.ByteBuf;

/**
 * Carries one smux stream (SSM spec §8.4) as a Netty child channel. A FIN from the agent closes the channel
 * after the data before it: the agent closes both directions when either ends, so there is no half-close.
 * {@code shutdownOutput()} sends FIN, which makes the agent close the destination.
 *
 * <h2>Back-pressure</h2>
 * smux v1 has no per-stream window: writes are taken while the data channel's queue is under its high-water
 * mark; reads return the session budget through {@code consumed}.
 */
final class SmuxStreamChannel extends AbstractSsmStream {

    private final long streamId;

    SmuxStreamChannel(SsmDataChannel dc, long streamId) {
        super(dc);
        this.streamId = streamId;
    }

    /** Returns the smux stream id. */
    long streamId() {
        return streamId;
    }

    /** Takes the agent's FIN: deliver what is queued, then close. */
    void onFin() {
        deliverClose();
    }

    @Override
    protected int writeBytes(ByteBuf buf) {
        int n = dc.writeMux(streamId, buf);
        if (n < 0) {
            closeSoon(); // the stream is gone on the smux level
            return 0;
        }
        return n;
    }

    @Override
    protected void doSendEof() {
        dc.finishMux(streamId);
    }

    @Override
    protected void doCloseStream() {
        dc.closeMux(streamId);
    }

    @Override
    protected void onInboundConsumed(int bytes) {
        dc.consumedMux(streamId, bytes);
    }
}
