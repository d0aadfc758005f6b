// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * Holds one data-channel message, the "ClientMessage"/"AgentMessage" of SSM spec §4.1, with every header field.
 *
 * <p>The payload array is owned by the record once it is built: callers must not change it afterwards. The
 * payload digest and lengths are not fields: {@link ClientMessageCodec} computes them when encoding and checks
 * them when decoding. {@link #toString()} shows sizes, never payload bytes.
 *
 * @param messageType the MessageType string without padding, e.g. {@link MessageTypes#OUTPUT_STREAM_DATA}
 * @param schemaVersion the SchemaVersion, 1 for every known writer
 * @param createdDate the CreatedDate in Unix epoch milliseconds, not zero
 * @param sequenceNumber the SequenceNumber (§5.2); 0 for unsequenced messages
 * @param flags the Flags field (§4.4)
 * @param messageId the MessageId
 * @param payloadType the PayloadType (§4.3)
 * @param payload the payload bytes
 */
public record ClientMessage(String messageType, int schemaVersion, long createdDate, long sequenceNumber, long flags,
        UUID messageId, int payloadType, byte[] payload) {

    /** Is the SchemaVersion both reference writers put (§4.1). */
    public static final int SCHEMA_VERSION = 1;

    /** Is the Flags value the agent puts on its first output message, sequence 0 (§4.4: SYN bit). */
    public static final long FLAGS_SYN = 1;

    /** Is the Flags value both ends put on acknowledgements (§4.4). */
    public static final long FLAGS_ACK = 3;

    public ClientMessage {
        Objects.requireNonNull(messageType, "messageType");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(payload, "payload");
    }

    /** Returns a sequenced stream-data message with the flags the reference writers put (§4.4). */
    public static ClientMessage streamData(String messageType, long createdDate, long sequenceNumber,
            int payloadType, byte[] payload) {
        long flags = MessageTypes.OUTPUT_STREAM_DATA.equals(messageType) && sequenceNumber == 0 ? FLAGS_SYN : 0;
        return new ClientMessage(messageType, SCHEMA_VERSION, createdDate, sequenceNumber, flags, UUID.randomUUID(),
                payloadType, payload);
    }

    /** Returns an {@code acknowledge} message for the given sequenced message (§5.1). */
    public static ClientMessage acknowledge(ClientMessage acked, long createdDate) {
        AcknowledgeContent content = new AcknowledgeContent(acked.messageType(), acked.messageId().toString(),
                acked.sequenceNumber(), true);
        return new ClientMessage(MessageTypes.ACKNOWLEDGE, SCHEMA_VERSION, createdDate, 0, FLAGS_ACK,
                UUID.randomUUID(), PayloadTypes.NONE, content.toJson());
    }

    /** Returns the payload length in bytes. */
    public int payloadLength() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClientMessage)) {
            return false;
        }
        ClientMessage m = (ClientMessage) o;
        return schemaVersion == m.schemaVersion && createdDate == m.createdDate
                && sequenceNumber == m.sequenceNumber && flags == m.flags && payloadType == m.payloadType
                && messageType.equals(m.messageType) && messageId.equals(m.messageId)
                && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageType, sequenceNumber, messageId) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ClientMessage[" + messageType + " seq=" + sequenceNumber + " flags=" + flags + " id=" + messageId
                + " payloadType=" + payloadType + " payloadLength=" + payload.length + "]";
    }
}
