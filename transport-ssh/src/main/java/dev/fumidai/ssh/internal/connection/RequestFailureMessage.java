// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_REQUEST_FAILURE (RFC 4254 §4): a global request was refused or not understood. */
public record RequestFailureMessage() {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.REQUEST_FAILURE);
    }

    /** Reads the message. */
    public static RequestFailureMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.REQUEST_FAILURE, "SSH_MSG_REQUEST_FAILURE");
        SshWire.requireEnd(in, "SSH_MSG_REQUEST_FAILURE");
        return new RequestFailureMessage();
    }
}
