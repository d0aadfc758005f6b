// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** Is SSH_MSG_DISCONNECT (RFC 4253 §11.1): the connection ends, with a reason code and a description. */
public record DisconnectMessage(int reasonCode, String description, String languageTag) {

    public static final int HOST_NOT_ALLOWED_TO_CONNECT = 1;
    public static final int PROTOCOL_ERROR = 2;
    public static final int KEY_EXCHANGE_FAILED = 3;
    public static final int RESERVED = 4;
    public static final int MAC_ERROR = 5;
    public static final int COMPRESSION_ERROR = 6;
    public static final int SERVICE_NOT_AVAILABLE = 7;
    public static final int PROTOCOL_VERSION_NOT_SUPPORTED = 8;
    public static final int HOST_KEY_NOT_VERIFIABLE = 9;
    public static final int CONNECTION_LOST = 10;
    public static final int BY_APPLICATION = 11;
    public static final int TOO_MANY_CONNECTIONS = 12;
    public static final int AUTH_CANCELLED_BY_USER = 13;
    public static final int NO_MORE_AUTH_METHODS_AVAILABLE = 14;
    public static final int ILLEGAL_USER_NAME = 15;

    public DisconnectMessage {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(languageTag, "languageTag");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.DISCONNECT);
        SshWire.writeUint32(out, reasonCode);
        SshWire.writeString(out, description);
        SshWire.writeString(out, languageTag);
    }

    /** Reads the message; a missing language tag is tolerated (some servers omit it). */
    public static DisconnectMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.DISCONNECT, "SSH_MSG_DISCONNECT");
        int reason = (int) SshWire.readUint32(in);
        String description = SshWire.readString(in);
        String language = in.isReadable() ? SshWire.readString(in) : "";
        return new DisconnectMessage(reason, description, language);
    }

    /** Returns the RFC 4253 §11.1 name of a reason code, or the number. */
    public static String reasonName(int code) {
        return switch (code) {
            case HOST_NOT_ALLOWED_TO_CONNECT -> "HOST_NOT_ALLOWED_TO_CONNECT";
            case PROTOCOL_ERROR -> "PROTOCOL_ERROR";
            case KEY_EXCHANGE_FAILED -> "KEY_EXCHANGE_FAILED";
            case RESERVED -> "RESERVED";
            case MAC_ERROR -> "MAC_ERROR";
            case COMPRESSION_ERROR -> "COMPRESSION_ERROR";
            case SERVICE_NOT_AVAILABLE -> "SERVICE_NOT_AVAILABLE";
            case PROTOCOL_VERSION_NOT_SUPPORTED -> "PROTOCOL_VERSION_NOT_SUPPORTED";
            case HOST_KEY_NOT_VERIFIABLE -> "HOST_KEY_NOT_VERIFIABLE";
            case CONNECTION_LOST -> "CONNECTION_LOST";
            case BY_APPLICATION -> "BY_APPLICATION";
            case TOO_MANY_CONNECTIONS -> "TOO_MANY_CONNECTIONS";
            case AUTH_CANCELLED_BY_USER -> "AUTH_CANCELLED_BY_USER";
            case NO_MORE_AUTH_METHODS_AVAILABLE -> "NO_MORE_AUTH_METHODS_AVAILABLE";
            case ILLEGAL_USER_NAME -> "ILLEGAL_USER_NAME";
            default -> Integer.toString(code);
        };
    }
}
