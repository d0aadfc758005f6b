// SPDX-License-Identifier: Apache-2.0
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
 * identical bytes (§5.2). The buffer is bounded both in messages and in bytes: when it is full,
 * {@link #hasRoom()} turns false and the caller must stop producing (back-pressure) instead of dropping the oldest
 * unacked message as the plugin does.
 *
 * <h2>Which expired messages are resent (a deviation from §5.4)</h2>
 * The websocket runs over TCP and delivers in order. A message whose RTO passed while a message sent after it
 * on the same socket was acknowledged was dropped by the peer (not ready, §5.3, or lost with a socket): it is
 * resent, every one of them. A message whose RTO passed with no such evidence is most likely queued behind the
 * others on a slow path, where resending only adds load: only the lowest unacknowledged number is resent, at most
 * once per RTO, as a probe (the reference ends' head-only rule, §5.4, and TCP's). Without this, a full window on a
 * path slower than window / RTO ceiling (1 MiB / 1 s) resent copies faster than the path could carry the originals
 * and collapsed to a crawl. The probe is the lowest number, not the message sent longest ago: the peer delivers in
 * order, so nothing after the lowest number can be delivered before it arrives. Probing by send age instead took
 * the message the peer waited for once per round of all unacknowledged messages, one RTO each.
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
    /** Is the most doublings of a message's timeout by resends without an acknowledgement in between (×16). */
    public static final int MAX_BACKOFF_SHIFT = 4;

    /** Holds one unacknowledged message: its number, its encoded bytes and when it was last sent. */
    public static final class Entry {
        private final long sequenceNumber;
        private final byte[] frame;
        private long lastSentNanos;
        private int sends;
        /** Orders sends across messages: taken from a counter on every send and resend. */
        private long sendOrder;
        /** Is the {@link #sendOrder} of the first send. */
        private final long firstSendOrder;
        /** Is how often the timeout was doubled, counted since {@link #backOffEpoch}. */
        private int backOffShift;
        /** Is the buffer's {@code acknowledged} count when {@link #backOffShift} was last raised. */
        private long backOffEpoch;

        Entry(long sequenceNumber, byte[] frame, long lastSentNanos, long sendOrder) {
            this.sequenceNumber = sequenceNumber;
            this.frame = frame;
            this.lastSentNanos = lastSentNanos;
            this.sends = 1;
            this.sendOrder = sendOrder;
            this.firstSendOrder = sendOrder;
        }

        /** Returns the sequence number. */
        public long sequenceNumber() {
            return sequenceNumber;
        }

        /** Returns the encoded frame; callers must not modify it. */
        public byte[] frame() {
            return frame;
        }

        /** Returns when the frame was last sent, in the clock's nanoseconds. */
        public long lastSentNanos() {
            return lastSentNanos;
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
    /** The same entries in sequence order (numbers are taken in increasing order and never put back). */
    private final LinkedHashMap<Long, Entry> bySequence = new LinkedHashMap<>();
    private long nextSequenceNumber;
    private long bytes;
    private long retransmissions;
    private long sendCounter;
    /** Is the highest {@link Entry#sendOrder} acknowledged so far. */
    private long highestAckedSendOrder = -1;
    /** Counts acknowledgements of remembered messages: a new count ends every message's back-off. */
    private long acknowledged;
    /** Is when the last loss probe went out (see {@link #due}). */
    private long lastProbeNanos = Long.MIN_VALUE / 2;

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
        Entry e = new Entry(seq, ClientMessageCodec.encode(m), nowNanos, sendCounter++);
        unacked.put(seq, e);
        bySequence.put(seq, e);
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
        bySequence.remove(sequenceNumber);
        acknowledged++;
        // Which copy an ack answers is unknown (Karn's problem), so only the first send counts as evidence: all
        // sent before it on the in-order socket reached the peer. Taking the last resend would declare every
        // message queued behind the original lost.
        highestAckedSendOrder = Math.max(highestAckedSendOrder, e.firstSendOrder);
        bytes -= e.frame.length;
        // Karn's rule, unlike the reference ends (§5.5): an ack of a resent message is ambiguous and would pull
        // the RTO down to the time since the last resend, which causes spurious resends under load.
        if (e.sends == 1) {
            rtt.sample(nowNanos - e.lastSentNanos);
        }
        return true;
    }

    /**
     * Returns the messages to resend now, oldest send first, and marks them sent now: those whose timeout passed
     * and a later send was acknowledged, plus the lowest unacknowledged number as a probe when its timeout passed,
     * at most once per RTO (see the class comment). A message's timeout is the RTO of §5.5, doubled for each
     * resend since the last acknowledgement, up to {@value #MAX_BACKOFF_SHIFT} times.
     *
     * @param limit the most messages to return; the rest stay due for the next call
     */
    public List<Entry> expired(long nowNanos, int limit) {
        List<Entry> due = due(nowNanos, limit);
        for (Entry e : due) {
            resent(e, nowNanos);
        }
        return due;
    }

    /**
     * Returns the messages {@link #expired} would return, oldest send first, without marking them sent; the caller
     * marks each one it really wrote with {@link #resent}, so that a message the socket did not take keeps its
     * place and its timeout instead of waiting a doubled RTO for a send that never happened.
     */
    public List<Entry> due(long nowNanos, int limit) {
        List<Entry> due = new ArrayList<>();
        long rto = rtt.rtoNanos();
        // Ordered by send, so the entries with evidence of loss (sent before an acknowledged first send) come first.
        Iterator<Entry> it = unacked.values().iterator();
        while (it.hasNext() && due.size() < limit) {
            Entry e = it.next();
            long age = nowNanos - e.lastSentNanos;
            if (e.sendOrder >= highestAckedSendOrder || age < rto) {
                break; // no evidence for the rest, or nothing later is due even without back-off
            }
            if (age >= timeout(e, rto)) {
                due.add(e); // the peer acked a later send of the same in-order socket: this one was dropped
            }
        }
        // No evidence of loss for the lowest number, only a slow path maybe: one probe per RTO.
        Entry head = oldestUnacknowledged();
        if (head != null && head.sendOrder >= highestAckedSendOrder && due.size() < limit
                && nowNanos - lastProbeNanos >= rto && nowNanos - head.lastSentNanos >= timeout(head, rto)) {
            due.add(head);
        }
        return due;
    }

    /**
     * Marks a still unacknowledged message as sent again now: its timeout restarts, doubled (§5.4) unless an
     * acknowledgement arrived since its last resend (see {@link #timeout}).
     */
    public void resent(Entry e, long nowNanos) {
        if (unacked.remove(e.sequenceNumber) == null) {
            return;
        }
        int shift = e.backOffEpoch == acknowledged ? e.backOffShift : 0;
        e.backOffShift = Math.min(shift + 1, MAX_BACKOFF_SHIFT);
        e.backOffEpoch = acknowledged;
        retransmissions++;
        if (e.sendOrder >= highestAckedSendOrder) {
            lastProbeNanos = nowNanos;
        }
        e.lastSentNanos = nowNanos;
        e.sends++;
        e.sendOrder = sendCounter++;
        unacked.put(e.sequenceNumber, e); // to the end: the map stays ordered by last send
    }

    /**
     * Records that the socket every message so far went out on is gone (a reconnect): each unacknowledged message
     * counts as dropped and is resent as soon as its timeout passes, without waiting for evidence or probes.
     */
    public void socketLost() {
        highestAckedSendOrder = Math.max(highestAckedSendOrder, sendCounter);
    }

    /** Returns the unacknowledged message with the lowest sequence number, or {@code null} when none is. */
    public Entry oldestUnacknowledged() {
        return bySequence.isEmpty() ? null : bySequence.values().iterator().next();
    }

    /** Returns the unacknowledged messages, oldest send first, without changing anything. */
    public List<Entry> unacknowledged() {
        return new ArrayList<>(unacked.values());
    }

    /** Returns when the next message becomes due for retransmission, or {@code Long.MAX_VALUE} when none is. */
    public long nextDueNanos() {
        long rto = rtt.rtoNanos();
        long best = Long.MAX_VALUE;
        for (Entry e : unacked.values()) {
            if (e.sendOrder >= highestAckedSendOrder || e.lastSentNanos + rto >= best) {
                break; // the rest have no evidence of loss, or are due later still (ordered by last send)
            }
            best = Math.min(best, e.lastSentNanos + timeout(e, rto));
        }
        Entry head = oldestUnacknowledged();
        if (head != null && head.sendOrder >= highestAckedSendOrder) {
            best = Math.min(best, Math.max(head.lastSentNanos + timeout(head, rto), lastProbeNanos + rto));
        }
        return best;
    }

    /**
     * Returns a message's timeout: the RTO, doubled for each resend up to {@value #MAX_BACKOFF_SHIFT} times, but
     * only for resends since the last acknowledgement of any message. Back-off is for a peer that answers nothing;
     * while acknowledgements flow the path works, and a message waiting 16 RTOs because it was resent often before
     * would leave the peer, which delivers in order, waiting with it. (TCP likewise lets a backed-off RTO collapse
     * once new data is acknowledged, RFC 6298 section 5, the note after rule 5.7.)
     */
    private long timeout(Entry e, long rto) {
        return e.backOffEpoch == acknowledged ? rto << e.backOffShift : rto;
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
