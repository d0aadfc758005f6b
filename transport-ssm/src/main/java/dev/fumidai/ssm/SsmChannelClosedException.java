// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import dev.fumidai.HopDisconnectedException;

/**
 * Reports that Session Manager closed the data channel with {@code channel_closed} ({@code docs/transport-ssm.md}): idle
 * timeout, maximum session duration, TerminateSession, or the agent ending the session. The service's reason
 * text is in {@link #reason()}; the session cannot be resumed.
 */
public final class SsmChannelClosedException extends HopDisconnectedException {

    private static final long serialVersionUID = 1L;

    private final String sessionId;
    private final String reason;

    /**
     * Creates an exception.
     *
     * @param where the hop, as {@code Hops.describe} writes it
     * @param sessionId the SSM session id
     * @param reason the {@code Output} text of the channel_closed message, possibly empty
     */
    public SsmChannelClosedException(String where, String sessionId, String reason) {
        super(where, "SSM session " + sessionId + " closed by the service: "
                + (reason == null || reason.isEmpty() ? "(no reason given)" : reason), null);
        this.sessionId = sessionId;
        this.reason = reason == null ? "" : reason;
    }

    /** Returns the SSM session id. */
    public String sessionId() {
        return sessionId;
    }

    /** Returns the service's reason text, possibly empty. */
    public String reason() {
        return reason;
    }
}
