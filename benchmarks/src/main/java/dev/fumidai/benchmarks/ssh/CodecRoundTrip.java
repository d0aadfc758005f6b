// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.transport.SshPacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.security.GeneralSecurityException;

/**
 * Runs the whole packet path: a 32 KiB payload written to one {@link SshPacketCodec} on an
 * {@link EmbeddedChannel} (pooled packet buffer, payload copy, random padding, seal, sequence number), and the
 * sealed packet read by a second codec (copy into its packet buffer, length, open, padding check). This is
 * {@link CipherRoundTrip} plus what framing costs.
 */
final class CodecRoundTrip implements PacketRoundTrip {

    private final EmbeddedChannel sender;
    private final EmbeddedChannel receiver;
    private final ByteBuf payload;

    CodecRoundTrip(PacketShape shape) throws GeneralSecurityException {
        SshPacketCodec out = new SshPacketCodec();
        out.setOutboundCipher(
                CipherAlgorithms.create(shape.cipher, shape.mac, shape.key, shape.iv, shape.macKey, true), false);
        SshPacketCodec in = new SshPacketCodec();
        in.setInboundCipher(
                CipherAlgorithms.create(shape.cipher, shape.mac, shape.key, shape.iv, shape.macKey, false), false);
        this.sender = new EmbeddedChannel(out);
        this.receiver = new EmbeddedChannel(in);
        this.payload = PooledByteBufAllocator.DEFAULT.heapBuffer(PacketShape.PAYLOAD).writeBytes(shape.payload());
    }

    @Override
    public int roundTrip() {
        sender.writeOutbound(payload.retainedDuplicate());
        ByteBuf wire = sender.readOutbound();
        receiver.writeInbound(wire);
        ByteBuf received = receiver.readInbound();
        try {
            if (received.readableBytes() != PacketShape.PAYLOAD) {
                throw new IllegalStateException("received " + received.readableBytes() + " bytes");
            }
            return received.getByte(received.readerIndex());
        } finally {
            received.release();
        }
    }

    /** Returns the first sealed packet; its padding is random here, so only its length is comparable. */
    @Override
    public byte[] firstWire() {
        sender.writeOutbound(payload.retainedDuplicate());
        ByteBuf wire = sender.readOutbound();
        try {
            return ByteBufUtil.getBytes(wire);
        } finally {
            wire.release();
        }
    }

    @Override
    public void close() {
        payload.release();
        sender.finishAndReleaseAll();
        receiver.finishAndReleaseAll();
    }
}
