// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Is SSH_MSG_CHANNEL_OPEN of type {@code direct-tcpip} (RFC 4254 §7.2): asks the server to connect to a host
 * and port, naming where the connection came from.
 */
public record ChannelOpenDirectTcpipMessage(int senderChannel, long initialWindowSize, long maximumPacketSize,
        String hostToConnect, int portToConnect, String originatorAddress, int originatorPort) {

    /** The channel type (RFC 4254 §7.2). */
    public static final String TYPE = "direct-tcpip";

    public ChannelOpenDirectTcpipMessage {
        Objects.requireNonNull(hostToConnect, "hostToConnect");
        Objects.requireNonNull(originatorAddress, "originatorAddress");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_OPEN);
        SshWire.writeString(out, TYPE);
        out.writeInt(senderChannel);
        SshWire.writeUint32(out, initialWindowSize);
        SshWire.writeUint32(out, maximumPacketSize);
        SshWire.writeString(out, hostToConnect);
        SshWire.writeUint32(out, Integer.toUnsignedLong(portToConnect));
        SshWire.writeString(out, originatorAddress);
        SshWire.writeUint32(out, Integer.toUnsignedLong(originatorPort));
    }

    /** Reads the message. */
    public static ChannelOpenDirectTcpipMessage decode(ByteBuf in) throws SshProtocolException {
        ChannelOpenMessage open = ChannelOpenMessage.decode(in);
        if (!TYPE.equals(open.channelType())) {
            throw new SshProtocolException("channel type " + open.channelType() + " where " + TYPE + " was expected");
        }
        ByteBuf d = open.typeSpecificBuffer();
        String host = SshWire.readString(d);
        int port = (int) SshWire.readUint32(d);
        String origin = SshWire.readString(d);
        int originPort = (int) SshWire.readUint32(d);
        SshWire.requireEnd(d, "direct-tcpip open");
        return new ChannelOpenDirectTcpipMessage(open.senderChannel(), open.initialWindowSize(),
                open.maximumPacketSize(), host, port, origin, originPort);
    }
}
