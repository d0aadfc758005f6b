// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.math.BigInteger;
import java.util.Objects;

/** Is SSH_MSG_KEX_DH_GEX_INIT (RFC 4419 §3): the client's Diffie-Hellman value {@code e = g^x mod p} as an mpint. */
public record KexDhGexInitMessage(BigInteger e) {

    public KexDhGexInitMessage {
        Objects.requireNonNull(e, "e");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.KEX_DH_GEX_INIT);
        SshWire.writeMpint(out, e);
    }

    /** Reads the message. */
    public static KexDhGexInitMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.KEX_DH_GEX_INIT, "SSH_MSG_KEX_DH_GEX_INIT");
        return new KexDhGexInitMessage(SshWire.readMpint(in));
    }
}
