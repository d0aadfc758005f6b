// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_UNIMPLEMENTED (RFC 4253 §11.4): the peer did not understand our packet with this sequence number. */
public record UnimplementedMessage(long sequenceNumber) {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.UNIMPLEMENTED);
        SshWire.writeUint32(out, sequenceNumber);
    }

    /** Reads the message. */
    public static UnimplementedMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.UNIMPLEMENTED, "SSH_MSG_UNIMPLEMENTED");
        return new UnimplementedMessage(SshWire.readUint32(in));
    }
}
