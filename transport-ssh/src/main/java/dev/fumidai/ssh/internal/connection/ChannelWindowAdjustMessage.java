// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_CHANNEL_WINDOW_ADJUST (RFC 4254 §5.2): the sender may receive {@code bytesToAdd} more bytes. */
public record ChannelWindowAdjustMessage(int recipientChannel, long bytesToAdd) {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_WINDOW_ADJUST);
        out.writeInt(recipientChannel);
        SshWire.writeUint32(out, bytesToAdd);
    }

    /** Reads the message. */
    public static ChannelWindowAdjustMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_WINDOW_ADJUST,
                "SSH_MSG_CHANNEL_WINDOW_ADJUST");
        int recipient = (int) SshWire.readUint32(in);
        long bytes = SshWire.readUint32(in);
        SshWire.requireEnd(in, "SSH_MSG_CHANNEL_WINDOW_ADJUST");
        return new ChannelWindowAdjustMessage(recipient, bytes);
    }
}
