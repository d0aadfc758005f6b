// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Builds the exchange hash H of RFC 4253 §8 from the shared prefix and method-specific fields. */
final class ExchangeHash {

    private final ByteBuf buf = Unpooled.buffer(4096);

    ExchangeHash(ExchangeHashInput input, byte[] hostKey) {
        SshWire.writeString(buf, input.clientVersion());
        SshWire.writeString(buf, input.serverVersion());
        SshWire.writeString(buf, input.clientKexInit());
        SshWire.writeString(buf, input.serverKexInit());
        SshWire.writeString(buf, hostKey);
    }

    ByteBuf buffer() {
        return buf;
    }

    /** Appends the already-encoded K, hashes and releases the buffer (zeroing it first). */
    byte[] finish(String hashAlgorithm, byte[] encodedSecret) {
        try {
            buf.writeBytes(encodedSecret);
            MessageDigest md = MessageDigest.getInstance(hashAlgorithm);
            md.update(buf.nioBuffer());
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            buf.setZero(0, buf.capacity());
            buf.release();
        }
    }
}
