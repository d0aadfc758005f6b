// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_CHANNEL_SUCCESS (RFC 4254 §5.4): a channel request with want-reply succeeded. */
public record ChannelSuccessMessage(int recipientChannel) {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_SUCCESS);
        out.writeInt(recipientChannel);
    }

    /** Reads the message. */
    public static ChannelSuccessMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_SUCCESS, "SSH_MSG_CHANNEL_SUCCESS");
        int recipient = (int) SshWire.readUint32(in);
        SshWire.requireEnd(in, "SSH_MSG_CHANNEL_SUCCESS");
        return new ChannelSuccessMessage(recipient);
    }
}
