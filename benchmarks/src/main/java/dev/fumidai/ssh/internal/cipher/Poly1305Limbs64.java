// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Computes the Poly1305 one-time authenticator (RFC 8439 §2.5) on 64-bit limbs: the accumulator is
 * h = h0 + h1·2^64 + h2·2^128 with h2 a few bits, the clamped key r = r0 + r1·2^64.
 *
 * <p>A 16-byte block m is added to h, then h is multiplied by r modulo p = 2^130 - 5. With t = h + m:
 * <pre>
 *   d0 = t0·r0 + t1·s1
 *   d1 = t0·r1 + t1·r0 + t2·s1 + d0 / 2^64
 *   d2 = t2·r0 + d1 / 2^64
 * </pre>
 * where s1 = r1 + r1/4 = 5·r1/4 exactly (the clamp clears r1's two low bits), because
 * t1·r1·2^128 = t1·(r1/4)·2^130 ≡ t1·s1 (mod p), and likewise t2·r1·2^192 ≡ t2·s1·2^64. Each 64×64-bit
 * product is taken as its low half ({@code *}) and its high half ({@link Math#multiplyHigh}, an intrinsic, made
 * unsigned by adding r when t's top bit is set; r0, r1 and s1 are below 2^61, so only t needs the correction);
 * 128-bit sums carry with bit operations. Then the bits of d2 from 2 up fold back as 5·(d2 / 4) = (d2 &amp; ~3) +
 * d2 / 4. That is four wide products per block (eight multiply instructions) against nine for 44-bit limbs (18).
 *
 * <p>Bounds: t0, t1 &lt; 2^64 and t2 ≤ 6; r0, r1 &lt; 2^60, s1 &lt; 1.25·2^60. Then d0 &lt; 2.25·2^124,
 * d1 &lt; 2^125 + 2^63 + 2.25·2^60 (its high half below 2^61 + 1), d2 &lt; 2^61 + 1 + 6·2^60 &lt; 2^64, the fold
 * below 1.25·d2 &lt; 2^64; afterwards h2 ≤ 4, so t2 = h2 + carry + 1 ≤ 6 on the next block.
 *
 * <p>Blocks are read straight from the caller's array as two little-endian {@code long}s; only a message tail
 * shorter than a block, or bytes passed across {@link #update} calls that split a block, go through a 16-byte
 * buffer. An instance allocates nothing after construction.
 *
 * <h2>Constant time</h2>
 * No branch and no memory index depends on the key, the message or the accumulator: carries are bit operations
 * ({@link #carry}), the final conditional subtraction of p selects with a mask. Branches depend only on lengths.
 *
 * <h2>Threading</h2>
 * Not thread-safe; one instance serves one packet direction.
 */
final class Poly1305Limbs64 {

    /** Bytes of key: r (16, clamped) then s (16). */
    static final int KEY_LENGTH = 32;
    /** Bytes of tag. */
    static final int TAG_LENGTH = 16;

    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    /** RFC 8439 §2.5.1 clamp: the top four bits of r's bytes 3, 7, 11, 15 and the low two of 4, 8, 12 cleared. */
    private static final long CLAMP_LO = 0x0ffffffc0fffffffL;
    private static final long CLAMP_HI = 0x0ffffffc0ffffffcL;

    private long r0;
    private long r1;
    /** 5·r1/4: a product landing at 2^128 times r1 folds back to limb 0. */
    private long s1;
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
        r0 = (long) LE_LONG.get(key, off) & CLAMP_LO;
        r1 = (long) LE_LONG.get(key, off + 8) & CLAMP_HI;
        s1 = r1 + (r1 >>> 2);
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
            blocks(buffer, 0, TAG_LENGTH, 1);
            buffered = 0;
        }
        int whole = len & ~(TAG_LENGTH - 1);
        if (whole > 0) {
            blocks(a, off, whole, 1);
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
        // h < 5·2^128 < 2p, so one conditional subtraction of p reduces it: g = h + 5 - 2^130 is h - p, and is
        // taken when it is not negative (g's bit 130 set). Only the low 128 bits of the result are needed.
        long a0 = h0;
        long a1 = h1;
        long g0 = a0 + 5;
        long c = carry(a0, 5, g0);
        long g1 = a1 + c;
        c = carry(a1, c, g1);
        long g2 = h2 + c;
        long useG = -(g2 >>> 2); // all ones if h + 5 >= 2^130
        a0 = (a0 & ~useG) | (g0 & useG);
        a1 = (a1 & ~useG) | (g1 & useG);
        // tag = (h + s) mod 2^128
        long lo = a0 + pad0;
        long hi = a1 + pad1 + carry(a0, pad0, lo);
        LE_LONG.set(out, off, lo);
        LE_LONG.set(out, off + 8, hi);
        wipe();
    }

    /** Forgets the key and the accumulator. */
    void wipe() {
        r0 = r1 = s1 = pad0 = pad1 = h0 = h1 = h2 = 0;
        Arrays.fill(buffer, (byte) 0);
        buffered = 0;
    }

    /** Absorbs {@code len} (a multiple of 16) bytes of whole blocks, each with {@code hibit} (0 or 1) at bit 128. */
    private void blocks(byte[] a, int off, int len, long hibit) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        final long q0 = r0;
        final long q1 = r1;
        final long t1 = s1;
        for (int end = off + len; off < end; off += TAG_LENGTH) {
            long m0 = (long) LE_LONG.get(a, off);
            long m1 = (long) LE_LONG.get(a, off + 8);
            // t = h + m (+ 2^128)
            long x0 = a0 + m0;
            long c = carry(a0, m0, x0);
            long x1 = a1 + m1 + c;
            long x2 = a2 + carry(a1, m1, x1) + hibit;

            // The six products first, then the sums: the d1 terms that do not wait for d0's carry are added first.
            long p00 = x0 * q0;
            long p11 = x1 * t1;
            long p01 = x0 * q1;
            long p10 = x1 * q0;
            long p21 = x2 * t1; // below 7.5·2^60: no high half
            long p20 = x2 * q0; // below 6·2^60
            // d0 = x0·r0 + x1·s1
            long d0 = p00 + p11;
            long e0 = unsignedHigh(x0, q0) + unsignedHigh(x1, t1) + carry(p00, p11, d0);
            // d1 = x0·r1 + x1·r0 + x2·s1 + e0
            long u = p01 + p10;
            long e1 = unsignedHigh(x0, q1) + unsignedHigh(x1, q0) + carry(p01, p10, u);
            long v = u + p21;
            e1 += carryOfSmall(u, v);
            long d1 = v + e0;
            e1 += carryOfSmall(v, d1);
            // d2 = x2·r0 + e1; bits 130 and up fold back times 5.
            long d2 = e1 + p20;
            long f = (d2 & ~3L) + (d2 >>> 2);
            a0 = d0 + f;
            c = carry(d0, f, a0);
            a1 = d1 + c;
            a2 = (d2 & 3) + carryOfSmall(d1, a1);
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    /** The high 64 bits of the unsigned product x·y for y below 2^63. */
    private static long unsignedHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y);
    }

    /** The carry out of the unsigned sum {@code s = a + b (+ 1)}: 1 or 0, from the three top bits. */
    private static long carry(long a, long b, long s) {
        return ((a & b) | ((a | b) & ~s)) >>> 63;
    }

    /** The carry out of the unsigned sum {@code s = a + b} where b is below 2^63: a's top bit set and s's clear. */
    private static long carryOfSmall(long a, long s) {
        return (a & ~s) >>> 63;
    }
}
