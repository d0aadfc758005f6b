// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Computes the Poly1305 one-time authenticator (RFC 8439 §2.5) in 130-bit arithmetic on three 64-bit limbs of
 * 44, 44 and 42 bits, the layout of poly1305-donna's 64-bit variant.
 *
 * <p>A 16-byte block is added to the accumulator {@code h}, then {@code h} is multiplied by the clamped key
 * {@code r} modulo p = 2^130 - 5. The nine limb products are up to 94 bits wide; each is taken as its low 64 bits
 * ({@code *}) and high 64 bits ({@link Math#multiplyHigh}, an intrinsic on x86-64 and AArch64; the operands are
 * non-negative and below 2^50, so the signed high half is the unsigned one) and split at once at the limb
 * boundary, so that the sums of the split parts fit a {@code long} and no 128-bit carry has to be detected.
 * Reduction uses 2^130 ≡ 5 (mod p): a product landing at bit 132 is multiplied by 20.
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
final class Poly1305Limbs44 {

    /** Bytes of key: r (16, clamped) then s (16). */
    static final int KEY_LENGTH = 32;
    /** Bytes of tag. */
    static final int TAG_LENGTH = 16;

    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long M44 = (1L << 44) - 1;
    private static final long M42 = (1L << 42) - 1;
    /** The 2^128 bit every full block carries (RFC 8439 §2.5.1), at its place in limb 2 (bit 128 - 88). */
    private static final long HIBIT = 1L << 40;
    /** RFC 8439 §2.5.1 clamp: the top four bits of r's bytes 3, 7, 11, 15 and the low two of 4, 8, 12 cleared. */
    private static final long CLAMP_LO = 0x0ffffffc0fffffffL;
    private static final long CLAMP_HI = 0x0ffffffc0ffffffcL;

    private long r0;
    private long r1;
    private long r2;
    /** r1 and r2 times 20: a limb product at bit 132 = 130 + 2 folds back as 5 · 2^2. */
    private long s1;
    private long s2;
    /** r² mod p (partially reduced) and its limbs 1 and 2 times 20. */
    private long rr0;
    private long rr1;
    private long rr2;
    private long ss1;
    private long ss2;
    private long pad0;
    private long pad1;
    private long h0;
    private long h1;
    private long h2;
    private final byte[] buffer = new byte[TAG_LENGTH];
    private int buffered;

    /** Starts a new message under the 32-byte one-time key at {@code key[off..off+32)}. */
    void init(byte[] key, int off) {
        long t0 = (long) LE_LONG.get(key, off) & CLAMP_LO;
        long t1 = (long) LE_LONG.get(key, off + 8) & CLAMP_HI;
        r0 = t0 & M44;
        r1 = ((t0 >>> 44) | (t1 << 20)) & M44;
        r2 = t1 >>> 24;
        s1 = r1 * 20;
        s2 = r2 * 20;
        // r² for the two-block step: h ← r, then h ← h·r.
        h0 = r0;
        h1 = r1;
        h2 = r2;
        multiplyByR(r0, r1, r2, s1, s2);
        rr0 = h0;
        rr1 = h1;
        rr2 = h2;
        ss1 = rr1 * 20;
        ss2 = rr2 * 20;
        pad0 = (long) LE_LONG.get(key, off + 16);
        pad1 = (long) LE_LONG.get(key, off + 24);
        h0 = 0;
        h1 = 0;
        h2 = 0;
        buffered = 0;
    }

    /** Adds {@code len} bytes of message at {@code a[off..off+len)}. */
    void update(byte[] a, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, a.length);
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
        java.util.Objects.checkFromIndexSize(off, TAG_LENGTH, out.length);
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
        r0 = r1 = r2 = s1 = s2 = rr0 = rr1 = rr2 = ss1 = ss2 = pad0 = pad1 = h0 = h1 = h2 = 0;
        Arrays.fill(buffer, (byte) 0);
        buffered = 0;
    }

    /**
     * Absorbs {@code len} (a multiple of 16) bytes of whole blocks, each with {@code hibit} at bit 128.
     *
     * <p>Two blocks at a time as h ← (h + m1)·r² + m2·r, which is the same value as two single steps: the two
     * products are independent, so the processor overlaps them, and one carry chain serves both blocks. A last
     * odd block takes the single step.
     */
    private void blocks(byte[] a, int off, int len, long hibit) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        final long q0 = r0;
        final long q1 = r1;
        final long q2 = r2;
        final long t1 = s1;
        final long t2 = s2;
        final long u0 = rr0;
        final long u1 = rr1;
        final long u2 = rr2;
        final long v1 = ss1;
        final long v2 = ss2;
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

            // d0 = a·r² + b·r at limb 0: a0·rr0 + a1·20rr2 + a2·20rr1 + b0·r0 + b1·20r2 + b2·20r1; each product
            // is kept as (its low 44 bits, summed) and (the rest, summed).
            long p;
            long lo0 = (p = a0 * u0) & M44;
            long hi0 = (Math.multiplyHigh(a0, u0) << 20) | (p >>> 44);
            lo0 += (p = a1 * v2) & M44;
            hi0 += (Math.multiplyHigh(a1, v2) << 20) | (p >>> 44);
            lo0 += (p = a2 * v1) & M44;
            hi0 += (Math.multiplyHigh(a2, v1) << 20) | (p >>> 44);
            lo0 += (p = b0 * q0) & M44;
            hi0 += (Math.multiplyHigh(b0, q0) << 20) | (p >>> 44);
            lo0 += (p = b1 * t2) & M44;
            hi0 += (Math.multiplyHigh(b1, t2) << 20) | (p >>> 44);
            lo0 += (p = b2 * t1) & M44;
            hi0 += (Math.multiplyHigh(b2, t1) << 20) | (p >>> 44);
            // d1 = a0·rr1 + a1·rr0 + a2·20rr2 + b0·r1 + b1·r0 + b2·20r2
            long lo1 = (p = a0 * u1) & M44;
            long hi1 = (Math.multiplyHigh(a0, u1) << 20) | (p >>> 44);
            lo1 += (p = a1 * u0) & M44;
            hi1 += (Math.multiplyHigh(a1, u0) << 20) | (p >>> 44);
            lo1 += (p = a2 * v2) & M44;
            hi1 += (Math.multiplyHigh(a2, v2) << 20) | (p >>> 44);
            lo1 += (p = b0 * q1) & M44;
            hi1 += (Math.multiplyHigh(b0, q1) << 20) | (p >>> 44);
            lo1 += (p = b1 * q0) & M44;
            hi1 += (Math.multiplyHigh(b1, q0) << 20) | (p >>> 44);
            lo1 += (p = b2 * t2) & M44;
            hi1 += (Math.multiplyHigh(b2, t2) << 20) | (p >>> 44);
            // d2 = a0·rr2 + a1·rr1 + a2·rr0 + b0·r2 + b1·r1 + b2·r0, split at 42 bits.
            long lo2 = (p = a0 * u2) & M42;
            long hi2 = (Math.multiplyHigh(a0, u2) << 22) | (p >>> 42);
            lo2 += (p = a1 * u1) & M42;
            hi2 += (Math.multiplyHigh(a1, u1) << 22) | (p >>> 42);
            lo2 += (p = a2 * u0) & M42;
            hi2 += (Math.multiplyHigh(a2, u0) << 22) | (p >>> 42);
            lo2 += (p = b0 * q2) & M42;
            hi2 += (Math.multiplyHigh(b0, q2) << 22) | (p >>> 42);
            lo2 += (p = b1 * q1) & M42;
            hi2 += (Math.multiplyHigh(b1, q1) << 22) | (p >>> 42);
            lo2 += (p = b2 * q0) & M42;
            hi2 += (Math.multiplyHigh(b2, q0) << 22) | (p >>> 42);

            a0 = lo0 & M44;
            long c = hi0 + (lo0 >>> 44);
            lo1 += c;
            a1 = lo1 & M44;
            c = hi1 + (lo1 >>> 44);
            lo2 += c;
            a2 = lo2 & M42;
            c = hi2 + (lo2 >>> 42);
            a0 += c * 5;
            c = a0 >>> 44;
            a0 &= M44;
            a1 += c;
        }
        if (off < end) {
            long m0 = (long) LE_LONG.get(a, off);
            long m1 = (long) LE_LONG.get(a, off + 8);
            a0 += m0 & M44;
            a1 += ((m0 >>> 44) | (m1 << 20)) & M44;
            a2 += (m1 >>> 24) | hibit;
            h0 = a0;
            h1 = a1;
            h2 = a2;
            multiplyByR(q0, q1, q2, t1, t2);
        } else {
            h0 = a0;
            h1 = a1;
            h2 = a2;
        }
    }

    /**
     * Sets h ← h·r mod p (partially reduced) for the r given as limbs {@code q} and its multiples {@code t} = 20·q.
     *
     * <p>Bounds, with h0, h1 &lt; 2^45 + 2^16 and h2 &lt; 2^43 on entry and any r whose limbs are below 2^44 + 2^16,
     * 2^44 + 2^16 and 2^42 (the clamped key, and its square as {@link #init} leaves it): each product is below
     * 2^94, the sums of at most six of them below 2^97; the split sums stay below 2^56; afterwards h0 &lt; 2^44,
     * h1 &lt; 2^44 + 2^16, h2 &lt; 2^42.
     */
    private void multiplyByR(long q0, long q1, long q2, long t1, long t2) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        long p;
        long lo0 = (p = a0 * q0) & M44;
        long hi0 = (Math.multiplyHigh(a0, q0) << 20) | (p >>> 44);
        lo0 += (p = a1 * t2) & M44;
        hi0 += (Math.multiplyHigh(a1, t2) << 20) | (p >>> 44);
        lo0 += (p = a2 * t1) & M44;
        hi0 += (Math.multiplyHigh(a2, t1) << 20) | (p >>> 44);
        long lo1 = (p = a0 * q1) & M44;
        long hi1 = (Math.multiplyHigh(a0, q1) << 20) | (p >>> 44);
        lo1 += (p = a1 * q0) & M44;
        hi1 += (Math.multiplyHigh(a1, q0) << 20) | (p >>> 44);
        lo1 += (p = a2 * t2) & M44;
        hi1 += (Math.multiplyHigh(a2, t2) << 20) | (p >>> 44);
        long lo2 = (p = a0 * q2) & M42;
        long hi2 = (Math.multiplyHigh(a0, q2) << 22) | (p >>> 42);
        lo2 += (p = a1 * q1) & M42;
        hi2 += (Math.multiplyHigh(a1, q1) << 22) | (p >>> 42);
        lo2 += (p = a2 * q0) & M42;
        hi2 += (Math.multiplyHigh(a2, q0) << 22) | (p >>> 42);
        a0 = lo0 & M44;
        long c = hi0 + (lo0 >>> 44);
        lo1 += c;
        a1 = lo1 & M44;
        c = hi1 + (lo1 >>> 44);
        lo2 += c;
        a2 = lo2 & M42;
        c = hi2 + (lo2 >>> 42);
        a0 += c * 5;
        c = a0 >>> 44;
        a0 &= M44;
        a1 += c;
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }
}
