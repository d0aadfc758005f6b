// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** Is SSH_MSG_SERVICE_REQUEST (RFC 4253 §10): asks for a service such as {@code ssh-userauth}. */
public record ServiceRequestMessage(String serviceName) {

    public ServiceRequestMessage {
        Objects.requireNonNull(serviceName, "serviceName");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.SERVICE_REQUEST);
        SshWire.writeString(out, serviceName);
    }

    /** Reads the message. */
    public static ServiceRequestMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.SERVICE_REQUEST, "SSH_MSG_SERVICE_REQUEST");
        return new ServiceRequestMessage(SshWire.readAsciiString(in));
    }
}
