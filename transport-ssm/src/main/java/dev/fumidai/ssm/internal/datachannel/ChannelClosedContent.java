// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Holds the JSON payload of a {@code channel_closed} message from MGS (SSM spec §5.6): why the service ended
 * the session (idle timeout, maximum duration, TerminateSession, agent shutdown).
 *
 * @param messageId the id MGS gave the message, or {@code null}
 * @param createdDate the creation date as MGS wrote it (a string), or {@code null}
 * @param destinationId the destination id, or {@code null}
 * @param sessionId the session id, or {@code null}
 * @param output the reason text, possibly empty
 */
public record ChannelClosedContent(String messageId, String createdDate, String destinationId, String sessionId,
        String output) {

    /** Returns the JSON form, as MGS writes it. */
    public byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("MessageId", messageId);
        m.put("CreatedDate", createdDate);
        m.put("DestinationId", destinationId);
        m.put("SessionId", sessionId);
        m.put("MessageType", MessageTypes.CHANNEL_CLOSED);
        m.put("SchemaVersion", 1L);
        m.put("Output", output);
        return Json.write(m);
    }

    /**
     * Parses a channel_closed payload.
     *
     * @throws MalformedMessageException when it is not a JSON object of the expected shape
     */
    public static ChannelClosedContent parse(byte[] json) throws MalformedMessageException {
        String what = "channel_closed";
        Map<String, Object> m = Json.parseObject(json, what);
        String output = Json.string(m, "Output", what);
        return new ChannelClosedContent(Json.string(m, "MessageId", what), stringish(m.get("CreatedDate")),
                Json.string(m, "DestinationId", what), Json.string(m, "SessionId", what),
                output == null ? "" : output);
    }

    private static String stringish(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
