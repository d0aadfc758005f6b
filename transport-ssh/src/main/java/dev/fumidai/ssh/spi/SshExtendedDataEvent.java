// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.spi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Carries SSH_MSG_CHANNEL_EXTENDED_DATA (RFC 4254 §5.2) received on an SSH channel: for a {@code session}
 * channel running a command, type 1 is the command's standard error. It reaches the channel's pipeline as a
 * user event ({@code userEventTriggered}), while standard output arrives as ordinary {@code ByteBuf} reads.
 * Only channels that asked for it get these events (the channel of an {@link SshExec}); elsewhere extended data
 * is dropped, so handlers that do not know this event never see it.
 *
 * <h2>Reference counting</h2>
 * The event holds a buffer: the handler that consumes the event releases it, by releasing the event (or a
 * duplicate of it), not only its content. An event every handler passes on is released by the pipeline's tail;
 * a handler that swallows user events must release those it does not know.
 *
 * <h2>Back-pressure</h2>
 * Extended data shares the channel's receive window with ordinary data. It is handed on as it arrives, not held
 * back by {@code autoRead}, but its window is returned only when the event is released (issue #10, must hold 3):
 * a consumer that keeps events until the application reads them, as {@code RemoteCommand}'s standard error
 * does, so holds at most one window, and the server waits for the application as it does for standard output.
 * A consumer that never releases an event stalls the channel (both streams share the window).
 */
public final class SshExtendedDataEvent extends DefaultByteBufHolder {

    /** SSH_EXTENDED_DATA_STDERR (RFC 4254 §5.2). */
    public static final int STDERR = 1;

    private final int dataTypeCode;
    /** Runs once, when the content's last reference is released through this event or a duplicate of it. */
    private final AtomicReference<Runnable> onRelease;

    /** Creates an event; takes ownership of {@code data}. */
    public SshExtendedDataEvent(int dataTypeCode, ByteBuf data) {
        this(dataTypeCode, data, (Runnable) null);
    }

    /**
     * Creates an event that runs {@code onRelease} once, on the thread that releases it, when its content's last
     * reference is released through it or one of its duplicates; the SSH channel returns the data's window so.
     * Takes ownership of {@code data}. {@code onRelease} must not throw.
     */
    public SshExtendedDataEvent(int dataTypeCode, ByteBuf data, Runnable onRelease) {
        this(dataTypeCode, data, new AtomicReference<>(onRelease));
    }

    private SshExtendedDataEvent(int dataTypeCode, ByteBuf data, AtomicReference<Runnable> onRelease) {
        super(data);
        this.dataTypeCode = dataTypeCode;
        this.onRelease = onRelease;
    }

    /** Returns the data type code; {@link #STDERR} for standard error. */
    public int dataTypeCode() {
        return dataTypeCode;
    }

    /** Returns whether this is standard error. */
    public boolean isStderr() {
        return dataTypeCode == STDERR;
    }

    /** Returns an event with other content; releasing it does not count as releasing this one. */
    @Override
    public SshExtendedDataEvent replace(ByteBuf content) {
        return new SshExtendedDataEvent(dataTypeCode, content);
    }

    @Override
    public SshExtendedDataEvent copy() {
        return replace(content().copy());
    }

    /** Returns a duplicate sharing this event's content and reference count, and so its release action. */
    @Override
    public SshExtendedDataEvent duplicate() {
        return new SshExtendedDataEvent(dataTypeCode, content().duplicate(), onRelease);
    }

    @Override
    public SshExtendedDataEvent retainedDuplicate() {
        return new SshExtendedDataEvent(dataTypeCode, content().retainedDuplicate(), onRelease);
    }

    @Override
    public boolean release() {
        return released(super.release());
    }

    @Override
    public boolean release(int decrement) {
        return released(super.release(decrement));
    }

    private boolean released(boolean freed) {
        if (freed) {
            Runnable r = onRelease.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }
        return freed;
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
