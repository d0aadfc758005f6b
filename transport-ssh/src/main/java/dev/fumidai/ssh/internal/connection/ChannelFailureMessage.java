// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_CHANNEL_FAILURE (RFC 4254 §5.4): a channel request with want-reply failed or is unknown. */
public record ChannelFailureMessage(int recipientChannel) {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_FAILURE);
        out.writeInt(recipientChannel);
    }

    /** Reads the message. */
    public static ChannelFailureMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_FAILURE, "SSH_MSG_CHANNEL_FAILURE");
        int recipient = (int) SshWire.readUint32(in);
        SshWire.requireEnd(in, "SSH_MSG_CHANNEL_FAILURE");
        return new ChannelFailureMessage(recipient);
    }
}
