// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/**
 * Is SSH_MSG_CHANNEL_DATA (RFC 4254 §5.2). The record copies the data and serves tests and rare paths;
 * {@link SshConnection} reads and writes data messages on buffers directly (see {@link #encodeHeader}).
 */
public record ChannelDataMessage(int recipientChannel, byte[] data) {

    /** Bytes before the data: message number, recipient channel, data length. */
    public static final int HEADER_BYTES = 9;

    public ChannelDataMessage {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        encodeHeader(out, recipientChannel, data.length);
        out.writeBytes(data);
    }

    /** Writes everything but the data bytes, which the caller appends. */
    public static void encodeHeader(ByteBuf out, int recipientChannel, int dataLength) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_DATA);
        out.writeInt(recipientChannel);
        out.writeInt(dataLength);
    }

    /** Reads the message. */
    public static ChannelDataMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_DATA, "SSH_MSG_CHANNEL_DATA");
        int recipient = (int) SshWire.readUint32(in);
        byte[] data = SshWire.readBytes(in);
        SshWire.requireEnd(in, "SSH_MSG_CHANNEL_DATA");
        return new ChannelDataMessage(recipient, data);
    }
}
