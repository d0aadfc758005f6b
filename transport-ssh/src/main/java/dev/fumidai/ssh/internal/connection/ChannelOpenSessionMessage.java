// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_CHANNEL_OPEN of type {@code session} (RFC 4254 §6.1), for running a command. */
public record ChannelOpenSessionMessage(int senderChannel, long initialWindowSize, long maximumPacketSize) {

    /** The channel type (RFC 4254 §6.1). */
    public static final String TYPE = "session";

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_OPEN);
        SshWire.writeString(out, TYPE);
        out.writeInt(senderChannel);
        SshWire.writeUint32(out, initialWindowSize);
        SshWire.writeUint32(out, maximumPacketSize);
    }

    /** Reads the message. */
    public static ChannelOpenSessionMessage decode(ByteBuf in) throws SshProtocolException {
        ChannelOpenMessage open = ChannelOpenMessage.decode(in);
        if (!TYPE.equals(open.channelType())) {
            throw new SshProtocolException("channel type " + open.channelType() + " where " + TYPE + " was expected");
        }
        SshWire.requireEnd(open.typeSpecificBuffer(), "session open");
        return new ChannelOpenSessionMessage(open.senderChannel(), open.initialWindowSize(), open.maximumPacketSize());
    }
}
