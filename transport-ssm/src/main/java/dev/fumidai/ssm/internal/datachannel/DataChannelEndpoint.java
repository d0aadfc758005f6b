// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one end of the data channel's message layer (SSM spec §4, §5): numbers and sends sequenced messages,
 * acknowledges and orders received ones, retransmits, and survives websocket reconnects, since sequence state
 * lives here and not in the socket (§5.2). Used by the client and by the fake agent.
 *
 * <p>Frames go out through a {@link Transport} that may be disconnected: a message sent meanwhile stays in the
 * outgoing buffer and is retransmitted when its RTO passes or at once by {@link #retransmitAll} after a
 * reconnect. {@code pause_publication} stops sending (new messages are only remembered) until
 * {@code start_publication}, an inbound stream message or an acknowledgement arrives, as the agent does
 * (§5.4).
 *
 * <h2>Threading</h2>
 * Not thread-safe: all calls come from one event loop. Time comes from the given {@link Clock}.
 *
 * <h2>Failure</h2>
 * Malformed frames are logged and dropped as both reference ends do (§4.1); nothing here closes the channel.
 */
public final class DataChannelEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(DataChannelEndpoint.class);

    /** Writes encoded frames to the current websocket, or drops them when there is none. */
    @FunctionalInterface
    public interface Transport {
        /**
         * Sends one frame as a binary websocket message.
         *
         * @param ack whether the frame is an acknowledgement, which is small and should go out even when the
         *     socket's write buffer is above its high-water mark
         * @return false when not connected or not writable; the message stays due for retransmission
         */
        boolean send(byte[] frame, boolean ack);
    }

    /** Gives the wall-clock milliseconds for CreatedDate and monotonic nanoseconds for timers. */
    public interface Clock {
        /** Returns epoch milliseconds. */
        long millis();

        /** Returns monotonic nanoseconds. */
        long nanos();

        /** Returns the system clock. */
        static Clock system() {
            return new Clock() {
                @Override
                public long millis() {
                    return System.currentTimeMillis();
                }

                @Override
                public long nanos() {
                    return System.nanoTime();
                }
            };
        }
    }

    /** Receives what the peer sent, in order. Callbacks must not throw. */
    public interface Handler {
        /** Returns whether stream data can be taken now; when false, it is dropped unacknowledged (§5.3). */
        boolean canAccept(ClientMessage message);

        /** Takes one in-order stream message; each sequence number is delivered exactly once. */
        void onStreamMessage(ClientMessage message);

        /** Takes an unsequenced message other than acknowledge: channel_closed, publication, session state. */
        void onControlMessage(ClientMessage message);

        /** Tells that an acknowledgement freed room in the outgoing buffer. */
        default void onAcknowledged() {
        }
    }

    private final OutgoingMessageBuffer outgoing;
    private final IncomingMessageBuffer incoming;
    private final Clock clock;
    private final Transport transport;
    private final Handler handler;
    private boolean paused;
    private long malformed;

    /** Creates an endpoint; {@code outgoing} decides the message type sent (input or output stream data). */
    public DataChannelEndpoint(OutgoingMessageBuffer outgoing, IncomingMessageBuffer incoming, Clock clock,
            Transport transport, Handler handler) {
        this.outgoing = outgoing;
        this.incoming = incoming;
        this.clock = clock;
        this.transport = transport;
        this.handler = handler;
    }

    /** Returns whether another message may be sent without exceeding the outgoing bound. */
    public boolean hasRoom() {
        return outgoing.hasRoom();
    }

    /**
     * Numbers and sends a stream message (sent later if paused or disconnected).
     *
     * @return the sequence number used
     * @throws IllegalStateException when {@link #hasRoom()} is false
     */
    public long send(int payloadType, byte[] payload) {
        OutgoingMessageBuffer.Entry e = outgoing.send(payloadType, payload, clock.millis(), clock.nanos());
        if (!paused) {
            transport.send(e.frame(), false);
        }
        return e.sequenceNumber();
    }

    /** Sends an unsequenced message directly, e.g. a fake MGS control message. */
    public void sendUnsequenced(ClientMessage message) {
        transport.send(ClientMessageCodec.encode(message), true);
    }

    /** Handles one received websocket message. */
    public void onFrame(byte[] frame) {
        ClientMessage m;
        try {
            m = ClientMessageCodec.decode(frame);
        } catch (MalformedMessageException e) {
            malformed++;
            LOG.warn("dropping malformed data-channel frame of {} bytes: {}", frame.length, e.getMessage());
            return;
        }
        onMessage(m);
    }

    /** Handles one decoded message. */
    public void onMessage(ClientMessage m) {
        String type = m.messageType();
        if (MessageTypes.ACKNOWLEDGE.equals(type)) {
            try {
                AcknowledgeContent ack = AcknowledgeContent.parse(m.payload());
                boolean freed = outgoing.acknowledge(ack.sequenceNumber(), clock.nanos());
                resume();
                if (freed) {
                    handler.onAcknowledged();
                }
            } catch (MalformedMessageException e) {
                malformed++;
                LOG.warn("dropping acknowledge: {}", e.getMessage());
            }
            return;
        }
        if (MessageTypes.isSequenced(type)) {
            resume();
            if (m.sequenceNumber() >= incoming.expectedSequenceNumber() && !handler.canAccept(m)) {
                return; // not ready: no ack, the peer retransmits (§5.3)
            }
            IncomingMessageBuffer.Receipt r = incoming.receive(m);
            if (r.acknowledge()) {
                transport.send(ClientMessageCodec.encode(ClientMessage.acknowledge(m, clock.millis())), true);
            }
            for (ClientMessage d : r.deliver()) {
                handler.onStreamMessage(d);
            }
            return;
        }
        if (MessageTypes.PAUSE_PUBLICATION.equals(type)) {
            paused = true;
        } else if (MessageTypes.START_PUBLICATION.equals(type)) {
            resume();
        }
        handler.onControlMessage(m);
    }

    /**
     * Is the most messages resent per {@link #tick}. The reference ends resend one per 100 ms tick (§5.4); here
     * every message known to be dropped is resent (see {@link OutgoingMessageBuffer}: a later send was acked),
     * in bounded bursts, while messages that are merely late get one probe per RTO, because over a websocket on
     * TCP a late ack nearly always means a slow path, and resending on lateness turns a slow path into a
     * congested one.
     */
    public static final int MAX_RESENDS_PER_TICK = 64;

    /** Retransmits expired messages, oldest first; call every 100 ms (§5.4). */
    public void tick() {
        if (paused) {
            return;
        }
        long now = clock.nanos();
        for (OutgoingMessageBuffer.Entry e : outgoing.due(now, MAX_RESENDS_PER_TICK)) {
            if (!transport.send(e.frame(), false)) {
                break; // not written: it stays due, with its timeout unchanged, for the next tick or writability
            }
            outgoing.resent(e, now);
        }
    }

    /**
     * Sends every unacknowledged message again, e.g. after a reconnect, as far as the socket takes them; the
     * rest stay due and go out from {@link #tick} as the socket drains.
     */
    public void retransmitAll() {
        paused = false;
        outgoing.socketLost(); // what the socket does not take now is known lost, not merely late
        long now = clock.nanos();
        for (OutgoingMessageBuffer.Entry e : outgoing.unacknowledged()) {
            if (!transport.send(e.frame(), false)) {
                break;
            }
            outgoing.resent(e, now);
        }
    }

    /** Returns when the next retransmission is due, in {@link Clock#nanos()} time. */
    public long nextDueNanos() {
        return outgoing.nextDueNanos();
    }

    /** Returns whether the peer's relay asked us to pause. */
    public boolean isPaused() {
        return paused;
    }

    /** Returns the number of malformed frames dropped. */
    public long malformedFrames() {
        return malformed;
    }

    /** Returns the outgoing buffer, for inspection. */
    public OutgoingMessageBuffer outgoing() {
        return outgoing;
    }

    /** Returns the incoming buffer, for inspection. */
    public IncomingMessageBuffer incoming() {
        return incoming;
    }

    private void resume() {
        if (paused) {
            paused = false;
            tick();
        }
    }
}
