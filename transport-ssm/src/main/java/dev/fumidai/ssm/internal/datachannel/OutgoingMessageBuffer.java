package dev.fumidai.ssm.internal.datachannel;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Numbers, remembers and retransmits the sequenced messages one end sends (SSM spec §5.2, §5.4, §5.5).
 *
 * <p>Each {@link #send} takes the next sequence number of this direction, encodes the message once and keeps
 * the encoded frame until an acknowledgement for that sequence number arrives; a retransmission resends the
 * identical bytes (§5.2). Unlike the plugin, which looks only at the oldest message every 100 ms, every
 * message whose RTO has passed is returned by {@link #expired}, and the buffer is bounded both in messages and
 * in bytes: when it is full, {@link #hasRoom()} turns false and the caller must stop producing (back-pressure)
 * instead of dropping the oldest unacked message as the plugin does.
 *
 * <p>Time is given by the caller as a monotonic nanosecond count, so this is a pure state machine.
 *
 * <h2>Threading</h2>
 * Not thread-safe; owned by one data channel's event loop.
 */
public final class OutgoingMessageBuffer {

    /** Is the plugin's outgoing capacity in messages (§5.4), used as the default bound. */
    public static final int DEFAULT_MAX_MESSAGES = 10_000;
    /**
     * Is the default bound on unacknowledged frame bytes. With no congestion window in the protocol (§5.4) this
     * bound is the window: 1 MiB fills a 50 ms path at 20 MB/s, far above what the agent's 1 KiB-per-ms loop
     * sends (§9), while keeping resend bursts small.
     */
    public static final long DEFAULT_MAX_BYTES = 1L << 20;
    /** Is the most doublings of a message's timeout by resends (×16). */
    public static final int MAX_BACKOFF_SHIFT = 4;

    /** Holds one unacknowledged message: its number, its encoded bytes and when it was last sent. */
    public static final class Entry {
        private final long sequenceNumber;
        private final byte[] frame;
        private long lastSentNanos;
        private int sends;

        Entry(long sequenceNumber, byte[] frame, long lastSentNanos) {
            this.sequenceNumber = sequenceNumber;
            this.frame = frame;
            this.lastSentNanos = lastSentNanos;
            this.sends = 1;
        }

        /** Returns the sequence number. */
        public long sequenceNumber() {
            return sequenceNumber;
        }

        /** Returns the encoded frame; callers must not modify it. */
        public byte[] frame() {
            return frame;
        }

        /** Returns how often the frame was sent, the first time included. */
        public int sends() {
            return sends;
        }
    }

    private final int maxMessages;
    private final long maxBytes;
    private final String messageType;
    private final RoundTripEstimator rtt = new RoundTripEstimator();
    /** Ordered by last send time: a retransmitted entry moves to the end. */
    private final LinkedHashMap<Long, Entry> unacked = new LinkedHashMap<>();
    private long nextSequenceNumber;
    private long bytes;
    private long retransmissions;

    /**
     * Creates a buffer.
     *
     * @param messageType the type this end sends: {@link MessageTypes#INPUT_STREAM_DATA} for a client
     * @param maxMessages the most unacknowledged messages
     * @param maxBytes the most unacknowledged frame bytes; one message is always allowed
     */
    public OutgoingMessageBuffer(String messageType, int maxMessages, long maxBytes) {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.messageType = messageType;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Returns whether another message may be sent now without exceeding the bounds. */
    public boolean hasRoom() {
        return unacked.isEmpty() || (unacked.size() < maxMessages && bytes < maxBytes);
    }

    /**
     * Numbers, encodes and remembers a message; the caller writes {@link Entry#frame()} to the socket.
     *
     * @param payloadType the PayloadType (§4.3)
     * @param payload the payload; owned by this buffer afterwards
     * @param createdDateMillis the CreatedDate to write, epoch milliseconds
     * @param nowNanos the monotonic time of sending
     * @throws IllegalStateException when {@link #hasRoom()} is false
     */
    public Entry send(int payloadType, byte[] payload, long createdDateMillis, long nowNanos) {
        if (!hasRoom()) {
            throw new IllegalStateException("outgoing buffer full: " + unacked.size() + " messages, " + bytes
                    + " bytes unacknowledged");
        }
        long seq = nextSequenceNumber++;
        ClientMessage m = ClientMessage.streamData(messageType, createdDateMillis, seq, payloadType, payload);
        Entry e = new Entry(seq, ClientMessageCodec.encode(m), nowNanos);
        unacked.put(seq, e);
        bytes += e.frame.length;
        return e;
    }

    /**
     * Handles an acknowledgement, matched on the sequence number only (§5.1).
     *
     * @return whether it acknowledged a message still remembered; duplicates and unknown numbers give false
     */
    public boolean acknowledge(long sequenceNumber, long nowNanos) {
        Entry e = unacked.remove(sequenceNumber);
        if (e == null) {
            return false;
        }
        bytes -= e.frame.length;
        // Karn's rule, unlike the reference ends (§5.5): an ack of a resent message is ambiguous and would pull
        // the RTO down to the time since the last resend, which causes spurious resends under load.
        if (e.sends == 1) {
            rtt.sample(nowNanos - e.lastSentNanos);
        }
        return true;
    }

    /**
     * Returns every message whose timeout has passed since it was last sent, oldest first, and marks them sent
     * now. A message's timeout is the RTO of §5.5, doubled for each resend up to {@value #MAX_BACKOFF_SHIFT}
     * times: the reference ends resend only the oldest message, so resending all of them needs this back-off to
     * keep a slow path from being flooded with copies.
     *
     * @param limit the most messages to return; the rest stay due for the next call
     */
    public List<Entry> expired(long nowNanos, int limit) {
        List<Entry> due = new ArrayList<>();
        long rto = rtt.rtoNanos();
        Iterator<Entry> it = unacked.values().iterator();
        while (it.hasNext() && due.size() < limit) {
            Entry e = it.next();
            long age = nowNanos - e.lastSentNanos;
            if (age < rto) {
                break; // ordered by last send: nothing later is due even without back-off
            }
            if (age < rto << Math.min(e.sends - 1, MAX_BACKOFF_SHIFT)) {
                continue;
            }
            it.remove();
            due.add(e);
        }
        retransmissions += due.size();
        for (Entry e : due) {
            e.lastSentNanos = nowNanos;
            e.sends++;
            unacked.put(e.sequenceNumber, e);
        }
        return due;
    }

    /** Returns every unacknowledged message, oldest first, and marks them sent now (used after a reconnect). */
    public List<Entry> resendAll(long nowNanos) {
        List<Entry> all = new ArrayList<>(unacked.values());
        retransmissions += all.size();
        for (Entry e : all) {
            e.lastSentNanos = nowNanos;
            e.sends++;
        }
        return all;
    }

    /** Returns when the next message becomes due for retransmission, or {@code Long.MAX_VALUE} when none is. */
    public long nextDueNanos() {
        long rto = rtt.rtoNanos();
        long best = Long.MAX_VALUE;
        for (Entry e : unacked.values()) {
            if (e.lastSentNanos + rto >= best) {
                break; // ordered by last send: later entries are due later still
            }
            best = Math.min(best, e.lastSentNanos + (rto << Math.min(e.sends - 1, MAX_BACKOFF_SHIFT)));
        }
        return best;
    }

    /** Returns the sequence number the next {@link #send} will use. */
    public long nextSequenceNumber() {
        return nextSequenceNumber;
    }

    /** Returns how many retransmissions were handed out so far. */
    public long retransmissions() {
        return retransmissions;
    }

    /** Returns the number of unacknowledged messages. */
    public int size() {
        return unacked.size();
    }

    /** Returns the number of unacknowledged frame bytes. */
    public long bytes() {
        return bytes;
    }

    /** Returns the most sends of any unacknowledged message, or 0 when none is outstanding. */
    public int maxSends() {
        int max = 0;
        for (Entry e : unacked.values()) {
            max = Math.max(max, e.sends);
        }
        return max;
    }

    /** Returns the round-trip estimator. */
    public RoundTripEstimator roundTrip() {
        return rtt;
    }
}
