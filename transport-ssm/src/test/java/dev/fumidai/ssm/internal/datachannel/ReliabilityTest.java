// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReliabilityTest {

    private static final long MS = 1_000_000L;

    private static ClientMessage data(long seq, int size) {
        return new ClientMessage(MessageTypes.OUTPUT_STREAM_DATA, 1, 1, seq, 0, UUID.randomUUID(), 1,
                new byte[size]);
    }

    @Test
    void rtoStartsAt200MsAndFollowsTheFormulaOfSection55() {
        RoundTripEstimator e = new RoundTripEstimator();
        assertEquals(200 * MS, e.rtoNanos());
        e.sample(20 * MS);
        // RTTVAR = 0.75*0 + 0.25*|100-20| = 20; RTT = 0.875*100 + 0.125*20 = 90; RTO = 90 + max(10, 80) = 170
        assertEquals(20 * MS, e.rttVarNanos());
        assertEquals(90 * MS, e.rttNanos());
        assertEquals(170 * MS, e.rtoNanos());
        for (int i = 0; i < 200; i++) {
            e.sample(1);
        }
        // RTT and RTTVAR converge to ~0; the granularity term keeps RTO at >= 10 ms.
        assertTrue(e.rtoNanos() >= 10 * MS && e.rtoNanos() < 11 * MS, "rto " + e.rtoNanos());
        for (int i = 0; i < 50; i++) {
            e.sample(10_000 * MS);
        }
        assertEquals(1000 * MS, e.rtoNanos(), "RTO is capped at 1 s");
    }

    @Test
    void incomingDeliversInOrderAndReacksDuplicates() {
        IncomingMessageBuffer in = new IncomingMessageBuffer(8, 1 << 20);
        IncomingMessageBuffer.Receipt r = in.receive(data(1, 10));
        assertTrue(r.acknowledge());
        assertTrue(r.deliver().isEmpty());
        assertEquals(1, in.size());

        r = in.receive(data(1, 10));
        assertTrue(r.acknowledge(), "a buffered duplicate is acknowledged again");
        assertTrue(r.deliver().isEmpty());

        r = in.receive(data(0, 5));
        assertTrue(r.acknowledge());
        assertEquals(List.of(0L, 1L), r.deliver().stream().map(ClientMessage::sequenceNumber).toList());
        assertEquals(0, in.size());
        assertEquals(0, in.bytes());

        r = in.receive(data(0, 5));
        assertTrue(r.acknowledge(), "an old duplicate is acknowledged again (the agent's rule, §5.3)");
        assertTrue(r.deliver().isEmpty());
        assertEquals(2, in.expectedSequenceNumber());
    }

    @Test
    void incomingDropsWithoutAckBeyondTheWindowOrTheByteBound() {
        IncomingMessageBuffer in = new IncomingMessageBuffer(4, 100);
        assertFalse(in.receive(data(4, 1)).acknowledge(), "seq 4 is outside the window [0, 4)");
        assertTrue(in.receive(data(3, 60)).acknowledge());
        assertFalse(in.receive(data(2, 60)).acknowledge(), "would exceed 100 buffered bytes");
        assertTrue(in.receive(data(2, 40)).acknowledge());
        assertEquals(2, in.size());
        // The expected message is always taken, whatever the buffer holds.
        IncomingMessageBuffer.Receipt r = in.receive(data(0, 1000));
        assertEquals(1, r.deliver().size());
        r = in.receive(data(1, 1));
        assertEquals(3, r.deliver().size());
        assertEquals(0, in.bytes());
    }

    @Test
    void outgoingNumbersFromZeroRetransmitsIdenticalBytesAndBoundsMemory() throws Exception {
        OutgoingMessageBuffer out = new OutgoingMessageBuffer(MessageTypes.INPUT_STREAM_DATA, 3, 1 << 20);
        long t = 0;
        OutgoingMessageBuffer.Entry e0 = out.send(PayloadTypes.OUTPUT, new byte[] {1}, 1000, t);
        OutgoingMessageBuffer.Entry e1 = out.send(PayloadTypes.OUTPUT, new byte[] {2}, 1000, t + MS);
        assertEquals(0, e0.sequenceNumber());
        assertEquals(1, e1.sequenceNumber());
        ClientMessage m0 = ClientMessageCodec.decode(e0.frame());
        assertEquals(MessageTypes.INPUT_STREAM_DATA, m0.messageType());
        assertEquals(0, m0.flags());

        assertTrue(out.expired(t + 199 * MS, 100).isEmpty(), "RTO starts at 200 ms");
        List<OutgoingMessageBuffer.Entry> due = out.expired(t + 200 * MS, 100);
        assertEquals(List.of(e0), due, "with no evidence of loss, the oldest goes out as a probe");
        assertTrue(out.expired(t + 201 * MS, 100).isEmpty(),
                "one probe per RTO: the next expired message is taken as queued, not lost");
        assertEquals(t + 600 * MS, out.nextDueNanos(), "the next probe is e0 again, after its doubled timeout");

        OutgoingMessageBuffer.Entry e2 = out.send(PayloadTypes.OUTPUT, new byte[] {3}, 1000, t + 210 * MS);
        assertFalse(out.hasRoom());
        assertThrows(IllegalStateException.class, () -> out.send(PayloadTypes.OUTPUT, new byte[0], 1, 0));
        assertTrue(out.acknowledge(2, t + 220 * MS));
        assertFalse(out.acknowledge(2, t + 220 * MS), "a duplicate ack changes nothing");
        assertFalse(out.acknowledge(99, t + 220 * MS));
        assertTrue(out.hasRoom());
        due = out.expired(t + 221 * MS, 100);
        assertEquals(List.of(e1), due, "e2, sent after e1, was acked, so e1 was dropped: it is resent at once");
        assertEquals(2, e1.sends());
        assertTrue(out.expired(t + 222 * MS, 100).isEmpty(), "a resent message waits a full RTO again");
        assertTrue(out.acknowledge(0, t + 230 * MS));
        assertTrue(out.expired(t + 231 * MS, 100).isEmpty(),
                "an ack of a resent message is evidence only for what was sent before its first copy");
        assertEquals(1, out.size());
        assertEquals(3, out.nextSequenceNumber());
        assertEquals(e2.sequenceNumber() + 1, out.nextSequenceNumber());
    }

    @Test
    void afterALostSocketEveryExpiredMessageIsResentWithoutWaitingForProbes() {
        OutgoingMessageBuffer out = new OutgoingMessageBuffer(MessageTypes.INPUT_STREAM_DATA, 10, 1 << 20);
        OutgoingMessageBuffer.Entry a = out.send(PayloadTypes.OUTPUT, new byte[] {1}, 1, 0);
        OutgoingMessageBuffer.Entry b = out.send(PayloadTypes.OUTPUT, new byte[] {2}, 1, 0);
        OutgoingMessageBuffer.Entry c = out.send(PayloadTypes.OUTPUT, new byte[] {3}, 1, 0);
        assertEquals(List.of(a), out.expired(200 * MS, 10), "before: one probe");
        out.socketLost();
        OutgoingMessageBuffer.Entry d = out.send(PayloadTypes.OUTPUT, new byte[] {4}, 1, 250 * MS);
        assertEquals(List.of(b, c), out.expired(250 * MS, 10), "after the loss: all that went out on the old socket");
        assertTrue(out.expired(450 * MS, 10).isEmpty(),
                "a message sent on the new socket is only late, and d is not the lowest number: no probe");
        assertEquals(List.of(a), out.expired(600 * MS, 10), "a went out on the old socket: resent after 2 x RTO");
    }

    @Test
    void theProbeIsTheLowestUnacknowledgedNumberHoweverRecentlyItWasResent() {
        // The peer delivers in order: until the lowest number arrives nothing later can be delivered, so that is
        // the message a probe must carry, as in the reference ends (head only) and TCP (SND.UNA).
        OutgoingMessageBuffer out = new OutgoingMessageBuffer(MessageTypes.INPUT_STREAM_DATA, 10, 1 << 20);
        OutgoingMessageBuffer.Entry a = out.send(PayloadTypes.OUTPUT, new byte[] {1}, 1, 0);
        OutgoingMessageBuffer.Entry b = out.send(PayloadTypes.OUTPUT, new byte[] {2}, 1, 0);
        out.send(PayloadTypes.OUTPUT, new byte[] {3}, 1, 0);
        assertEquals(List.of(a), out.expired(200 * MS, 10));
        assertTrue(out.expired(400 * MS, 10).isEmpty(),
                "b and c were sent longer ago than a, but a probe of them cannot make the peer deliver anything");
        assertEquals(600 * MS, out.nextDueNanos(), "a's own timeout, doubled once");
        assertEquals(List.of(a), out.expired(600 * MS, 10));
        assertTrue(out.acknowledge(0, 700 * MS));
        assertEquals(800 * MS, out.nextDueNanos(), "then b is the lowest: it is the next probe, one RTO after a's");
        assertEquals(List.of(b), out.expired(800 * MS, 10));
    }

    @Test
    void anAcknowledgementEndsTheBackOffOfEveryMessage() {
        // As in TCP (RFC 6298 section 5, after rule 5.7): back-off is for a peer that answers nothing. Once acks flow
        // again, a message that was resent often waits one RTO, not 16: otherwise the tail of a lossy transfer, where
        // each message in turn is the one the peer waits for, crawls at one message per 16 RTOs.
        OutgoingMessageBuffer out = new OutgoingMessageBuffer(MessageTypes.INPUT_STREAM_DATA, 10, 1 << 20);
        OutgoingMessageBuffer.Entry a = out.send(PayloadTypes.OUTPUT, new byte[] {1}, 1, 0);
        assertEquals(List.of(a), out.expired(200 * MS, 10));
        assertEquals(List.of(a), out.expired(600 * MS, 10));
        assertEquals(1400 * MS, out.nextDueNanos(), "no answer: the third resend waits 4 x RTO");
        out.send(PayloadTypes.OUTPUT, new byte[] {2}, 1, 650 * MS);
        assertTrue(out.acknowledge(1, 660 * MS));
        long rto = out.roundTrip().rtoNanos();
        assertEquals(600 * MS + rto, out.nextDueNanos(), "b, sent after a's last copy, was acked: a waits one RTO");
        assertEquals(List.of(a), out.expired(600 * MS + rto, 10));
        assertEquals(4, a.sends());
        assertEquals(600 * MS + 3 * rto, out.nextDueNanos(), "and backs off again while nothing is acknowledged");
    }

    @Test
    void resendsBackOffPerMessageAndResentAcksDoNotSampleTheRtt() {
        OutgoingMessageBuffer out = new OutgoingMessageBuffer(MessageTypes.INPUT_STREAM_DATA, 10, 1 << 20);
        OutgoingMessageBuffer.Entry e = out.send(PayloadTypes.OUTPUT, new byte[] {1}, 1, 0);
        assertEquals(List.of(e), out.expired(200 * MS, 10));
        assertTrue(out.expired(599 * MS, 10).isEmpty(), "second resend waits 2 x RTO");
        assertEquals(600 * MS, out.nextDueNanos());
        assertEquals(List.of(e), out.expired(600 * MS, 10));
        assertEquals(1400 * MS, out.nextDueNanos(), "third resend waits 4 x RTO");
        long rtoBefore = out.roundTrip().rtoNanos();
        assertTrue(out.acknowledge(0, 601 * MS));
        assertEquals(rtoBefore, out.roundTrip().rtoNanos(), "Karn: the ack of a resent message is not a sample");
        assertEquals(2, out.retransmissions());
    }

    @Test
    void outgoingByteBoundAlwaysAllowsOneMessage() {
        OutgoingMessageBuffer out = new OutgoingMessageBuffer(MessageTypes.INPUT_STREAM_DATA, 100, 10);
        assertTrue(out.hasRoom());
        out.send(PayloadTypes.OUTPUT, new byte[500], 1, 0);
        assertFalse(out.hasRoom());
        assertEquals(620, out.bytes());
        assertTrue(out.acknowledge(0, 5));
        assertEquals(0, out.bytes());
        assertTrue(out.hasRoom());
    }
}
