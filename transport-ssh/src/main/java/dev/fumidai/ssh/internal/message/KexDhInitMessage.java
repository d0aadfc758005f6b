// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.math.BigInteger;
import java.util.Objects;

/** Is SSH_MSG_KEXDH_INIT (RFC 4253 §8): the client's Diffie-Hellman value {@code e = g^x mod p} as an mpint. */
public record KexDhInitMessage(BigInteger e) {

    public KexDhInitMessage {
        Objects.requireNonNull(e, "e");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.KEXDH_INIT);
        SshWire.writeMpint(out, e);
    }

    /** Reads the message. */
    public static KexDhInitMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.KEXDH_INIT, "SSH_MSG_KEXDH_INIT");
        return new KexDhInitMessage(SshWire.readMpint(in));
    }
}
