// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import java.io.IOException;

/**
 * Reports that the peer broke the SSH protocol: a malformed message, a message out of order, a bound
 * exceeded. It carries the SSH_MSG_DISCONNECT reason code (RFC 4253 §11.1) we send before closing.
 */
public class SshProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int reasonCode;

    /** Creates an exception with reason {@link DisconnectMessage#PROTOCOL_ERROR}. */
    public SshProtocolException(String message) {
        this(DisconnectMessage.PROTOCOL_ERROR, message);
    }

    /** Creates an exception with a disconnect reason code of RFC 4253 §11.1. */
    public SshProtocolException(int reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    /** Creates an exception with a disconnect reason code and a cause. */
    public SshProtocolException(int reasonCode, String message, Throwable cause) {
        super(message, cause);
        this.reasonCode = reasonCode;
    }

    /** Returns the reason code to send in SSH_MSG_DISCONNECT (RFC 4253 §11.1). */
    public int reasonCode() {
        return reasonCode;
    }
}
