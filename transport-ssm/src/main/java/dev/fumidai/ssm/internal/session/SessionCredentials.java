// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import java.util.Objects;

/**
 * Holds what StartSession or ResumeSession returned (SSM spec §2.2, §2.3). {@link #toString()} hides the token.
 *
 * @param sessionId the session id
 * @param streamUrl the websocket URL, used exactly as returned
 * @param tokenValue the data-channel token; secret
 */
public record SessionCredentials(String sessionId, String streamUrl, String tokenValue) {

    public SessionCredentials {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(streamUrl, "streamUrl");
    }

    @Override
    public String toString() {
        return "SessionCredentials[sessionId=" + sessionId + ", streamUrl=" + streamUrl + ", tokenValue=<hidden>]";
    }
}
