// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.cipher.PacketCipher;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Runs our {@link PacketCipher} pair the way {@code SshPacketCodec} calls it, in place on the array of one
 * pooled heap {@link ByteBuf}: {@code seal} on the sending side, then {@code decryptLength} and {@code open}
 * on the receiving side. Opening in place restores the plaintext, so the buffer is ready for the next packet;
 * framing (allocation, payload copy, padding bytes) is left to {@link CodecRoundTrip}.
 */
final class CipherRoundTrip implements PacketRoundTrip {

    private final PacketShape shape;
    private final PacketCipher sealer;
    private final PacketCipher opener;
    private final ByteBuf packet;
    private long sequence;

    CipherRoundTrip(PacketShape shape) throws GeneralSecurityException {
        this.shape = shape;
        this.sealer = CipherAlgorithms.create(shape.cipher, shape.mac, shape.key, shape.iv, shape.macKey, true);
        this.opener = CipherAlgorithms.create(shape.cipher, shape.mac, shape.key, shape.iv, shape.macKey, false);
        if (sealer.tagLength() != shape.tagLength || sealer.blockSize() != shape.blockSize
                || sealer.isLengthExcludedFromAlignment() != shape.lengthExcluded) {
            throw new IllegalStateException(shape.algorithm + ": the benchmark's packet shape differs from the cipher's");
        }
        int total = shape.wireLength();
        this.packet = PooledByteBufAllocator.DEFAULT.heapBuffer(total, total);
        packet.writeBytes(shape.plaintext());
    }

    @Override
    public int roundTrip() throws GeneralSecurityException {
        byte[] a = packet.array();
        int off = packet.arrayOffset();
        long seq = sequence;
        sealer.seal(seq, a, off, shape.packetLength);
        int length = opener.decryptLength(seq, a, off);
        if (length != shape.packetLength) {
            throw new IllegalStateException("decrypted length " + length);
        }
        opener.open(seq, a, off, length);
        sequence = (seq + 1) & 0xffffffffL;
        return a[off + 5];
    }

    @Override
    public byte[] firstWire() {
        byte[] a = packet.array();
        int off = packet.arrayOffset();
        sealer.seal(sequence, a, off, shape.packetLength);
        return Arrays.copyOfRange(a, off, off + shape.wireLength());
    }

    @Override
    public void close() {
        packet.release();
        sealer.destroy();
        opener.destroy();
    }
}
