// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Is SSH_MSG_CHANNEL_OPEN of type {@code direct-streamlocal@openssh.com} (OpenSSH {@code PROTOCOL} §2.4): asks
 * the server to connect to a Unix-domain socket. The two reserved fields are sent empty and zero.
 */
public record ChannelOpenDirectStreamlocalMessage(int senderChannel, long initialWindowSize, long maximumPacketSize,
        String socketPath) {

    /** The channel type (OpenSSH {@code PROTOCOL} §2.4). */
    public static final String TYPE = "direct-streamlocal@openssh.com";

    public ChannelOpenDirectStreamlocalMessage {
        Objects.requireNonNull(socketPath, "socketPath");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_OPEN);
        SshWire.writeString(out, TYPE);
        out.writeInt(senderChannel);
        SshWire.writeUint32(out, initialWindowSize);
        SshWire.writeUint32(out, maximumPacketSize);
        SshWire.writeString(out, socketPath);
        SshWire.writeString(out, "");
        SshWire.writeUint32(out, 0);
    }

    /** Reads the message. */
    public static ChannelOpenDirectStreamlocalMessage decode(ByteBuf in) throws SshProtocolException {
        ChannelOpenMessage open = ChannelOpenMessage.decode(in);
        if (!TYPE.equals(open.channelType())) {
            throw new SshProtocolException("channel type " + open.channelType() + " where " + TYPE + " was expected");
        }
        ByteBuf d = open.typeSpecificBuffer();
        String path = SshWire.readString(d);
        SshWire.readString(d);
        SshWire.readUint32(d);
        SshWire.requireEnd(d, "direct-streamlocal open");
        return new ChannelOpenDirectStreamlocalMessage(open.senderChannel(), open.initialWindowSize(),
                open.maximumPacketSize(), path);
    }
}
