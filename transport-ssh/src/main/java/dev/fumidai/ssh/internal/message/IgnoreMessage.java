// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_IGNORE (RFC 4253 §11.2): data the receiver must ignore. */
public record IgnoreMessage(byte[] data) {

    public IgnoreMessage {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.IGNORE);
        SshWire.writeString(out, data);
    }

    /** Reads the message. */
    public static IgnoreMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.IGNORE, "SSH_MSG_IGNORE");
        return new IgnoreMessage(SshWire.readBytes(in));
    }
}
