// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import java.security.GeneralSecurityException;

/**
 * Encrypts and authenticates, or decrypts and verifies, whole SSH binary packets in place (RFC 4253 §6).
 *
 * <p>A packet in an array is {@code uint32 packet_length, byte padding_length, payload, padding} followed by
 * room for {@link #tagLength()} bytes of MAC or AEAD tag. One instance serves one direction; it keeps the
 * cipher state (CTR stream position, GCM invocation counter) between packets, so packets must be passed in
 * sequence order.
 *
 * <h2>Threading</h2>
 * Not thread-safe; used by the packet codec on its event loop only.
 *
 * <h2>Failure</h2>
 * {@link #open} throws on a MAC or tag mismatch without saying more (security-checklist T3); the caller ends
 * the connection.
 */
public interface PacketCipher {

    /** Returns the wire name of the cipher (and MAC, if separate), for logs and audit. */
    String name();

    /** Returns the alignment the padded packet must have (RFC 4253 §6: the cipher block size, at least 8). */
    int blockSize();

    /** Returns the length of the MAC or AEAD tag after the packet. */
    int tagLength();

    /**
     * Says whether the 4-byte length field is excluded from the block alignment, as for AEAD ciphers and
     * encrypt-then-MAC (OpenSSH {@code PROTOCOL} §1.5, §1.6).
     */
    boolean isLengthExcludedFromAlignment();

    /** Returns how many leading bytes {@link #decryptLength} needs. */
    int lengthFieldBytes();

    /**
     * Returns the packet_length of the packet starting at {@code off}. May decrypt the first
     * {@link #lengthFieldBytes()} in place; the caller calls it once per packet.
     */
    int decryptLength(long sequence, byte[] a, int off);

    /**
     * Verifies and decrypts in place the packet at {@code off}, whose length field was passed to
     * {@link #decryptLength}; {@code 4 + packetLength + tagLength()} bytes are readable.
     *
     * @throws GeneralSecurityException if the MAC or tag is wrong
     */
    void open(long sequence, byte[] a, int off, int packetLength) throws GeneralSecurityException;

    /**
     * Says whether {@link #open(long, byte[], int, byte[], int, int)} into another array costs less than opening in
     * place, so that a caller that has to move the packet anyway should let the cipher move it. True for AES-GCM
     * after Java 17: the JDK's GCM decryption on Java 25 takes about 2.6 µs per 32 KiB packet into another array and
     * 7 µs in place (its combined AES-GCM intrinsic is not used in place); Java 17 takes 7 µs either way. The output
     * must not share the input's array: the JDK then takes its slow way and allocates a copy of the whole array.
     */
    default boolean opensOutOfPlace() {
        return false;
    }

    /**
     * Verifies the packet at {@code src[srcOff..]} and writes it decrypted, length field included, to {@code
     * dst[dstOff..]}, which has room for {@code 4 + packetLength + tagLength()} bytes (what follows the packet there
     * is unspecified); {@code src} is left as it was or decrypted. The default copies, then opens in place.
     *
     * @throws GeneralSecurityException if the MAC or tag is wrong
     */
    default void open(long sequence, byte[] src, int srcOff, byte[] dst, int dstOff, int packetLength)
            throws GeneralSecurityException {
        System.arraycopy(src, srcOff, dst, dstOff, 4 + packetLength + tagLength());
        open(sequence, dst, dstOff, packetLength);
    }

    /**
     * Encrypts in place the plaintext packet of {@code 4 + packetLength} bytes at {@code off} and writes the
     * tag right after it.
     */
    void seal(long sequence, byte[] a, int off, int packetLength);

    /** Forgets the key material as far as the primitives allow. */
    void destroy();
}
