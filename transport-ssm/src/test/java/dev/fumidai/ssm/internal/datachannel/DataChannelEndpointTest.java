// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DataChannelEndpointTest {

    private long nanos;
    private final DataChannelEndpoint.Clock clock = new DataChannelEndpoint.Clock() {
        @Override
        public long millis() {
            return 1_700_000_000_000L + nanos / 1_000_000;
        }

        @Override
        public long nanos() {
            return nanos;
        }
    };

    private final List<byte[]> wire = new ArrayList<>();
    private boolean connected = true;
    private final List<ClientMessage> delivered = new ArrayList<>();
    private final List<ClientMessage> control = new ArrayList<>();
    private boolean accept = true;

    private DataChannelEndpoint endpoint() {
        return new DataChannelEndpoint(
                new OutgoingMessageBuffer(MessageTypes.INPUT_STREAM_DATA, 100, 1 << 20),
                new IncomingMessageBuffer(100, 1 << 20), clock,
                (frame, ack) -> {
                    if (connected) {
                        wire.add(frame);
                    }
                    return connected;
                },
                new DataChannelEndpoint.Handler() {
                    @Override
                    public boolean canAccept(ClientMessage m) {
                        return accept;
                    }

                    @Override
                    public void onStreamMessage(ClientMessage m) {
                        delivered.add(m);
                    }

                    @Override
                    public void onControlMessage(ClientMessage m) {
                        control.add(m);
                    }
                });
    }

    private static ClientMessage output(long seq) {
        return new ClientMessage(MessageTypes.OUTPUT_STREAM_DATA, 1, 1, seq, 0, UUID.randomUUID(), 1, new byte[] {1});
    }

    private static ClientMessage decode(byte[] frame) throws Exception {
        return ClientMessageCodec.decode(frame);
    }

    @Test
    void acksInOrderDataAndDropsUnacceptedDataUnacked() throws Exception {
        DataChannelEndpoint e = endpoint();
        e.onMessage(output(0));
        assertEquals(1, delivered.size());
        assertEquals(MessageTypes.ACKNOWLEDGE, decode(wire.get(0)).messageType());
        accept = false;
        e.onMessage(output(1));
        assertEquals(1, wire.size(), "no ack for data the handler could not take");
        e.onMessage(output(0));
        assertEquals(2, wire.size(), "a duplicate is re-acked even when busy");
        accept = true;
        e.onMessage(output(1));
        assertEquals(2, delivered.size());
    }

    @Test
    void keepsSendingStateAcrossADisconnectAndRetransmitsOnReconnect() throws Exception {
        DataChannelEndpoint e = endpoint();
        e.send(PayloadTypes.OUTPUT, new byte[] {7});
        connected = false;
        e.send(PayloadTypes.OUTPUT, new byte[] {8});
        assertEquals(1, wire.size());
        connected = true;
        e.retransmitAll();
        assertEquals(List.of(0L, 0L, 1L), wire.stream().map(f -> {
            try {
                return decode(f).sequenceNumber();
            } catch (Exception x) {
                throw new AssertionError(x);
            }
        }).toList());
        ClientMessage ack = ClientMessage.acknowledge(decode(wire.get(2)), 5);
        e.onFrame(ClientMessageCodec.encode(ack));
        assertEquals(1, e.outgoing().size());
    }

    @Test
    void pausePublicationHoldsSendsUntilStart() throws Exception {
        DataChannelEndpoint e = endpoint();
        e.onMessage(new ClientMessage(MessageTypes.PAUSE_PUBLICATION, 1, 1, 0, 0, UUID.randomUUID(), 0,
                new byte[0]));
        assertTrue(e.isPaused());
        e.send(PayloadTypes.OUTPUT, new byte[] {1});
        nanos += 2_000_000_000L;
        e.tick();
        assertTrue(wire.isEmpty());
        e.onMessage(new ClientMessage(MessageTypes.START_PUBLICATION, 1, 1, 0, 0, UUID.randomUUID(), 0,
                new byte[0]));
        assertFalse(e.isPaused());
        assertEquals(1, wire.size(), "the held message goes out on start_publication");
        assertEquals(2, control.size());
    }

    @Test
    void malformedFramesAreCountedAndDropped() {
        DataChannelEndpoint e = endpoint();
        e.onFrame(new byte[10]);
        assertEquals(1, e.malformedFrames());
        assertTrue(delivered.isEmpty() && wire.isEmpty());
    }
}
