// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.ChaChaEngine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Keeps, as the reference the tests compare with, the {@code chacha20-poly1305@openssh.com} packet cipher as it was
 * before issue 14: Bouncy Castle's original ChaCha20 ({@link ChaChaEngine}, 64-bit nonce) and Bouncy Castle's
 * {@link Poly1305}; the production class now runs the JDK's ChaCha20 where there is one, and our own Poly1305.
 * Test scope only.
 */
final class BouncyCastleChaCha20Poly1305Reference implements PacketCipher {

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

    BouncyCastleChaCha20Poly1305Reference(byte[] key) {
        if (key.length != 64) {
            throw new IllegalArgumentException("chacha20-poly1305@openssh.com needs 64 bytes of key");
        }
        this.payloadKey = Arrays.copyOfRange(key, 0, 32);
        this.lengthKey = Arrays.copyOfRange(key, 32, 64);
    }

    @Override
    public String name() {
        return CipherAlgorithms.CHACHA20_POLY1305;
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
        return Bytes.getInt(lengthPlain, 0);
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
        Bytes.putLong(nonce, 0, sequence & 0xffffffffL);
    }
}
