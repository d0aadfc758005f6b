// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import dev.fumidai.ssh.internal.connection.ReadBacklog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * A receive-buffer allocator that reports each socket read loop to {@link ReadBacklog}, with the time its socket had
 * been dry before it: the time since the loop before ended with a read that did not fill its buffer (the socket ran
 * dry), or 0 when that loop filled its last buffer (it stopped at its message quota with data still waiting).
 * Everything else is the delegate's.
 */
final class BacklogRecordingAllocator implements RecvByteBufAllocator {

    private final RecvByteBufAllocator delegate;

    BacklogRecordingAllocator(RecvByteBufAllocator delegate) {
        this.delegate = delegate;
    }

    @Override
    public Handle newHandle() {
        return new RecordingHandle((ExtendedHandle) delegate.newHandle());
    }

    private static final class RecordingHandle implements ExtendedHandle {
        private final ExtendedHandle d;
        /** When the last read loop ended with the socket dry, or -1 when it left data waiting. */
        private long dryAt = -1;

        RecordingHandle(ExtendedHandle d) {
            this.d = d;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return d.allocate(alloc);
        }

        @Override
        public int guess() {
            return d.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            // Called as each read loop begins.
            ReadBacklog.recordLoop(dryAt < 0 ? 0 : System.nanoTime() - dryAt);
            dryAt = -1;
            d.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            d.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            d.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return d.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            d.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return d.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return d.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return d.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            int last = d.lastBytesRead();
            dryAt = last > 0 && last == d.attemptedBytesRead() ? -1 : System.nanoTime();
            d.readComplete();
        }
    }
}
