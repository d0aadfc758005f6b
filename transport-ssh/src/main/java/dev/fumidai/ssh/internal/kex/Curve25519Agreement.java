// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/** Implements curve25519-sha256 (RFC 8731): K is the X25519 output read as a big-endian mpint (§3.1). */
final class Curve25519Agreement implements EcdhKeyExchange.Agreement {

    private final X25519Agreement x25519 = new X25519Agreement();
    private final SecureRandom random;

    Curve25519Agreement(SecureRandom random) {
        this.random = random;
    }

    @Override
    public byte[] clientPublic() throws GeneralSecurityException {
        return x25519.generate(random);
    }

    @Override
    public byte[] encodedSecret(byte[] serverPublic) throws GeneralSecurityException {
        byte[] raw = x25519.agree(serverPublic);
        ByteBuf b = Unpooled.buffer(40);
        try {
            SshWire.writeUnsignedMpint(b, raw);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
            b.setZero(0, b.capacity());
            b.release();
        }
    }

    @Override
    public void destroy() {
        x25519.destroy();
    }
}
