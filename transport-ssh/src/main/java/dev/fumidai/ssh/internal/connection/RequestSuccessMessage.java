// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_REQUEST_SUCCESS (RFC 4254 §4): a positive answer to a global request, with response data. */
public record RequestSuccessMessage(byte[] responseData) {

    public RequestSuccessMessage {
        responseData = responseData.clone();
    }

    @Override
    public byte[] responseData() {
        return responseData.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.REQUEST_SUCCESS);
        out.writeBytes(responseData);
    }

    /** Reads the message. */
    public static RequestSuccessMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.REQUEST_SUCCESS, "SSH_MSG_REQUEST_SUCCESS");
        byte[] data = new byte[in.readableBytes()];
        in.readBytes(data);
        return new RequestSuccessMessage(data);
    }
}
