// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * Is SSH_MSG_CHANNEL_OPEN (RFC 4254 §5.1) of any channel type, with the type-specific data as raw bytes. The
 * typed forms are {@link ChannelOpenDirectTcpipMessage}, {@link ChannelOpenDirectStreamlocalMessage} and
 * {@link ChannelOpenSessionMessage}; this one is what a client reads when the server opens a channel.
 *
 * @param senderChannel the sender's channel number (uint32 held in an int)
 * @param initialWindowSize uint32
 * @param maximumPacketSize uint32
 */
public record ChannelOpenMessage(String channelType, int senderChannel, long initialWindowSize,
        long maximumPacketSize, byte[] typeSpecificData) {

    public ChannelOpenMessage {
        Objects.requireNonNull(channelType, "channelType");
        typeSpecificData = typeSpecificData.clone();
    }

    @Override
    public byte[] typeSpecificData() {
        return typeSpecificData.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_OPEN);
        SshWire.writeString(out, channelType);
        out.writeInt(senderChannel);
        SshWire.writeUint32(out, initialWindowSize);
        SshWire.writeUint32(out, maximumPacketSize);
        out.writeBytes(typeSpecificData);
    }

    /** Reads the message; everything after the maximum packet size is the type-specific data. */
    public static ChannelOpenMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_OPEN, "SSH_MSG_CHANNEL_OPEN");
        String type = SshWire.readAsciiString(in);
        int sender = (int) SshWire.readUint32(in);
        long window = SshWire.readUint32(in);
        long maxPacket = SshWire.readUint32(in);
        byte[] data = new byte[in.readableBytes()];
        in.readBytes(data);
        return new ChannelOpenMessage(type, sender, window, maxPacket, data);
    }

    /** Returns the type-specific data as a buffer to decode (not to be released; it wraps a copy). */
    ByteBuf typeSpecificBuffer() {
        return Unpooled.wrappedBuffer(typeSpecificData);
    }
}
