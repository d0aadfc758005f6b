// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;

/**
 * Is SSH_MSG_KEX_ECDH_REPLY (RFC 5656 §7.1, message 31): the server's host key, its ephemeral public value
 * (a string) and its signature over the exchange hash. Shared with curve25519 and the hybrid methods.
 */
public record KexEcdhReplyMessage(byte[] hostKey, byte[] serverPublic, byte[] signature) {

    public KexEcdhReplyMessage {
        hostKey = hostKey.clone();
        serverPublic = serverPublic.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] hostKey() {
        return hostKey.clone();
    }

    @Override
    public byte[] serverPublic() {
        return serverPublic.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.KEXDH_REPLY);
        SshWire.writeString(out, hostKey);
        SshWire.writeString(out, serverPublic);
        SshWire.writeString(out, signature);
    }

    /** Reads the message. */
    public static KexEcdhReplyMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.KEXDH_REPLY, "SSH_MSG_KEX_ECDH_REPLY");
        return new KexEcdhReplyMessage(SshWire.readBytes(in), SshWire.readBytes(in), SshWire.readBytes(in));
    }
}
