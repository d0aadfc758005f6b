// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** Is SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1): the channel was refused, with a reason code and text. */
public record ChannelOpenFailureMessage(int recipientChannel, int reasonCode, String description,
        String languageTag) {

    public static final int ADMINISTRATIVELY_PROHIBITED = 1;
    public static final int CONNECT_FAILED = 2;
    public static final int UNKNOWN_CHANNEL_TYPE = 3;
    public static final int RESOURCE_SHORTAGE = 4;

    public ChannelOpenFailureMessage {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(languageTag, "languageTag");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_OPEN_FAILURE);
        out.writeInt(recipientChannel);
        SshWire.writeUint32(out, Integer.toUnsignedLong(reasonCode));
        SshWire.writeString(out, description);
        SshWire.writeString(out, languageTag);
    }

    /** Reads the message; a missing language tag is tolerated. */
    public static ChannelOpenFailureMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_OPEN_FAILURE,
                "SSH_MSG_CHANNEL_OPEN_FAILURE");
        int recipient = (int) SshWire.readUint32(in);
        int reason = (int) SshWire.readUint32(in);
        String description = SshWire.readString(in);
        String language = in.isReadable() ? SshWire.readString(in) : "";
        return new ChannelOpenFailureMessage(recipient, reason, description, language);
    }

    /** Returns the RFC 4254 §5.1 text of a reason code in lower case, or the number. */
    public static String reasonName(int code) {
        return switch (code) {
            case ADMINISTRATIVELY_PROHIBITED -> "administratively prohibited";
            case CONNECT_FAILED -> "connect failed";
            case UNKNOWN_CHANNEL_TYPE -> "unknown channel type";
            case RESOURCE_SHORTAGE -> "resource shortage";
            default -> "reason " + Integer.toUnsignedString(code);
        };
    }
}
