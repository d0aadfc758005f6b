// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import io.netty.buffer.ByteBuf;

/**
 * Carries the single connection of a basic-mode (non-multiplexed) port session (SSM spec §8.3) as a Netty
 * channel. Closing it sends DisconnectToPort, after which the agent redials for the next connection. Basic mode
 * has no half-close: {@code shutdownOutput()} closes the stream.
 */
final class BasicStreamChannel extends AbstractSsmStream {

    BasicStreamChannel(SsmDataChannel dc) {
        super(dc);
    }

    @Override
    protected int writeBytes(ByteBuf buf) {
        return dc.writeBasic(buf);
    }

    @Override
    protected void doSendEof() {
        closeSoon();
    }

    @Override
    protected void doCloseStream() {
        dc.closeBasic(this);
    }
}
