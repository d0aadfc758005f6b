// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_CHANNEL_CLOSE (RFC 4254 §5.3): the sender closes the channel; each side sends it once. */
public record ChannelCloseMessage(int recipientChannel) {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_CLOSE);
        out.writeInt(recipientChannel);
    }

    /** Reads the message. */
    public static ChannelCloseMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_CLOSE, "SSH_MSG_CHANNEL_CLOSE");
        int recipient = (int) SshWire.readUint32(in);
        SshWire.requireEnd(in, "SSH_MSG_CHANNEL_CLOSE");
        return new ChannelCloseMessage(recipient);
    }
}
