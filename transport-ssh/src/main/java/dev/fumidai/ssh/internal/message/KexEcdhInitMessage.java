// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;

/**
 * Is SSH_MSG_KEX_ECDH_INIT (RFC 5656 §7.1, message 30): the client's ephemeral public value as a string.
 * curve25519 (RFC 8731) and the hybrid post-quantum methods (draft-kampanakis-curdle-ssh-pq-ke,
 * draft-josefsson-ntruprime-ssh) use the same layout.
 */
public record KexEcdhInitMessage(byte[] clientPublic) {

    public KexEcdhInitMessage {
        clientPublic = clientPublic.clone();
    }

    @Override
    public byte[] clientPublic() {
        return clientPublic.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.KEXDH_INIT);
        SshWire.writeString(out, clientPublic);
    }

    /** Reads the message. */
    public static KexEcdhInitMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.KEXDH_INIT, "SSH_MSG_KEX_ECDH_INIT");
        return new KexEcdhInitMessage(SshWire.readBytes(in));
    }
}
