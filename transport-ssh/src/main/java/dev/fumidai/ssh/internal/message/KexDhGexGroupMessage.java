// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.math.BigInteger;
import java.util.Objects;

/** Is SSH_MSG_KEX_DH_GEX_GROUP (RFC 4419 §3): the safe prime {@code p} and generator {@code g} the server chose. */
public record KexDhGexGroupMessage(BigInteger p, BigInteger g) {

    public KexDhGexGroupMessage {
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(g, "g");
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.KEX_DH_GEX_GROUP);
        SshWire.writeMpint(out, p);
        SshWire.writeMpint(out, g);
    }

    /** Reads the message. */
    public static KexDhGexGroupMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.KEX_DH_GEX_GROUP, "SSH_MSG_KEX_DH_GEX_GROUP");
        return new KexDhGexGroupMessage(SshWire.readMpint(in), SshWire.readMpint(in));
    }
}
