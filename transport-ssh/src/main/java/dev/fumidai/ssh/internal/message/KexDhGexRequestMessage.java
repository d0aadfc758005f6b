// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_KEX_DH_GEX_REQUEST (RFC 4419 §3): the group sizes in bits the client accepts and prefers. */
public record KexDhGexRequestMessage(int min, int preferred, int max) {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.KEX_DH_GEX_REQUEST);
        SshWire.writeUint32(out, min);
        SshWire.writeUint32(out, preferred);
        SshWire.writeUint32(out, max);
    }

    /** Reads the message. */
    public static KexDhGexRequestMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.KEX_DH_GEX_REQUEST, "SSH_MSG_KEX_DH_GEX_REQUEST");
        return new KexDhGexRequestMessage((int) SshWire.readUint32(in), (int) SshWire.readUint32(in),
                (int) SshWire.readUint32(in));
    }
}
