// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_CHANNEL_EOF (RFC 4254 §5.3): the sender will send no more data on the channel. */
public record ChannelEofMessage(int recipientChannel) {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_EOF);
        out.writeInt(recipientChannel);
    }

    /** Reads the message. */
    public static ChannelEofMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_EOF, "SSH_MSG_CHANNEL_EOF");
        int recipient = (int) SshWire.readUint32(in);
        SshWire.requireEnd(in, "SSH_MSG_CHANNEL_EOF");
        return new ChannelEofMessage(recipient);
    }
}
