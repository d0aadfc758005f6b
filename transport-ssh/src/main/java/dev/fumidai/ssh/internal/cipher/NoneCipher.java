// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

/** Sends packets in the clear, as before the first NEWKEYS (RFC 4253 §6.3 "none"); never negotiated. */
public final class NoneCipher implements PacketCipher {

    /** The single instance; it has no state. */
    public static final NoneCipher INSTANCE = new NoneCipher();

    private NoneCipher() {
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public int blockSize() {
        return 8;
    }

    @Override
    public int tagLength() {
        return 0;
    }

    @Override
    public boolean isLengthExcludedFromAlignment() {
        return false;
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
    public void open(long sequence, byte[] a, int off, int packetLength) {
    }

    @Override
    public void seal(long sequence, byte[] a, int off, int packetLength) {
    }

    @Override
    public void destroy() {
    }
}
