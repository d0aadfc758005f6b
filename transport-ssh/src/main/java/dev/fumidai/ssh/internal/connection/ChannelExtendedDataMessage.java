// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_CHANNEL_EXTENDED_DATA (RFC 4254 §5.2): data of another stream, 1 being stderr. */
public record ChannelExtendedDataMessage(int recipientChannel, int dataTypeCode, byte[] data) {

    /** SSH_EXTENDED_DATA_STDERR (RFC 4254 §5.2). */
    public static final int STDERR = 1;

    public ChannelExtendedDataMessage {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_EXTENDED_DATA);
        out.writeInt(recipientChannel);
        out.writeInt(dataTypeCode);
        SshWire.writeString(out, data);
    }

    /** Reads the message. */
    public static ChannelExtendedDataMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_EXTENDED_DATA,
                "SSH_MSG_CHANNEL_EXTENDED_DATA");
        int recipient = (int) SshWire.readUint32(in);
        int code = (int) SshWire.readUint32(in);
        byte[] data = SshWire.readBytes(in);
        SshWire.requireEnd(in, "SSH_MSG_CHANNEL_EXTENDED_DATA");
        return new ChannelExtendedDataMessage(recipient, code, data);
    }
}
