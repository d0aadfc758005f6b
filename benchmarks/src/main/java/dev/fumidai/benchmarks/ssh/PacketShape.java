// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.cipher.CipherAlgorithms.CipherSpec;
import dev.fumidai.ssh.internal.cipher.CipherAlgorithms.MacSpec;
import java.util.Random;

/**
 * Describes the benchmarked packet of one algorithm (cipher, MAC, keys, packet_length) and builds its
 * plaintext, padded exactly as {@code SshPacketCodec} pads (RFC 4253 §6: at least 4 bytes of padding, the
 * length field excluded from the alignment for AEAD and encrypt-then-MAC).
 */
final class PacketShape {

    /** The payload size the issue asks for: 32 KiB, the largest payload OpenSSH's channels send. */
    static final int PAYLOAD = 32 * 1024;

    final String algorithm;
    final CipherSpec cipher;
    final MacSpec mac;
    final byte[] key;
    final byte[] iv;
    final byte[] macKey;
    final int blockSize;
    final boolean lengthExcluded;
    final int tagLength;
    final int padding;
    final int packetLength;

    /**
     * Parses {@code cipher} (AEAD) or {@code cipher+mac} and draws keys from a fixed seed, the same for both
     * paths.
     */
    PacketShape(String algorithm) {
        this.algorithm = algorithm;
        int plus = algorithm.indexOf('+');
        String cipherName = plus < 0 ? algorithm : algorithm.substring(0, plus);
        this.cipher = CipherAlgorithms.cipher(cipherName)
                .orElseThrow(() -> new IllegalArgumentException("unknown cipher " + cipherName));
        if (cipher.aead() != (plus < 0)) {
            throw new IllegalArgumentException(algorithm + ": an AEAD cipher takes no MAC, any other needs one");
        }
        this.mac = plus < 0 ? null : CipherAlgorithms.mac(algorithm.substring(plus + 1))
                .orElseThrow(() -> new IllegalArgumentException("unknown MAC in " + algorithm));
        Random random = new Random(algorithm.hashCode());
        this.key = bytes(random, cipher.keyLength());
        this.iv = bytes(random, cipher.ivLength());
        this.macKey = mac == null ? null : bytes(random, mac.keyLength());
        boolean chacha = cipherName.equals(CipherAlgorithms.CHACHA20_POLY1305);
        this.blockSize = chacha ? 8 : 16;
        this.lengthExcluded = mac == null || mac.etm();
        // RFC 6668: the HMAC-SHA2 keys are as long as their output.
        this.tagLength = mac == null ? 16 : mac.keyLength();
        int unpadded = (lengthExcluded ? 0 : 4) + 1 + PAYLOAD;
        int pad = blockSize - unpadded % blockSize;
        this.padding = pad < 4 ? pad + blockSize : pad;
        this.packetLength = 1 + PAYLOAD + padding;
    }

    /** Returns the bytes on the wire per packet: length field, packet and tag. */
    int wireLength() {
        return 4 + packetLength + tagLength;
    }

    /** Returns the plaintext packet (length, padding length, payload, padding) in an array of wire length. */
    byte[] plaintext() {
        byte[] a = new byte[wireLength()];
        a[0] = (byte) (packetLength >>> 24);
        a[1] = (byte) (packetLength >>> 16);
        a[2] = (byte) (packetLength >>> 8);
        a[3] = (byte) packetLength;
        a[4] = (byte) padding;
        Random random = new Random(42);
        for (int i = 5; i < 4 + packetLength; i++) {
            a[i] = (byte) random.nextInt();
        }
        return a;
    }

    /** Returns the payload alone, the same bytes {@link #plaintext()} carries. */
    byte[] payload() {
        byte[] p = new byte[PAYLOAD];
        System.arraycopy(plaintext(), 5, p, 0, PAYLOAD);
        return p;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
