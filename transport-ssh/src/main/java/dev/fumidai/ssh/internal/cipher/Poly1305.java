// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Computes the Poly1305 one-time authenticator (RFC 8439 §2.5) in 130-bit arithmetic on three 64-bit limbs of
 * 44, 44 and 42 bits, the layout of poly1305-donna's 64-bit variant, two blocks per step.
 *
 * <p>A 16-byte block is added to the accumulator {@code h}, then {@code h} is multiplied by the clamped key
 * {@code r} modulo p = 2^130 - 5; two blocks at a time as h ← (h + m1)·r² + m2·r, whose two products are
 * independent, so the processor overlaps them. Reduction uses 2^130 ≡ 5 (mod p): a limb product landing at bit
 * 132 is multiplied by 20 (done on the accumulator's limb, below 2^45, so the factor stays below 2^50).
 *
 * <h2>Each limb sum in four instructions per product</h2>
 * A limb of the product is a sum D = Σ x_i·y_i of up to six products below 2^94, split as D = H·2^45 + L:
 * <ul>
 *   <li>H = Σ ⌊x_i·y_i / 2^45⌋ is the sum of {@link Math#multiplyHigh}{@code (x_i, y_i << 19)} (an intrinsic on
 *       x86-64 and AArch64): the key limbs y are below 2^44, so y·2^19 is a positive {@code long} and the 128-bit
 *       product's high half is exactly ⌊x·y / 2^45⌋;</li>
 *   <li>L = Σ (x_i·y_i mod 2^45) is below 6·2^45, so it is what the wrapping sum of the low halves {@code x_i * y_i}
 *       minus {@code H << 45} leaves modulo 2^64.</li>
 * </ul>
 * So each product costs a multiply, a high multiply and two additions, with no mask or shift; the limb is
 * L's low 44 (42) bits and the carry (L &gt;&gt; 44) + 2H (L &gt;&gt; 42 + 8H). The key and r² are kept both
 * as limbs and shifted by 19, with every limb fully carried below 2^44.
 *
 * <p>Blocks are read straight from the caller's array as two little-endian {@code long}s; only a message tail
 * shorter than a block, or bytes passed across {@link #update} calls that split a block, go through a 16-byte
 * buffer. An instance allocates nothing after construction.
 *
 * <h2>Constant time</h2>
 * No branch and no memory index depends on the key, the message or the accumulator: carries are shifts and
 * masks, the final conditional subtraction of p selects with a mask, and the 128-bit addition of {@code s}
 * computes its carry with bit operations. Branches depend only on lengths.
 *
 * <h2>Threading</h2>
 * Not thread-safe; one instance serves one packet direction.
 */
final class Poly1305 {

    /** Bytes of key: r (16, clamped) then s (16). */
    static final int KEY_LENGTH = 32;
    /** Bytes of tag. */
    static final int TAG_LENGTH = 16;

    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long M44 = (1L << 44) - 1;
    private static final long M42 = (1L << 42) - 1;
    /** Where {@code Math.multiplyHigh(x, y << SHIFT)} splits the product x·y: 64 - 19 = 45. */
    private static final int SHIFT = 19;
    private static final int SPLIT = 64 - SHIFT;
    /** The 2^128 bit every full block carries (RFC 8439 §2.5.1), at its place in limb 2 (bit 128 - 88). */
    private static final long HIBIT = 1L << 40;
    /** RFC 8439 §2.5.1 clamp: the top four bits of r's bytes 3, 7, 11, 15 and the low two of 4, 8, 12 cleared. */
    private static final long CLAMP_LO = 0x0ffffffc0fffffffL;
    private static final long CLAMP_HI = 0x0ffffffc0ffffffcL;

    /** r as limbs, then the same shifted left by 19. */
    private long r0;
    private long r1;
    private long r2;
    private long sr0;
    private long sr1;
    private long sr2;
    /** r² mod p (fully carried limbs, below 2^44, 2^44, 2^43), then shifted left by 19. */
    private long rr0;
    private long rr1;
    private long rr2;
    private long srr0;
    private long srr1;
    private long srr2;
    private long pad0;
    private long pad1;
    private long h0;
    private long h1;
    private long h2;
    private final byte[] buffer = new byte[TAG_LENGTH];
    private int buffered;

    /** Starts a new message under the 32-byte one-time key at {@code key[off..off+32)}. */
    void init(byte[] key, int off) {
        Objects.checkFromIndexSize(off, KEY_LENGTH, key.length);
        long t0 = (long) LE_LONG.get(key, off) & CLAMP_LO;
        long t1 = (long) LE_LONG.get(key, off + 8) & CLAMP_HI;
        r0 = t0 & M44;
        r1 = ((t0 >>> 44) | (t1 << 20)) & M44;
        r2 = t1 >>> 24;
        sr0 = r0 << SHIFT;
        sr1 = r1 << SHIFT;
        sr2 = r2 << SHIFT;
        // r² for the two-block step: h ← r, then h ← h·r, then the carry out of limb 1 moved on.
        h0 = r0;
        h1 = r1;
        h2 = r2;
        multiplyByR(r0, r1, r2, sr0, sr1, sr2);
        rr0 = h0;
        rr1 = h1 & M44;
        rr2 = h2 + (h1 >>> 44);
        srr0 = rr0 << SHIFT;
        srr1 = rr1 << SHIFT;
        srr2 = rr2 << SHIFT;
        pad0 = (long) LE_LONG.get(key, off + 16);
        pad1 = (long) LE_LONG.get(key, off + 24);
        h0 = 0;
        h1 = 0;
        h2 = 0;
        buffered = 0;
    }

    /** Adds {@code len} bytes of message at {@code a[off..off+len)}. */
    void update(byte[] a, int off, int len) {
        Objects.checkFromIndexSize(off, len, a.length);
        if (buffered > 0) {
            int n = Math.min(len, TAG_LENGTH - buffered);
            System.arraycopy(a, off, buffer, buffered, n);
            buffered += n;
            off += n;
            len -= n;
            if (buffered < TAG_LENGTH) {
                return;
            }
            blocks(buffer, 0, TAG_LENGTH, HIBIT);
            buffered = 0;
        }
        int whole = len & ~(TAG_LENGTH - 1);
        if (whole > 0) {
            blocks(a, off, whole, HIBIT);
        }
        int rest = len - whole;
        if (rest > 0) {
            System.arraycopy(a, off + whole, buffer, 0, rest);
            buffered = rest;
        }
    }

    /** Writes the 16-byte tag to {@code out[off..off+16)} and forgets the key; call {@link #init} before reuse. */
    void doFinal(byte[] out, int off) {
        Objects.checkFromIndexSize(off, TAG_LENGTH, out.length);
        if (buffered > 0) {
            // RFC 8439 §2.5.1: a short last block gets a 1 byte after it and no 2^128 bit.
            buffer[buffered] = 1;
            Arrays.fill(buffer, buffered + 1, TAG_LENGTH, (byte) 0);
            blocks(buffer, 0, TAG_LENGTH, 0);
            Arrays.fill(buffer, (byte) 0);
            buffered = 0;
        }
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        // Full carry: afterwards a0, a1 < 2^44, a2 < 2^42, h < 2^130, h ≡ the accumulator (mod p).
        long c = a1 >>> 44;
        a1 &= M44;
        a2 += c;
        c = a2 >>> 42;
        a2 &= M42;
        a0 += c * 5;
        c = a0 >>> 44;
        a0 &= M44;
        a1 += c;
        c = a1 >>> 44;
        a1 &= M44;
        a2 += c;
        c = a2 >>> 42;
        a2 &= M42;
        a0 += c * 5;
        c = a0 >>> 44;
        a0 &= M44;
        a1 += c;
        // g = h + 5 - 2^130; if that is not negative, h >= p and g is h mod p.
        long g0 = a0 + 5;
        c = g0 >>> 44;
        g0 &= M44;
        long g1 = a1 + c;
        c = g1 >>> 44;
        g1 &= M44;
        long g2 = a2 + c - (1L << 42);
        long useG = (g2 >>> 63) - 1; // all ones if g2 >= 0
        a0 = (a0 & ~useG) | (g0 & useG);
        a1 = (a1 & ~useG) | (g1 & useG);
        a2 = (a2 & ~useG) | (g2 & useG & M42);
        // tag = (h + s) mod 2^128
        long lo = a0 | (a1 << 44);
        long hi = (a1 >>> 20) | (a2 << 24);
        long sumLo = lo + pad0;
        long carry = ((lo & pad0) | ((lo | pad0) & ~sumLo)) >>> 63;
        long sumHi = hi + pad1 + carry;
        LE_LONG.set(out, off, sumLo);
        LE_LONG.set(out, off + 8, sumHi);
        wipe();
    }

    /** Forgets the key and the accumulator. */
    void wipe() {
        r0 = r1 = r2 = sr0 = sr1 = sr2 = rr0 = rr1 = rr2 = srr0 = srr1 = srr2 = 0;
        pad0 = pad1 = h0 = h1 = h2 = 0;
        Arrays.fill(buffer, (byte) 0);
        buffered = 0;
    }

    /**
     * Absorbs {@code len} (a multiple of 16) bytes of whole blocks, each with {@code hibit} at bit 128: two at a
     * time as h ← (h + m1)·r² + m2·r, which is the same value as two single steps; a last odd block takes the
     * single step.
     *
     * <p>Bounds: on entry to a step the accumulator limbs are below 2^44, 2^44 + 2^20, 2^42 + 2^7; with a block
     * added below 2^45, 2^45 + 2^20, 2^43, the same for the second block (below 2^44, 2^44, 2^41), and 20 times
     * a limb below 2^50. Each product's high part (split at 45) is below 2^50, six of them below 2^53; each
     * limb's low sum is below 6·2^45 plus the incoming carry (below 2^54). Afterwards the bounds on entry hold.
     */
    private void blocks(byte[] a, int off, int len, long hibit) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        final long q0 = r0;
        final long q1 = r1;
        final long q2 = r2;
        final long sq0 = sr0;
        final long sq1 = sr1;
        final long sq2 = sr2;
        final long u0 = rr0;
        final long u1 = rr1;
        final long u2 = rr2;
        final long su0 = srr0;
        final long su1 = srr1;
        final long su2 = srr2;
        int end = off + len;
        for (; end - off >= 2 * TAG_LENGTH; off += 2 * TAG_LENGTH) {
            long m0 = (long) LE_LONG.get(a, off);
            long m1 = (long) LE_LONG.get(a, off + 8);
            long n0 = (long) LE_LONG.get(a, off + 16);
            long n1 = (long) LE_LONG.get(a, off + 24);
            a0 += m0 & M44;
            a1 += ((m0 >>> 44) | (m1 << 20)) & M44;
            a2 += (m1 >>> 24) | hibit;
            long b0 = n0 & M44;
            long b1 = ((n0 >>> 44) | (n1 << 20)) & M44;
            long b2 = (n1 >>> 24) | hibit;
            long a1x = a1 * 20;
            long a2x = a2 * 20;
            long b1x = b1 * 20;
            long b2x = b2 * 20;

            // d0 = a·r² + b·r at limb 0: a0·rr0 + 20a1·rr2 + 20a2·rr1 + b0·r0 + 20b1·r2 + 20b2·r1
            long l0 = a0 * u0 + a1x * u2 + a2x * u1 + b0 * q0 + b1x * q2 + b2x * q1;
            long k0 = Math.multiplyHigh(a0, su0) + Math.multiplyHigh(a1x, su2) + Math.multiplyHigh(a2x, su1)
                    + Math.multiplyHigh(b0, sq0) + Math.multiplyHigh(b1x, sq2) + Math.multiplyHigh(b2x, sq1);
            // d1 = a0·rr1 + a1·rr0 + 20a2·rr2 + b0·r1 + b1·r0 + 20b2·r2
            long l1 = a0 * u1 + a1 * u0 + a2x * u2 + b0 * q1 + b1 * q0 + b2x * q2;
            long k1 = Math.multiplyHigh(a0, su1) + Math.multiplyHigh(a1, su0) + Math.multiplyHigh(a2x, su2)
                    + Math.multiplyHigh(b0, sq1) + Math.multiplyHigh(b1, sq0) + Math.multiplyHigh(b2x, sq2);
            // d2 = a0·rr2 + a1·rr1 + a2·rr0 + b0·r2 + b1·r1 + b2·r0
            long l2 = a0 * u2 + a1 * u1 + a2 * u0 + b0 * q2 + b1 * q1 + b2 * q0;
            long k2 = Math.multiplyHigh(a0, su2) + Math.multiplyHigh(a1, su1) + Math.multiplyHigh(a2, su0)
                    + Math.multiplyHigh(b0, sq2) + Math.multiplyHigh(b1, sq1) + Math.multiplyHigh(b2, sq0);

            l0 -= k0 << SPLIT;
            a0 = l0 & M44;
            l1 += (l0 >>> 44) + (k0 << 1) - (k1 << SPLIT);
            a1 = l1 & M44;
            l2 += (l1 >>> 44) + (k1 << 1) - (k2 << SPLIT);
            a2 = l2 & M42;
            long c = (l2 >>> 42) + (k2 << 3);
            a0 += c * 5;
            c = a0 >>> 44;
            a0 &= M44;
            a1 += c;
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
        if (off < end) {
            long m0 = (long) LE_LONG.get(a, off);
            long m1 = (long) LE_LONG.get(a, off + 8);
            h0 = a0 + (m0 & M44);
            h1 = a1 + (((m0 >>> 44) | (m1 << 20)) & M44);
            h2 = a2 + ((m1 >>> 24) | hibit);
            multiplyByR(q0, q1, q2, sq0, sq1, sq2);
        }
    }

    /**
     * Sets h ← h·r mod p (partially reduced) for r given as limbs {@code q} (each below 2^44) and the same shifted
     * left by 19 ({@code sq}); the limb bounds of {@link #blocks} hold before and after.
     */
    private void multiplyByR(long q0, long q1, long q2, long sq0, long sq1, long sq2) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        long a1x = a1 * 20;
        long a2x = a2 * 20;
        long l0 = a0 * q0 + a1x * q2 + a2x * q1;
        long k0 = Math.multiplyHigh(a0, sq0) + Math.multiplyHigh(a1x, sq2) + Math.multiplyHigh(a2x, sq1);
        long l1 = a0 * q1 + a1 * q0 + a2x * q2;
        long k1 = Math.multiplyHigh(a0, sq1) + Math.multiplyHigh(a1, sq0) + Math.multiplyHigh(a2x, sq2);
        long l2 = a0 * q2 + a1 * q1 + a2 * q0;
        long k2 = Math.multiplyHigh(a0, sq2) + Math.multiplyHigh(a1, sq1) + Math.multiplyHigh(a2, sq0);
        l0 -= k0 << SPLIT;
        a0 = l0 & M44;
        l1 += (l0 >>> 44) + (k0 << 1) - (k1 << SPLIT);
        a1 = l1 & M44;
        l2 += (l1 >>> 44) + (k1 << 1) - (k2 << SPLIT);
        a2 = l2 & M42;
        long c = (l2 >>> 42) + (k2 << 3);
        a0 += c * 5;
        c = a0 >>> 44;
        a0 &= M44;
        a1 += c;
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }
}
