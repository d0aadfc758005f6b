// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import dev.fumidai.ssh.internal.connection.ReadBacklog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * A receive-buffer allocator that reports each socket read loop to {@link ReadBacklog}: backlogged when its last read
 * filled the buffer it was given (so the loop stopped at its message quota, not because the socket ran dry).
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
            ReadBacklog.record(last > 0 && last == d.attemptedBytesRead());
            d.readComplete();
        }
    }
}
