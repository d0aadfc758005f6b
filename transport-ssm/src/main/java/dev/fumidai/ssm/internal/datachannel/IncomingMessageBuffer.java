// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Puts the sequenced messages one end receives back in order and decides which to acknowledge
 * (SSM spec §5.3).
 *
 * <ul>
 *   <li>The expected number: delivered at once with every buffered follow-up; acknowledged.</li>
 *   <li>A later number inside the window: stored and acknowledged, unless the buffer is full in messages or
 *       bytes, in which case it is dropped without an acknowledgement so that the sender retransmits.</li>
 *   <li>A number beyond the window ({@code expected + maxMessages}): dropped without acknowledgement. The
 *       reference ends accept any later number; the window keeps a peer from filling the buffer with numbers
 *       that can never be delivered.</li>
 *   <li>An earlier number or one already stored: acknowledged again, never delivered twice. The agent does
 *       this; the plugin does not, which makes the agent retransmit until it gives up (§5.3).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Not thread-safe; owned by one data channel's event loop.
 */
public final class IncomingMessageBuffer {

    /** Is the plugin's incoming buffer capacity in messages (§5.3), used as the default window. */
    public static final int DEFAULT_MAX_MESSAGES = 10_000;
    /** Is the default bound on buffered out-of-order payload bytes. */
    public static final long DEFAULT_MAX_BYTES = 4L << 20;

    /**
     * Says what to do with a received message.
     *
     * @param acknowledge whether to send an acknowledgement for the received message
     * @param deliver the messages to process now, in order; empty when nothing became deliverable
     */
    public record Receipt(boolean acknowledge, List<ClientMessage> deliver) {
    }

    private static final Receipt DROP = new Receipt(false, List.of());
    private static final Receipt ACK_ONLY = new Receipt(true, List.of());

    private final int maxMessages;
    private final long maxBytes;
    private final TreeMap<Long, ClientMessage> buffered = new TreeMap<>();
    private long expected;
    private long bytes;

    /** Creates a buffer with the given bounds on stored out-of-order messages. */
    public IncomingMessageBuffer(int maxMessages, long maxBytes) {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Takes a received sequenced message and says whether to acknowledge it and what to deliver. */
    public Receipt receive(ClientMessage message) {
        long seq = message.sequenceNumber();
        if (seq < expected || buffered.containsKey(seq)) {
            return ACK_ONLY;
        }
        if (seq == expected) {
            List<ClientMessage> out = new ArrayList<>();
            out.add(message);
            expected++;
            ClientMessage next;
            while ((next = buffered.remove(expected)) != null) {
                bytes -= next.payload().length;
                out.add(next);
                expected++;
            }
            return new Receipt(true, out);
        }
        if (seq - expected >= maxMessages || buffered.size() >= maxMessages
                || (!buffered.isEmpty() && bytes + message.payload().length > maxBytes)) {
            return DROP;
        }
        buffered.put(seq, message);
        bytes += message.payload().length;
        return ACK_ONLY;
    }

    /** Returns the next sequence number to deliver. */
    public long expectedSequenceNumber() {
        return expected;
    }

    /** Returns the number of stored out-of-order messages. */
    public int size() {
        return buffered.size();
    }

    /** Returns the stored out-of-order payload bytes. */
    public long bytes() {
        return bytes;
    }
}
