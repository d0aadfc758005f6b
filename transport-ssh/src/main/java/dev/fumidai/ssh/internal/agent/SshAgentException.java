// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.agent;

import java.io.IOException;

/** Reports that the SSH agent could not be reached, refused a request, or answered with a malformed message. */
public class SshAgentException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message naming the agent socket and the request. */
    public SshAgentException(String message) {
        super(message);
    }

    /** Creates an exception with a message and its cause. */
    public SshAgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
