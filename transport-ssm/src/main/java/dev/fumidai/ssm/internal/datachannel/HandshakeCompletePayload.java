// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Holds the agent's HandshakeComplete, PayloadType 7 (SSM spec §6.5).
 *
 * @param handshakeTimeToCompleteNanos how long the handshake took, in nanoseconds (a Go duration)
 * @param customerMessage a text to show the user, or empty
 */
public record HandshakeCompletePayload(long handshakeTimeToCompleteNanos, String customerMessage) {

    public HandshakeCompletePayload {
        customerMessage = customerMessage == null ? "" : customerMessage;
    }

    /** Returns the JSON form. */
    public byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("HandshakeTimeToComplete", handshakeTimeToCompleteNanos);
        m.put("CustomerMessage", customerMessage);
        return Json.write(m);
    }

    /**
     * Parses a HandshakeComplete payload.
     *
     * @throws MalformedMessageException when it is not a JSON object of the expected shape
     */
    public static HandshakeCompletePayload parse(byte[] json) throws MalformedMessageException {
        String what = "HandshakeComplete";
        Map<String, Object> m = Json.parseObject(json, what);
        return new HandshakeCompletePayload(Json.integer(m, "HandshakeTimeToComplete", 0, what),
                Json.string(m, "CustomerMessage", what));
    }
}
