// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Holds the JSON payload of an {@code acknowledge} message (SSM spec §5.1). Receivers match acks only on
 * {@link #sequenceNumber()}; the other fields are echoed for the peer's logs.
 *
 * @param messageType the acknowledged message's type
 * @param messageId the acknowledged message's id as a UUID string
 * @param sequenceNumber the acknowledged message's sequence number
 * @param isSequentialMessage always {@code true} from both reference ends
 */
public record AcknowledgeContent(String messageType, String messageId, long sequenceNumber,
        boolean isSequentialMessage) {

    /** Returns the compact JSON form, fields in the reference order. */
    public byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("AcknowledgedMessageType", messageType);
        m.put("AcknowledgedMessageId", messageId);
        m.put("AcknowledgedMessageSequenceNumber", sequenceNumber);
        m.put("IsSequentialMessage", isSequentialMessage);
        return Json.write(m);
    }

    /**
     * Parses an acknowledge payload.
     *
     * @throws MalformedMessageException when it is not JSON or lacks the sequence number
     */
    public static AcknowledgeContent parse(byte[] json) throws MalformedMessageException {
        Map<String, Object> m = Json.parseObject(json, "acknowledge");
        if (!(m.get("AcknowledgedMessageSequenceNumber") instanceof Long)) {
            throw new MalformedMessageException("acknowledge.AcknowledgedMessageSequenceNumber is missing");
        }
        Object seq = m.get("IsSequentialMessage");
        return new AcknowledgeContent(Json.string(m, "AcknowledgedMessageType", "acknowledge"),
                Json.string(m, "AcknowledgedMessageId", "acknowledge"),
                (Long) m.get("AcknowledgedMessageSequenceNumber"), !Boolean.FALSE.equals(seq));
    }
}
