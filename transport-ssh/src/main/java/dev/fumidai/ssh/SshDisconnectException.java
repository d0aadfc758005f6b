// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.HopDisconnectedException;

/**
 * Reports that the SSH server ended the connection with SSH_MSG_DISCONNECT (RFC 4253 §11.1); the lowest
 * layer of the SSH pipeline turns the message into this exception, and upper layers see only it.
 */
public class SshDisconnectException extends HopDisconnectedException {

    private static final long serialVersionUID = 1L;

    private final int reasonCode;
    private final String description;

    /**
     * Creates an exception.
     *
     * @param where the hop, as {@code dev.fumidai.spi.Hops#describe} writes it
     * @param reasonCode the RFC 4253 §11.1 reason code
     * @param reasonName the reason's RFC name
     * @param description the server's description, already stripped of control characters
     */
    public SshDisconnectException(String where, int reasonCode, String reasonName, String description) {
        super(where, "server disconnected: " + reasonName + " (" + reasonCode + "): " + description, null);
        this.reasonCode = reasonCode;
        this.description = description;
    }

    /** Returns the reason code of RFC 4253 §11.1. */
    public int reasonCode() {
        return reasonCode;
    }

    /** Returns the server's description. */
    public String description() {
        return description;
    }
}
