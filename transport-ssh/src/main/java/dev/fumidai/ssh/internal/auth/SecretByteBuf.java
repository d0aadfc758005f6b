// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.auth;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.Arrays;

/**
 * Is a heap buffer for a request that carries a secret (a password, keyboard-interactive answers): its array is
 * overwritten with zeros whenever it is given up, on the last {@code release()} (by whichever handler releases
 * it: the packet codec after sealing, or the transport when a held write fails) and when the buffer grows into
 * a larger array. A pooled buffer would go back to its pool with the secret in it, for any later user of that
 * memory to read.
 *
 * <h2>Reference counting</h2>
 * As any buffer: the handler that consumes it releases it.
 */
final class SecretByteBuf extends UnpooledHeapByteBuf {

    /** Creates an empty buffer; {@code alloc} is only what {@link #alloc()} reports. */
    SecretByteBuf(ByteBufAllocator alloc, int initialCapacity) {
        super(alloc, initialCapacity, Integer.MAX_VALUE);
    }

    @Override
    protected void freeArray(byte[] array) {
        Arrays.fill(array, (byte) 0);
        super.freeArray(array);
    }
}
