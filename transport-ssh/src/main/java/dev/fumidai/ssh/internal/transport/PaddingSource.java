// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import io.netty.buffer.ByteBuf;
import java.security.SecureRandom;

/**
 * Supplies the random padding of outbound packets (RFC 4253 §6: "random padding") from a pool of
 * {@link SecureRandom} output fetched {@link #POOL_BYTES} at a time, instead of one {@code SecureRandom} call
 * per packet (issue #14: that call, with its lock and its read of the entropy source, was a visible part of
 * the per-packet cost).
 *
 * <p>Why this keeps the padding as unpredictable as before: every padding byte is a byte of
 * {@code SecureRandom} output, used once and never again; only the batching changes. The pool lives on the
 * heap of this codec, like the keys and the plaintext that pass through it, so it tells an attacker who can
 * read our memory nothing they could not read anyway. With every negotiated cipher the padding is encrypted
 * (and, for the AEAD modes and encrypt-then-MAC, authenticated), so its content is not what protects the
 * traffic; RFC 4253 §6 asks for randomness, which this keeps, to avoid known plaintext at the packet ends.
 *
 * <h2>Threading</h2>
 * Not thread-safe; one per codec, used on its event loop.
 */
final class PaddingSource {

    /**
     * Is how many random bytes one {@code SecureRandom} call fetches: at most 19 bytes of padding per packet
     * (block 16 plus 3) make it one call per 200 packets or more, 6 MiB of 32 KiB packets.
     */
    static final int POOL_BYTES = 4096;

    private final SecureRandom random;
    private final byte[] pool = new byte[POOL_BYTES];
    private int next = POOL_BYTES;

    PaddingSource(SecureRandom random) {
        this.random = random;
    }

    /** Appends {@code n} fresh random bytes ({@code n <= POOL_BYTES}) to {@code out}. */
    void writePadding(ByteBuf out, int n) {
        if (n > POOL_BYTES - next) {
            random.nextBytes(pool);
            next = 0;
        }
        out.writeBytes(pool, next, n);
        next += n;
    }

    /** Overwrites the unused rest of the pool, when the codec goes. */
    void destroy() {
        java.util.Arrays.fill(pool, (byte) 0);
        next = POOL_BYTES;
    }
}
