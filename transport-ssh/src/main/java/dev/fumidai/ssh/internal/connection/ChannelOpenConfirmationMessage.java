// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/**
 * Is SSH_MSG_CHANNEL_OPEN_CONFIRMATION (RFC 4254 §5.1). Channel-type-specific data after the maximum packet
 * size is skipped: none of the types this client opens defines any.
 */
public record ChannelOpenConfirmationMessage(int recipientChannel, int senderChannel, long initialWindowSize,
        long maximumPacketSize) {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_OPEN_CONFIRMATION);
        out.writeInt(recipientChannel);
        out.writeInt(senderChannel);
        SshWire.writeUint32(out, initialWindowSize);
        SshWire.writeUint32(out, maximumPacketSize);
    }

    /** Reads the message. */
    public static ChannelOpenConfirmationMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_OPEN_CONFIRMATION,
                "SSH_MSG_CHANNEL_OPEN_CONFIRMATION");
        int recipient = (int) SshWire.readUint32(in);
        int sender = (int) SshWire.readUint32(in);
        long window = SshWire.readUint32(in);
        long maxPacket = SshWire.readUint32(in);
        in.skipBytes(in.readableBytes());
        return new ChannelOpenConfirmationMessage(recipient, sender, window, maxPacket);
    }
}
