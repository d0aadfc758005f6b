// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.math.BigInteger;
import java.util.Objects;

/**
 * Is SSH_MSG_KEXDH_REPLY (RFC 4253 §8): the server's host key, its Diffie-Hellman value {@code f} and its signature
 * over the exchange hash.
 */
public record KexDhReplyMessage(byte[] hostKey, BigInteger f, byte[] signature) {

    public KexDhReplyMessage {
        hostKey = hostKey.clone();
        Objects.requireNonNull(f, "f");
        signature = signature.clone();
    }

    @Override
    public byte[] hostKey() {
        return hostKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.KEXDH_REPLY);
        SshWire.writeString(out, hostKey);
        SshWire.writeMpint(out, f);
        SshWire.writeString(out, signature);
    }

    /** Reads the message. */
    public static KexDhReplyMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.KEXDH_REPLY, "SSH_MSG_KEXDH_REPLY");
        return new KexDhReplyMessage(SshWire.readBytes(in), SshWire.readMpint(in), SshWire.readBytes(in));
    }
}
