// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ssh.internal.cipher.PacketCipher;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.ChaChaEngine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Keeps, for {@link ChaCha20Poly1305PairedBenchmark}, the {@code chacha20-poly1305@openssh.com} packet cipher as it
 * was before issue 14 (commit 1c8ce54): Bouncy Castle's original ChaCha20 ({@link ChaChaEngine}) and Bouncy
 * Castle's {@link Poly1305}, in place on the packet array, as {@code SshPacketCodec} calls a {@link PacketCipher}.
 */
final class OldChaCha20Poly1305PacketCipher implements PacketCipher {

    private static final int TAG_LENGTH = 16;

    private final ChaChaEngine lengthEngine = new ChaChaEngine();
    private final ChaChaEngine payloadEngine = new ChaChaEngine();
    private final Poly1305 poly = new Poly1305();
    private final byte[] lengthKey;
    private final byte[] payloadKey;
    private final byte[] nonce = new byte[8];
    private final byte[] block0 = new byte[64];
    private final byte[] tag = new byte[TAG_LENGTH];
    private final byte[] lengthPlain = new byte[4];

    OldChaCha20Poly1305PacketCipher(byte[] key) {
        if (key.length != 64) {
            throw new IllegalArgumentException("chacha20-poly1305@openssh.com needs 64 bytes of key");
        }
        this.payloadKey = Arrays.copyOfRange(key, 0, 32);
        this.lengthKey = Arrays.copyOfRange(key, 32, 64);
    }

    @Override
    public String name() {
        return "chacha20-poly1305@openssh.com";
    }

    @Override
    public int blockSize() {
        return 8;
    }

    @Override
    public int tagLength() {
        return TAG_LENGTH;
    }

    @Override
    public boolean isLengthExcludedFromAlignment() {
        return true;
    }

    @Override
    public int lengthFieldBytes() {
        return 4;
    }

    @Override
    public int decryptLength(long sequence, byte[] a, int off) {
        setNonce(sequence);
        lengthEngine.init(false, new ParametersWithIV(new KeyParameter(lengthKey), nonce));
        lengthEngine.processBytes(a, off, 4, lengthPlain, 0);
        return (lengthPlain[0] & 0xff) << 24 | (lengthPlain[1] & 0xff) << 16 | (lengthPlain[2] & 0xff) << 8
                | (lengthPlain[3] & 0xff);
    }

    @Override
    public void open(long sequence, byte[] a, int off, int packetLength) throws GeneralSecurityException {
        startPayload(sequence, false);
        poly.update(a, off, 4 + packetLength);
        poly.doFinal(tag, 0);
        byte[] received = Arrays.copyOfRange(a, off + 4 + packetLength, off + 4 + packetLength + TAG_LENGTH);
        if (!MessageDigest.isEqual(tag, received)) {
            throw new GeneralSecurityException("AEAD tag error");
        }
        System.arraycopy(lengthPlain, 0, a, off, 4);
        payloadEngine.processBytes(a, off + 4, packetLength, a, off + 4);
    }

    @Override
    public void seal(long sequence, byte[] a, int off, int packetLength) {
        setNonce(sequence);
        lengthEngine.init(true, new ParametersWithIV(new KeyParameter(lengthKey), nonce));
        lengthEngine.processBytes(a, off, 4, a, off);
        startPayload(sequence, true);
        payloadEngine.processBytes(a, off + 4, packetLength, a, off + 4);
        poly.update(a, off, 4 + packetLength);
        poly.doFinal(a, off + 4 + packetLength);
    }

    @Override
    public void destroy() {
        Arrays.fill(lengthKey, (byte) 0);
        Arrays.fill(payloadKey, (byte) 0);
        Arrays.fill(block0, (byte) 0);
    }

    /** Keys Poly1305 from keystream block 0 and leaves the payload engine at block 1. */
    private void startPayload(long sequence, boolean encrypt) {
        setNonce(sequence);
        payloadEngine.init(encrypt, new ParametersWithIV(new KeyParameter(payloadKey), nonce));
        Arrays.fill(block0, (byte) 0);
        payloadEngine.processBytes(block0, 0, 64, block0, 0);
        poly.init(new KeyParameter(block0, 0, 32));
        Arrays.fill(block0, (byte) 0);
    }

    private void setNonce(long sequence) {
        long s = sequence & 0xffffffffL;
        for (int i = 0; i < 8; i++) {
            nonce[i] = (byte) (s >>> (56 - 8 * i));
        }
    }
}
