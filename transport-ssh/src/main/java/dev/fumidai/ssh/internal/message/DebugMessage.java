// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** Is SSH_MSG_DEBUG (RFC 4253 §11.3): a diagnostic the receiver may log (we log only its length). */
public record DebugMessage(boolean alwaysDisplay, String message, String languageTag) {

    public DebugMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(languageTag, "languageTag");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.DEBUG);
        SshWire.writeBoolean(out, alwaysDisplay);
        SshWire.writeString(out, message);
        SshWire.writeString(out, languageTag);
    }

    /** Reads the message. */
    public static DebugMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.DEBUG, "SSH_MSG_DEBUG");
        boolean display = SshWire.readBoolean(in);
        String message = SshWire.readString(in);
        String language = in.isReadable() ? SshWire.readString(in) : "";
        return new DebugMessage(display, message, language);
    }
}
