// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.transport.SshPacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.security.GeneralSecurityException;

/**
 * Runs one 32 KiB payload the way a forwarded stream's bytes travel through fumidai, every copy included
 * (issue #14): the application's bytes, in a direct buffer as a socket read leaves them, are copied into a
 * channel-data message as {@code SshChannel.writeBytes} builds it; the codec seals it; the packet is copied
 * into a direct buffer, as Netty's NIO transport does with a heap buffer before writing it to a socket; the
 * receiving codec reads it from that direct buffer, as from a socket read, and opens it; the payload is copied
 * into a direct buffer, as the forward's write to its local socket does. {@link CodecRoundTrip} leaves out
 * the copies at the ends and uses heap buffers throughout.
 */
final class SocketPathRoundTrip implements PacketRoundTrip {

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private final EmbeddedChannel sender;
    private final EmbeddedChannel receiver;
    private final ByteBuf appBytes;

    SocketPathRoundTrip(PacketShape shape) throws GeneralSecurityException {
        SshPacketCodec out = new SshPacketCodec();
        out.setOutboundCipher(
                CipherAlgorithms.create(shape.cipher, shape.mac, shape.key, shape.iv, shape.macKey, true), false);
        SshPacketCodec in = new SshPacketCodec();
        in.setInboundCipher(
                CipherAlgorithms.create(shape.cipher, shape.mac, shape.key, shape.iv, shape.macKey, false), false);
        this.sender = new EmbeddedChannel(out);
        this.receiver = new EmbeddedChannel(in);
        this.appBytes = alloc.directBuffer(PacketShape.PAYLOAD).writeBytes(shape.payload());
    }

    /** Returns a message buffer as {@code SshChannel.writeBytes} allocates it. */
    private ByteBuf newMessage(int length) {
        return SshPacketCodec.payloadBuffer(alloc, length);
    }

    @Override
    public int roundTrip() {
        ByteBuf wire = seal();
        receiver.writeInbound(wire);
        ByteBuf received = receiver.readInbound();
        try {
            if (received.readableBytes() != PacketShape.PAYLOAD) {
                throw new IllegalStateException("received " + received.readableBytes() + " bytes");
            }
            ByteBuf local = received.isDirect() ? received.retain() : alloc.directBuffer(PacketShape.PAYLOAD)
                    .writeBytes(received);
            int r = local.getByte(local.readerIndex() + 100);
            local.release();
            return r;
        } finally {
            received.release();
        }
    }

    /** Builds, seals and "writes" one packet; returns it in a direct buffer. */
    private ByteBuf seal() {
        ByteBuf msg = newMessage(PacketShape.PAYLOAD);
        msg.writeBytes(appBytes, appBytes.readerIndex(), PacketShape.PAYLOAD);
        sender.writeOutbound(msg);
        ByteBuf packet = sender.readOutbound();
        if (packet.isDirect()) {
            return packet;
        }
        ByteBuf direct = alloc.directBuffer(packet.readableBytes()).writeBytes(packet);
        packet.release();
        return direct;
    }

    @Override
    public byte[] firstWire() {
        ByteBuf wire = seal();
        try {
            return ByteBufUtil.getBytes(wire);
        } finally {
            wire.release();
        }
    }

    @Override
    public void close() {
        appBytes.release();
        sender.finishAndReleaseAll();
        receiver.finishAndReleaseAll();
    }
}
