// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.ChaCha20ParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Implements {@code chacha20-poly1305@openssh.com} (OpenSSH {@code PROTOCOL.chacha20poly1305}): 64 bytes of
 * key make K_2 (first half, payload and Poly1305 key) and K_1 (second half, length field only); the nonce is
 * the packet sequence number as a big-endian uint64; the Poly1305 key is the first 32 bytes of K_2's keystream
 * block 0, the payload is encrypted from block 1, and the tag covers the encrypted length and payload.
 *
 * <h2>Which ChaCha20</h2>
 * The protocol uses the original ChaCha20 (64-bit block counter, 64-bit nonce); the JDK's {@code ChaCha20} is
 * RFC 8439's (32-bit counter, 96-bit nonce). Both put the counter and nonce in state words 12 to 15, loaded
 * little-endian: original = counter low, counter high, nonce bytes 0-3, nonce bytes 4-7; RFC 8439 = counter,
 * nonce bytes 0-3, 4-7, 8-11. So the original cipher with nonce N and a counter below 2^32 is RFC 8439's with
 * the 12-byte nonce {@code 00 00 00 00 ‖ N} and the same counter; a packet (at most 256 KiB, 4096 blocks) never
 * comes near 2^32 blocks. The sequence number is a uint32 in SSH (RFC 4253 §6.4) and OpenSSH widens it to the
 * 64-bit nonce, so the 12-byte nonce is eight zero bytes then the sequence number.
 *
 * <p>On Java 20 and later SunJCE's {@code ChaCha20} is used: those JDKs run it as AVX2/AVX-512/ASIMD intrinsics,
 * about 3 times our Java code on 32 KiB packets and 7 times Bouncy Castle's. Before Java 20 it is Java code that
 * computes one block at a time, and our {@link ChaCha20}, which computes up to 64 blocks side by side in loops
 * C2 vectorizes, is about 1.6 times as fast; so Java 17 to 19 use ours, as does any JVM whose SunJCE lacks a
 * working ChaCha20 (checked once against ours at class initialization). The choice is logged once at debug. It
 * goes by the Java version, not by a timing taken at start-up: deterministic, free, and not at the mercy of the
 * machine's load at that moment; the figures are in {@code benchmarks/README.md}
 * ({@code ChaCha20Poly1305PairedBenchmark}). Bouncy Castle's ChaCha20 is no longer used: it was the slowest.
 *
 * <p>Poly1305 is our own {@link Poly1305} (44/44/42-bit limbs in {@code long}s, {@code Math.multiplyHigh}, no
 * allocation), for both keystreams.
 *
 * <h2>Allocation and per-packet cost</h2>
 * Our ChaCha20 and Poly1305 allocate nothing per packet. The JDK path inits its payload cipher once per packet
 * (the nonce changes), allocating a {@link ChaCha20ParameterSpec} (immutable) and whatever SunJCE copies on
 * {@code init} (the key, the nonce, its block engine). In {@code ChaCha20Poly1305PairedBenchmark} on Java 25 the
 * fixed cost per seal + open came to about 1 µs against some 55 µs for a 32 KiB packet (2%), but about 40% of a
 * 1 KiB packet's time, when the length field also took a JDK cipher; the length field (4 bytes of one block of
 * K_1) is now our ChaCha20's scalar one-block path on every Java version, as is the Poly1305 key (block 0 of K_2)
 * on ours. The packet is worked on in place in its array: {@link #open} reads it once for the tag, then decrypts
 * it in place; a wrong tag leaves it untouched.
 */
final class ChaCha20Poly1305PacketCipher implements PacketCipher {

    private static final Logger LOG = LoggerFactory.getLogger(ChaCha20Poly1305PacketCipher.class);
    private static final int TAG_LENGTH = Poly1305.TAG_LENGTH;
    /** The SunJCE provider when its ChaCha20 passed the self-check, or {@code null}. */
    private static final Provider JDK_PROVIDER = findJdkChaCha20();
    /**
     * The first Java version whose JDK runs ChaCha20 as CPU intrinsics (JDK-8247645: AVX2 and AVX-512 on x86-64;
     * AArch64 ASIMD came with it). Before it, our {@link ChaCha20} is faster than the JDK's Java code.
     */
    static final int FIRST_JDK_WITH_CHACHA20_INTRINSICS = 20;
    /** {@link #JDK_PROVIDER} where the JDK's ChaCha20 is the faster one, else {@code null}: ours then. */
    private static final Provider JDK_CHACHA20 = choose(JDK_PROVIDER, Runtime.version().feature());

    private final Keystream lengthStream;
    private final Keystream payloadStream;
    private final Poly1305 poly = new Poly1305();
    private final byte[] block0 = new byte[64];
    private final byte[] tag = new byte[TAG_LENGTH];
    private final byte[] received = new byte[TAG_LENGTH];
    private final byte[] lengthPlain = new byte[4];

    ChaCha20Poly1305PacketCipher(byte[] key) {
        this(key, JDK_CHACHA20 != null);
    }

    /**
     * Creates the cipher with the payload on the JDK's ChaCha20 ({@code jdk}; it must be available, chosen or not)
     * or on our {@link ChaCha20}; tests and benchmarks use both on every Java version. The length field is always
     * on ours.
     */
    ChaCha20Poly1305PacketCipher(byte[] key, boolean jdk) {
        if (key.length != 64) {
            throw new IllegalArgumentException("chacha20-poly1305@openssh.com needs 64 bytes of key");
        }
        this.payloadStream = keystream(jdk, key, 0);
        // The length field takes 4 bytes of one block: our ChaCha20's scalar block, on every Java version. The
        // JDK's would cost a Cipher.init per packet and, with intrinsics, 512 or 1024 bytes of keystream for them.
        this.lengthStream = new JavaKeystream(key, 32);
    }

    /** Creates a keystream under the 32 bytes of key at {@code key[off..]}, the JDK's or our {@link ChaCha20}. */
    static Keystream keystream(boolean jdk, byte[] key, int off) {
        if (jdk && JDK_PROVIDER == null) {
            throw new IllegalStateException("the JDK's ChaCha20 is not available");
        }
        return jdk ? new JdkKeystream(JDK_PROVIDER, key, off) : new JavaKeystream(key, off);
    }

    /** Says whether new instances use the JDK's ChaCha20 (true) or our {@link ChaCha20} (false). */
    static boolean usesJdkChaCha20() {
        return JDK_CHACHA20 != null;
    }

    /** Says whether the JDK's ChaCha20 is there and passed the self-check, used or not. */
    static boolean jdkChaCha20Available() {
        return JDK_PROVIDER != null;
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
        lengthStream.start(sequence);
        lengthStream.apply(a, off, 4, lengthPlain, 0);
        return Bytes.getInt(lengthPlain, 0);
    }

    @Override
    public void open(long sequence, byte[] a, int off, int packetLength) throws GeneralSecurityException {
        startPayload(sequence);
        int end = off + 4 + packetLength;
        poly.update(a, off, 4 + packetLength);
        poly.doFinal(tag, 0);
        System.arraycopy(a, end, received, 0, TAG_LENGTH);
        if (!MessageDigest.isEqual(tag, received)) {
            throw new GeneralSecurityException("AEAD tag error");
        }
        System.arraycopy(lengthPlain, 0, a, off, 4);
        payloadStream.apply(a, off + 4, packetLength, a, off + 4);
    }

    @Override
    public void seal(long sequence, byte[] a, int off, int packetLength) {
        lengthStream.start(sequence);
        lengthStream.apply(a, off, 4, a, off);
        startPayload(sequence);
        payloadStream.apply(a, off + 4, packetLength, a, off + 4);
        poly.update(a, off, 4 + packetLength);
        poly.doFinal(a, off + 4 + packetLength);
    }

    @Override
    public void destroy() {
        lengthStream.destroy();
        payloadStream.destroy();
        poly.wipe();
        Arrays.fill(block0, (byte) 0);
        Arrays.fill(lengthPlain, (byte) 0);
    }

    /** Keys Poly1305 from K_2's keystream block 0 and leaves the payload keystream at block 1. */
    private void startPayload(long sequence) {
        payloadStream.start(sequence);
        Arrays.fill(block0, (byte) 0);
        payloadStream.apply(block0, 0, 64, block0, 0);
        poly.init(block0, 0);
        Arrays.fill(block0, (byte) 0);
    }

    /** A ChaCha20 keystream under one 32-byte key, restarted at block 0 for each packet. */
    interface Keystream {

        /** Positions the keystream at block 0 for the packet with this sequence number (its low 32 bits). */
        void start(long sequence);

        /** XORs the next {@code len} keystream bytes with {@code in} into {@code out}; in place allowed. */
        void apply(byte[] in, int inOff, int len, byte[] out, int outOff);

        void destroy();
    }

    /** The JDK's RFC 8439 ChaCha20 with the nonce {@code 0^8 ‖ uint32 sequence} (see the class comment). */
    private static final class JdkKeystream implements Keystream {

        /**
         * A nonce no packet uses (its first byte is not zero), to init with in between when one sequence number
         * is started twice in a row: Java 17's SunJCE refuses an init with the key and nonce of the previous one,
         * in either mode (Java 25 only in ENCRYPT_MODE). Only tests and benchmarks seal one sequence twice.
         */
        private static final ChaCha20ParameterSpec SPACER = new ChaCha20ParameterSpec(
                new byte[] {-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0);

        private final Cipher cipher;
        private final RawKey key;
        private final byte[] nonce = new byte[12];
        private long started = -1;

        JdkKeystream(Provider provider, byte[] key, int off) {
            this.key = new RawKey(Arrays.copyOfRange(key, off, off + 32));
            try {
                this.cipher = Cipher.getInstance("ChaCha20", provider);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ChaCha20 of " + provider.getName() + " vanished", e);
            }
        }

        @Override
        public void start(long sequence) {
            long s = sequence & 0xffffffffL;
            try {
                if (s == started) {
                    cipher.init(Cipher.DECRYPT_MODE, key, SPACER);
                }
                Bytes.putInt(nonce, 8, (int) s);
                // DECRYPT_MODE: the keystream is the same either way, and Java 20 and later check ENCRYPT_MODE
                // inits against the previous key and nonce, which costs a comparison per packet for nothing.
                cipher.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(nonce, 0));
                started = s;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ChaCha20 refused its key or nonce", e);
            }
        }

        @Override
        public void apply(byte[] in, int inOff, int len, byte[] out, int outOff) {
            try {
                int n = cipher.update(in, inOff, len, out, outOff);
                if (n != len) {
                    throw new IllegalStateException("ChaCha20 returned " + n + " of " + len + " bytes");
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ChaCha20 failed", e);
            }
        }

        @Override
        public void destroy() {
            key.wipe();
            // Overwrites the key the cipher copied on init, as far as the provider allows.
            try {
                cipher.init(Cipher.DECRYPT_MODE, new RawKey(new byte[32]), SPACER);
            } catch (GeneralSecurityException | RuntimeException e) {
                LOG.debug("could not re-key the ChaCha20 cipher with zeros on destroy", e);
            }
        }
    }

    /** Our {@link ChaCha20} (original ChaCha20) with the 8-byte nonce {@code uint64 sequence}. */
    private static final class JavaKeystream implements Keystream {

        private final ChaCha20 chacha;
        private final byte[] nonce = new byte[8];

        JavaKeystream(byte[] key, int off) {
            this.chacha = new ChaCha20(key, off);
        }

        @Override
        public void start(long sequence) {
            Bytes.putLong(nonce, 0, sequence & 0xffffffffL);
            chacha.start(nonce, 0, 0);
        }

        @Override
        public void apply(byte[] in, int inOff, int len, byte[] out, int outOff) {
            chacha.apply(in, inOff, len, out, outOff);
        }

        @Override
        public void destroy() {
            chacha.wipe();
        }
    }

    /** A raw 32-byte key we can wipe ({@code SecretKeySpec} cannot be destroyed). */
    private static final class RawKey implements SecretKey {

        private static final long serialVersionUID = 1L;
        private final byte[] bytes;

        RawKey(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getAlgorithm() {
            return "ChaCha20";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return bytes.clone();
        }

        void wipe() {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Returns SunJCE if it has a ChaCha20 that yields the same keystream as our original ChaCha20 under the
     * mapping in the class comment (a check of 192 bytes, once per JVM), else {@code null}.
     */
    private static Provider findJdkChaCha20() {
        Provider sunJce = Security.getProvider("SunJCE");
        if (sunJce == null) {
            return null;
        }
        try {
            byte[] key = new byte[32];
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) (i * 7 + 1);
            }
            long sequence = 0x89abcdefL;
            byte[] expected = new byte[192];
            JavaKeystream reference = new JavaKeystream(key, 0);
            reference.start(sequence);
            reference.apply(expected, 0, expected.length, expected, 0);
            JdkKeystream jdk = new JdkKeystream(sunJce, key, 0);
            byte[] actual = new byte[192];
            jdk.start(sequence);
            jdk.apply(actual, 0, 64, actual, 0);
            jdk.apply(actual, 64, 128, actual, 64);
            if (!Arrays.equals(expected, actual)) {
                LOG.warn("the ChaCha20 of {} {} differs from the original ChaCha20; chacha20-poly1305@openssh.com"
                        + " will not use it", sunJce.getName(), sunJce.getVersionStr());
                return null;
            }
            return sunJce;
        } catch (RuntimeException e) {
            LOG.debug("{} has no usable ChaCha20", sunJce.getName(), e);
            return null;
        }
    }

    /** Returns {@code jdk} on Java 20 and later, else {@code null} (our ChaCha20), and logs the choice once. */
    static Provider choose(Provider jdk, int javaVersion) {
        if (jdk != null && javaVersion >= FIRST_JDK_WITH_CHACHA20_INTRINSICS) {
            LOG.debug("chacha20-poly1305@openssh.com uses the ChaCha20 of {} {} (Java {})", jdk.getName(),
                    jdk.getVersionStr(), javaVersion);
            return jdk;
        }
        LOG.debug("chacha20-poly1305@openssh.com uses fumidai's ChaCha20 (Java {}, {})", javaVersion,
                jdk == null ? "no usable SunJCE ChaCha20" : "SunJCE's has no intrinsics before Java 20");
        return null;
    }
}
