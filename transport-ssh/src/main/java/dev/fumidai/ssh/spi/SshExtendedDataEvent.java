// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.spi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * Carries SSH_MSG_CHANNEL_EXTENDED_DATA (RFC 4254 §5.2) received on an SSH channel: for a {@code session}
 * channel running a command, type 1 is the command's standard error. It reaches the channel's pipeline as a
 * user event ({@code userEventTriggered}), while standard output arrives as ordinary {@code ByteBuf} reads.
 * Only channels that asked for it get these events (the channel of an {@link SshExec}); elsewhere extended data
 * is dropped, so handlers that do not know this event never see it.
 *
 * <h2>Reference counting</h2>
 * The event holds a buffer: the handler that consumes the event releases it. An event every handler passes on
 * is released by the pipeline's tail; a handler that swallows user events must release those it does not know.
 *
 * <h2>Back-pressure</h2>
 * Extended data shares the channel's receive window with ordinary data. It is handed on as it arrives, not held
 * back by {@code autoRead}, and its window is returned once it has been handed on, as for ordinary data read
 * with {@code autoRead} on; a handler that keeps the buffers holds that memory itself.
 */
public final class SshExtendedDataEvent extends DefaultByteBufHolder {

    /** SSH_EXTENDED_DATA_STDERR (RFC 4254 §5.2). */
    public static final int STDERR = 1;

    private final int dataTypeCode;

    /** Creates an event; takes ownership of {@code data}. */
    public SshExtendedDataEvent(int dataTypeCode, ByteBuf data) {
        super(data);
        this.dataTypeCode = dataTypeCode;
    }

    /** Returns the data type code; {@link #STDERR} for standard error. */
    public int dataTypeCode() {
        return dataTypeCode;
    }

    /** Returns whether this is standard error. */
    public boolean isStderr() {
        return dataTypeCode == STDERR;
    }

    @Override
    public SshExtendedDataEvent replace(ByteBuf content) {
        return new SshExtendedDataEvent(dataTypeCode, content);
    }

    @Override
    public SshExtendedDataEvent copy() {
        return replace(content().copy());
    }

    @Override
    public SshExtendedDataEvent duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public SshExtendedDataEvent retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public SshExtendedDataEvent retain() {
        super.retain();
        return this;
    }

    @Override
    public SshExtendedDataEvent retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public SshExtendedDataEvent touch() {
        super.touch();
        return this;
    }

    @Override
    public SshExtendedDataEvent touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "SshExtendedDataEvent[type " + Integer.toUnsignedString(dataTypeCode) + ", "
                + content().readableBytes() + " bytes]";
    }
}
