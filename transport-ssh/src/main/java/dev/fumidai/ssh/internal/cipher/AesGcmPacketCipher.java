// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Implements {@code aes128-gcm@openssh.com} and {@code aes256-gcm@openssh.com} (RFC 5647 with OpenSSH's
 * names, {@code PROTOCOL} §1.6): the length is in the clear and authenticated as AAD, the 12-byte nonce is a
 * 4-byte fixed field and an 8-byte invocation counter incremented per packet, the tag is 16 bytes.
 *
 * <p>Uses the JDK's SunJCE AES/GCM/NoPadding (AES-NI and CLMUL intrinsics). A fresh IV per packet means a
 * {@code Cipher.init} per packet, which the JDK requires for GCM encryption anyway. Packets are sealed in place and,
 * after Java 17, opened into another array ({@link #opensOutOfPlace()}): those JDKs decrypt with their combined
 * AES-GCM intrinsic only when the output is not the input's array; in place they make a GHASH pass and a CTR pass.
 */
final class AesGcmPacketCipher implements PacketCipher {

    private static final int TAG_LENGTH = 16;

    /**
     * Whether to open into another array: Java 17's GCM has no combined AES-GCM path (it came after 17, JDK-8267125)
     * and takes the same time either way, so in place, which touches half the memory, stays there.
     */
    private static final boolean OUT_OF_PLACE = Runtime.version().feature() > 17;

    private final String name;
    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] iv;
    private final int mode;

    AesGcmPacketCipher(String name, byte[] key, byte[] iv, boolean encrypt) throws GeneralSecurityException {
        this.name = name;
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        this.key = new SecretKeySpec(key, "AES");
        this.iv = java.util.Arrays.copyOf(iv, 12);
        this.mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int blockSize() {
        return 16;
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
        return Bytes.getInt(a, off);
    }

    @Override
    public void open(long sequence, byte[] a, int off, int packetLength) throws GeneralSecurityException {
        try {
            init();
            cipher.updateAAD(a, off, 4);
            cipher.doFinal(a, off + 4, packetLength + TAG_LENGTH, a, off + 4);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("AEAD tag error");
        } finally {
            incrementCounter();
        }
    }

    @Override
    public boolean opensOutOfPlace() {
        return OUT_OF_PLACE;
    }

    @Override
    public void open(long sequence, byte[] src, int srcOff, byte[] dst, int dstOff, int packetLength)
            throws GeneralSecurityException {
        try {
            init();
            cipher.updateAAD(src, srcOff, 4);
            cipher.doFinal(src, srcOff + 4, packetLength + TAG_LENGTH, dst, dstOff + 4);
            System.arraycopy(src, srcOff, dst, dstOff, 4);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("AEAD tag error");
        } finally {
            incrementCounter();
        }
    }

    @Override
    public void seal(long sequence, byte[] a, int off, int packetLength) {
        try {
            init();
            cipher.updateAAD(a, off, 4);
            cipher.doFinal(a, off + 4, packetLength, a, off + 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        } finally {
            incrementCounter();
        }
    }

    @Override
    public void destroy() {
        java.util.Arrays.fill(iv, (byte) 0);
    }

    private void init() throws GeneralSecurityException {
        cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, iv));
    }

    /** Increments the 64-bit invocation counter in bytes 4..11 of the nonce (RFC 5647 §7.1). */
    private void incrementCounter() {
        for (int i = 11; i >= 4; i--) {
            if (++iv[i] != 0) {
                break;
            }
        }
    }
}
