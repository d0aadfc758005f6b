// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** Is SSH_MSG_SERVICE_ACCEPT (RFC 4253 §10): grants the requested service. */
public record ServiceAcceptMessage(String serviceName) {

    public ServiceAcceptMessage {
        Objects.requireNonNull(serviceName, "serviceName");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.SERVICE_ACCEPT);
        SshWire.writeString(out, serviceName);
    }

    /** Reads the message. */
    public static ServiceAcceptMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.SERVICE_ACCEPT, "SSH_MSG_SERVICE_ACCEPT");
        return new ServiceAcceptMessage(SshWire.readAsciiString(in));
    }
}
