// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * Combines a stream-like block cipher mode (AES-CTR, RFC 4344 §4) with an HMAC (RFC 6668), either
 * MAC-then-encrypt over the plaintext (RFC 4253 §6.4) or encrypt-then-MAC over the ciphertext with the
 * length in the clear (OpenSSH {@code PROTOCOL} §1.5, the {@code -etm@openssh.com} MACs).
 *
 * <p>Uses the JDK's SunJCE AES and HMAC, which have CPU intrinsics. The CTR stream continues across packets,
 * as RFC 4344 requires.
 */
final class CipherMacPacketCipher implements PacketCipher {

    /**
     * Is the size of {@link #scratch}: a multiple of the AES block (so chunks keep the CTR stream block
     * aligned, although the JDK would carry a partial block over) and small enough to stay in the L1 cache.
     */
    private static final int SCRATCH_BYTES = 16 * 1024;

    private final String name;
    private final Cipher cipher;
    private final Mac mac;
    private final boolean etm;
    private final int blockSize;
    private final byte[] sequenceBytes = new byte[4];
    private final byte[] computedTag;
    /** Receives the cipher's output before it is copied back in place (see {@link #crypt}). */
    private final byte[] scratch = new byte[SCRATCH_BYTES];

    CipherMacPacketCipher(String name, Cipher cipher, Mac mac, boolean etm) {
        this.name = name;
        this.cipher = cipher;
        this.mac = mac;
        this.etm = etm;
        this.blockSize = cipher.getBlockSize();
        this.computedTag = new byte[mac.getMacLength()];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public int tagLength() {
        return mac.getMacLength();
    }

    @Override
    public boolean isLengthExcludedFromAlignment() {
        return etm;
    }

    @Override
    public int lengthFieldBytes() {
        return etm ? 4 : blockSize;
    }

    @Override
    public int decryptLength(long sequence, byte[] a, int off) {
        if (!etm) {
            crypt(a, off, blockSize);
        }
        return Bytes.getInt(a, off);
    }

    @Override
    public void open(long sequence, byte[] a, int off, int packetLength) throws GeneralSecurityException {
        int total = 4 + packetLength;
        if (etm) {
            computeMac(sequence, a, off, total);
            verify(a, off + total);
            crypt(a, off + 4, packetLength);
        } else {
            crypt(a, off + blockSize, total - blockSize);
            computeMac(sequence, a, off, total);
            verify(a, off + total);
        }
    }

    @Override
    public void seal(long sequence, byte[] a, int off, int packetLength) {
        int total = 4 + packetLength;
        if (etm) {
            crypt(a, off + 4, packetLength);
            computeMac(sequence, a, off, total);
        } else {
            computeMac(sequence, a, off, total);
            crypt(a, off, total);
        }
        System.arraycopy(computedTag, 0, a, off + total, computedTag.length);
    }

    @Override
    public void destroy() {
        // JCA keys cannot be wiped reliably; dropping the references is what we can do.
        java.util.Arrays.fill(computedTag, (byte) 0);
        java.util.Arrays.fill(scratch, (byte) 0);
    }

    /** Compares the received tag with the computed one in constant time, where it lies (no copy). */
    private void verify(byte[] a, int tagOffset) throws GeneralSecurityException {
        int difference = 0;
        for (int i = 0; i < computedTag.length; i++) {
            difference |= a[tagOffset + i] ^ computedTag[i];
        }
        if (difference != 0) {
            throw new GeneralSecurityException("MAC error");
        }
    }

    private void computeMac(long sequence, byte[] a, int off, int length) {
        Bytes.putInt(sequenceBytes, 0, (int) sequence);
        mac.update(sequenceBytes);
        mac.update(a, off, length);
        try {
            mac.doFinal(computedTag, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Encrypts or decrypts {@code length} bytes at {@code off} in place, through {@link #scratch} a chunk at a
     * time: {@code Cipher.update} with the same array and offset for input and output makes JDK 17's
     * {@code CipherCore.update} copy the whole input into a new array first (its overlap test compares the
     * offsets' distance with the block buffer's length, which is never 0), one allocation and copy of the
     * packet per call. Out of place into a small reused array, then copied back, costs one copy and no
     * allocation; measured in {@code benchmarks/SSH.md}.
     */
    private void crypt(byte[] a, int off, int length) {
        try {
            for (int done = 0; done < length; ) {
                int chunk = Math.min(length - done, scratch.length);
                int n = cipher.update(a, off + done, chunk, scratch, 0);
                if (n != chunk) {
                    throw new IllegalStateException("CTR cipher returned " + n + " of " + chunk + " bytes");
                }
                System.arraycopy(scratch, 0, a, off + done, chunk);
                done += chunk;
            }
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
