// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.util.ArrayDeque;

/**
 * Queues bytes in order and hands them out in chunks of a chosen size: how a byte stream (smux output, a basic
 * mode socket) is cut into Output payloads (SSM spec §8.4: frames are not aligned with messages).
 *
 * <h2>Threading</h2>
 * Not thread-safe.
 */
public final class ByteQueue {

    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset;
    private long size;

    /** Appends bytes; the array is the queue's afterwards. */
    public void add(byte[] bytes) {
        if (bytes.length > 0) {
            chunks.add(bytes);
            size += bytes.length;
        }
    }

    /** Removes and returns up to {@code max} bytes from the head, or an empty array when empty. */
    public byte[] take(int max) {
        int n = (int) Math.min(max, size);
        byte[] out = new byte[n];
        int filled = 0;
        while (filled < n) {
            byte[] head = chunks.peek();
            int k = Math.min(n - filled, head.length - headOffset);
            System.arraycopy(head, headOffset, out, filled, k);
            filled += k;
            headOffset += k;
            if (headOffset == head.length) {
                chunks.poll();
                headOffset = 0;
            }
        }
        size -= n;
        return out;
    }

    /** Returns the number of queued bytes. */
    public long size() {
        return size;
    }

    /** Returns whether nothing is queued. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Drops everything. */
    public void clear() {
        chunks.clear();
        headOffset = 0;
        size = 0;
    }
}
