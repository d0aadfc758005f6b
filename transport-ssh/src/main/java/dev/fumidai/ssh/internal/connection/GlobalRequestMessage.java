// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Is SSH_MSG_GLOBAL_REQUEST (RFC 4254 §4): a connection-wide request such as {@code keepalive@openssh.com} or
 * {@code hostkeys-00@openssh.com}, with its request-specific data kept as raw bytes.
 */
public record GlobalRequestMessage(String requestName, boolean wantReply, byte[] requestData) {

    /** The OpenSSH liveness probe (OpenSSH {@code PROTOCOL} §2.5 is silent; servers answer it with failure). */
    public static final String KEEPALIVE = "keepalive@openssh.com";
    /** The OpenSSH host-key rotation notice (OpenSSH {@code PROTOCOL} §2.5). */
    public static final String HOSTKEYS = "hostkeys-00@openssh.com";

    public GlobalRequestMessage {
        Objects.requireNonNull(requestName, "requestName");
        requestData = requestData.clone();
    }

    @Override
    public byte[] requestData() {
        return requestData.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.GLOBAL_REQUEST);
        SshWire.writeString(out, requestName);
        SshWire.writeBoolean(out, wantReply);
        out.writeBytes(requestData);
    }

    /** Reads the message; everything after want-reply is the request-specific data. */
    public static GlobalRequestMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.GLOBAL_REQUEST, "SSH_MSG_GLOBAL_REQUEST");
        String name = SshWire.readAsciiString(in);
        boolean wantReply = SshWire.readBoolean(in);
        byte[] data = new byte[in.readableBytes()];
        in.readBytes(data);
        return new GlobalRequestMessage(name, wantReply, data);
    }
}
