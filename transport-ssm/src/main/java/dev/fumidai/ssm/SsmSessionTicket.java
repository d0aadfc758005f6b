// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import java.util.Objects;

/**
 * Holds what StartSession or ResumeSession returned ({@code docs/transport-ssm.md}): the session id, the data-channel
 * URL to use exactly as given, and the short-lived token. {@link #toString()} never shows the token.
 *
 * @param sessionId the SSM session id; it joins the CloudTrail record
 * @param streamUrl the websocket URL
 * @param tokenValue the data-channel token; secret, or empty when ResumeSession says the session is over
 */
public record SsmSessionTicket(String sessionId, String streamUrl, String tokenValue) {

    public SsmSessionTicket {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(streamUrl, "streamUrl");
        tokenValue = tokenValue == null ? "" : tokenValue;
    }

    @Override
    public String toString() {
        return "SsmSessionTicket[sessionId=" + sessionId + ", streamUrl=" + streamUrl + ", tokenValue=<hidden>]";
    }
}
