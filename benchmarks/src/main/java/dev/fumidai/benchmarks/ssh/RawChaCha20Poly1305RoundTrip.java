// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.ChaChaEngine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Does the least Bouncy Castle work one {@code chacha20-poly1305@openssh.com} packet needs (OpenSSH
 * {@code PROTOCOL.chacha20poly1305}): {@link ChaChaEngine} (64-bit nonce, the variant the protocol uses;
 * {@code ChaCha7539Engine} has the same core) over the 4-byte length with K_1 and over a block of zeros and
 * the packet with K_2, and {@link Poly1305} over the encrypted length and packet, on each side; out of
 * place, into arrays allocated once, key parameters built once, with no framing.
 */
final class RawChaCha20Poly1305RoundTrip implements PacketRoundTrip {

    private final PacketShape shape;
    private final ChaChaEngine lengthEngine = new ChaChaEngine();
    private final ChaChaEngine payloadEngine = new ChaChaEngine();
    private final Poly1305 poly = new Poly1305();
    private final KeyParameter lengthKey;
    private final KeyParameter payloadKey;
    private final byte[] nonce = new byte[8];
    private final byte[] zeros = new byte[64];
    private final byte[] block0 = new byte[64];
    private final byte[] plain;
    private final byte[] wire;
    private final byte[] opened;
    private final byte[] computedTag = new byte[16];
    private final byte[] sentTag = new byte[16];
    private long sequence;

    RawChaCha20Poly1305RoundTrip(PacketShape shape) {
        this.shape = shape;
        this.payloadKey = new KeyParameter(shape.key, 0, 32);
        this.lengthKey = new KeyParameter(shape.key, 32, 32);
        this.plain = shape.plaintext();
        this.wire = new byte[shape.wireLength()];
        this.opened = new byte[shape.wireLength()];
    }

    @Override
    public int roundTrip() throws GeneralSecurityException {
        seal();
        int length = shape.packetLength;
        lengthEngine.init(false, new ParametersWithIV(lengthKey, nonce));
        lengthEngine.processBytes(wire, 0, 4, opened, 0);
        startPayload(false);
        poly.update(wire, 0, 4 + length);
        poly.doFinal(computedTag, 0);
        if (!MessageDigest.isEqual(computedTag, sentTag)) {
            throw new GeneralSecurityException("AEAD tag error");
        }
        payloadEngine.processBytes(wire, 4, length, opened, 4);
        sequence = (sequence + 1) & 0xffffffffL;
        return opened[5];
    }

    @Override
    public byte[] firstWire() {
        seal();
        return wire.clone();
    }

    private void seal() {
        int length = shape.packetLength;
        setNonce();
        lengthEngine.init(true, new ParametersWithIV(lengthKey, nonce));
        lengthEngine.processBytes(plain, 0, 4, wire, 0);
        startPayload(true);
        payloadEngine.processBytes(plain, 4, length, wire, 4);
        poly.update(wire, 0, 4 + length);
        poly.doFinal(sentTag, 0);
        System.arraycopy(sentTag, 0, wire, 4 + length, 16);
    }

    private void startPayload(boolean encrypt) {
        payloadEngine.init(encrypt, new ParametersWithIV(payloadKey, nonce));
        payloadEngine.processBytes(zeros, 0, 64, block0, 0);
        poly.init(new KeyParameter(block0, 0, 32));
    }

    private void setNonce() {
        long s = sequence;
        for (int i = 0; i < 4; i++) {
            nonce[i] = 0;
        }
        nonce[4] = (byte) (s >>> 24);
        nonce[5] = (byte) (s >>> 16);
        nonce[6] = (byte) (s >>> 8);
        nonce[7] = (byte) s;
    }

    @Override
    public void close() {
        Arrays.fill(block0, (byte) 0);
    }
}
