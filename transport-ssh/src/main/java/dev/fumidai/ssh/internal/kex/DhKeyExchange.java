// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.KexDhGexGroupMessage;
import dev.fumidai.ssh.internal.message.KexDhGexInitMessage;
import dev.fumidai.ssh.internal.message.KexDhGexReplyMessage;
import dev.fumidai.ssh.internal.message.KexDhGexRequestMessage;
import dev.fumidai.ssh.internal.message.KexDhInitMessage;
import dev.fumidai.ssh.internal.message.KexDhReplyMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.function.Consumer;

/**
 * Runs finite-field Diffie-Hellman: a fixed group (RFC 4253 §8 with the RFC 3526 groups named by RFC 8268:
 * group14-sha256, group16-sha512, group18-sha512) or group exchange (RFC 4419,
 * diffie-hellman-group-exchange-sha256), where the server picks the group first.
 *
 * <p>The private exponent has {@link #EXPONENT_BITS} bits: twice the 256-bit strength of the largest group
 * (RFC 3526 §8 and NIST SP 800-57 give 8192-bit MODP about 200 bits of strength).
 */
final class DhKeyExchange implements KeyExchange {

    static final int EXPONENT_BITS = 512;
    /** RFC 8270 raises the minimum group-exchange modulus to 2048 bits; OpenSSH asks for 2048..8192. */
    static final int GEX_MIN = 2048;
    static final int GEX_PREFERRED = 3072;
    static final int GEX_MAX = 8192;

    private final ExchangeHashInput input;
    private final String hashAlgorithm;
    private final SecureRandom random;
    private final boolean groupExchange;
    private BigInteger p;
    private BigInteger g;
    private BigInteger x;
    private BigInteger e;

    /** Creates a fixed-group exchange. */
    DhKeyExchange(ExchangeHashInput input, String hashAlgorithm, BigInteger p, BigInteger g, SecureRandom random) {
        this.input = input;
        this.hashAlgorithm = hashAlgorithm;
        this.random = random;
        this.groupExchange = false;
        this.p = p;
        this.g = g;
    }

    /** Creates a group exchange (RFC 4419). */
    DhKeyExchange(ExchangeHashInput input, String hashAlgorithm, SecureRandom random) {
        this.input = input;
        this.hashAlgorithm = hashAlgorithm;
        this.random = random;
        this.groupExchange = true;
    }

    @Override
    public void start(ByteBufAllocator alloc, Consumer<ByteBuf> send) {
        ByteBuf b = alloc.buffer();
        if (groupExchange) {
            new KexDhGexRequestMessage(GEX_MIN, GEX_PREFERRED, GEX_MAX).encode(b);
        } else {
            computeE();
            new KexDhInitMessage(e).encode(b);
        }
        send.accept(b);
    }

    private void computeE() {
        do {
            x = new BigInteger(EXPONENT_BITS, random);
        } while (x.compareTo(BigInteger.ONE) <= 0);
        e = g.modPow(x, p);
    }

    @Override
    public KexResult handle(ByteBuf payload, ByteBufAllocator alloc, Consumer<ByteBuf> send)
            throws SshProtocolException {
        byte[] hostKey;
        BigInteger f;
        byte[] signature;
        if (groupExchange && p == null) {
            KexDhGexGroupMessage group = KexDhGexGroupMessage.decode(payload);
            int bits = group.p().bitLength();
            if (bits < GEX_MIN || bits > GEX_MAX || !group.p().testBit(0)) {
                throw new SshProtocolException(DisconnectMessage.KEY_EXCHANGE_FAILED,
                        "server offered a " + bits + "-bit DH group; we accept " + GEX_MIN + ".." + GEX_MAX);
            }
            if (group.g().compareTo(BigInteger.ONE) <= 0 || group.g().compareTo(group.p().subtract(BigInteger.ONE)) >= 0) {
                throw new SshProtocolException(DisconnectMessage.KEY_EXCHANGE_FAILED, "invalid DH generator");
            }
            p = group.p();
            g = group.g();
            computeE();
            ByteBuf b = alloc.buffer();
            new KexDhGexInitMessage(e).encode(b);
            send.accept(b);
            return null;
        }
        if (groupExchange) {
            KexDhGexReplyMessage reply = KexDhGexReplyMessage.decode(payload);
            hostKey = reply.hostKey();
            f = reply.f();
            signature = reply.signature();
        } else {
            KexDhReplyMessage reply = KexDhReplyMessage.decode(payload);
            hostKey = reply.hostKey();
            f = reply.f();
            signature = reply.signature();
        }
        // RFC 4253 §8: values not in [1, p-1] must not be sent or accepted; 1 and p-1 give a trivial secret.
        if (f.compareTo(BigInteger.ONE) <= 0 || f.compareTo(p.subtract(BigInteger.ONE)) >= 0) {
            throw new SshProtocolException(DisconnectMessage.KEY_EXCHANGE_FAILED, "server DH value out of range");
        }
        BigInteger k = f.modPow(x, p);
        x = null;
        ByteBuf kb = Unpooled.buffer();
        byte[] secret;
        try {
            SshWire.writeMpint(kb, k);
            secret = new byte[kb.readableBytes()];
            kb.readBytes(secret);
        } finally {
            kb.setZero(0, kb.capacity());
            kb.release();
        }
        ExchangeHash h = new ExchangeHash(input, hostKey);
        if (groupExchange) {
            SshWire.writeUint32(h.buffer(), GEX_MIN);
            SshWire.writeUint32(h.buffer(), GEX_PREFERRED);
            SshWire.writeUint32(h.buffer(), GEX_MAX);
            SshWire.writeMpint(h.buffer(), p);
            SshWire.writeMpint(h.buffer(), g);
        }
        SshWire.writeMpint(h.buffer(), e);
        SshWire.writeMpint(h.buffer(), f);
        byte[] hash = h.finish(hashAlgorithm, secret);
        return new KexResult(hostKey, signature, hash, secret, hashAlgorithm);
    }
}
