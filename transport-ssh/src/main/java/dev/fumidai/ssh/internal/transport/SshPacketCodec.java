// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import dev.fumidai.ssh.internal.cipher.NoneCipher;
import dev.fumidai.ssh.internal.cipher.PacketCipher;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * Frames SSH binary packets (RFC 4253 §6): decodes the byte stream into payload {@link ByteBuf}s and encodes
 * outbound payloads into packets, with padding, sequence numbers and the current {@link PacketCipher} of each
 * direction.
 *
 * <p>A packet is decrypted and encrypted in place in one heap buffer: the JDK's AES-GCM is fastest on arrays
 * (on direct {@code ByteBuffer}s, in place or not, a 32 KiB packet took about 1.25 times as long as a copy plus
 * the array path on JDK 17, and 3.5 times on JDK 25: {@code AesGcmBufferBenchmark}, issue #14), so each
 * direction pays exactly one copy between the socket's direct buffers and the heap. Inbound: when the
 * cumulation is a heap buffer holding the whole packet, the packet is opened in a retained slice of it,
 * without a copy; otherwise (direct or composite buffers, or a packet split across reads) its bytes are
 * copied once into a pooled packet buffer. Outbound: a payload built in a {@link #payloadBuffer} (as channel
 * data is) is sealed in place in that buffer, whose room before and after the payload takes the packet header,
 * padding and tag, so it is not copied; any other payload is copied once into a packet buffer. Padding comes
 * from a {@link PaddingSource}.
 *
 * <h2>Bounds</h2>
 * A packet_length above {@link #MAX_PACKET_LENGTH}, below 5, not aligned to the cipher block, or padding
 * shorter than 4 bytes or longer than the packet fails before the packet buffer is allocated or right after
 * decryption (security-checklist R8).
 *
 * <h2>Threading</h2>
 * Event loop only; {@link #setInboundCipher} and {@link #setOutboundCipher} are called by the transport
 * handler from within its {@code channelRead} or {@code write}, so a key change applies exactly from the next
 * packet.
 *
 * <h2>Reference counting</h2>
 * Inbound: each payload passed on is a buffer (a new one, or a retained slice of the cumulation that the
 * codec no longer reads or moves) owned by the next handler, which releases it once. Outbound: the payload written is
 * released here, or, sealed in place, passed on; the packet buffer is owned by the rest of the pipeline.
 *
 * <h2>Failure</h2>
 * Throws {@link SshProtocolException} (MAC error, bad length, sequence wrap during the initial key exchange),
 * which reaches the transport handler; nothing more is decoded afterwards.
 */
public final class SshPacketCodec extends ChannelDuplexHandler {

    /** OpenSSH {@code PACKET_MAX_SIZE}: 256 KiB; RFC 4253 §6.1 only requires 35000 bytes. */
    public static final int MAX_PACKET_LENGTH = 256 * 1024;
    private static final int MIN_PADDING = 4;

    /** Bytes a {@link #payloadBuffer} keeps before the payload: packet_length and padding_length. */
    static final int PAYLOAD_HEADROOM = 5;
    /**
     * Bytes a {@link #payloadBuffer} keeps after the payload: the longest padding (a 16-byte block plus 3, RFC
     * 4253 §6) and the longest tag (64 bytes, hmac-sha2-512).
     */
    static final int PAYLOAD_TAILROOM = 16 + 3 + 64;
    /**
     * Marks the headroom of a {@link #payloadBuffer} until it is sealed, so that only buffers made for it are
     * sealed in place: a heap buffer wrapping someone's array must not have bytes around its payload
     * overwritten.
     */
    private static final int HEADROOM_MARK = 0x46554d49;
    private static final byte HEADROOM_MARK_5 = 0x44;

    private final PaddingSource padding = new PaddingSource(new SecureRandom());
    private PacketCipher inbound = NoneCipher.INSTANCE;
    private PacketCipher outbound = NoneCipher.INSTANCE;
    private long inboundSequence;
    private long outboundSequence;
    private boolean sequenceWrapForbidden = true;
    private boolean failed;

    private ByteBuf cumulation;
    private final byte[] head = new byte[32];
    private ByteBuf packet;
    private int packetLength = -1;
    /**
     * Where a packet that arrived in pieces is put together when the cipher opens it into another array: an array of
     * our own, since the JDK's GCM takes the slow way (and allocates a copy of the output's whole array) when input
     * and output share one, as pooled heap buffers carved from one chunk do. At most one packet long.
     */
    private byte[] sealedScratch;

    private long inboundBytes;
    private long inboundPackets;
    private long outboundBytes;
    private long outboundPackets;

    /**
     * Returns an empty heap buffer for one outbound payload of up to {@code payloadLength} bytes, with room
     * before and after it so that this codec seals the packet in place, without copying the payload (issue
     * #14). The caller writes the payload with the relative {@code write} methods and writes the buffer to the
     * transport as usual; a payload that outgrows the room is copied, as any other.
     */
    public static ByteBuf payloadBuffer(ByteBufAllocator alloc, int payloadLength) {
        ByteBuf b = alloc.heapBuffer(PAYLOAD_HEADROOM + payloadLength + PAYLOAD_TAILROOM);
        b.writeInt(HEADROOM_MARK).writeByte(HEADROOM_MARK_5);
        b.readerIndex(PAYLOAD_HEADROOM);
        return b;
    }

    /** Switches the cipher for packets received from now on; optionally resets the sequence (strict kex). */
    public void setInboundCipher(PacketCipher cipher, boolean resetSequence) {
        inbound.destroy();
        inbound = cipher;
        if (resetSequence) {
            inboundSequence = 0;
        }
        inboundBytes = 0;
        inboundPackets = 0;
    }

    /** Switches the cipher for packets sent from now on; optionally resets the sequence (strict kex). */
    public void setOutboundCipher(PacketCipher cipher, boolean resetSequence) {
        outbound.destroy();
        outbound = cipher;
        if (resetSequence) {
            outboundSequence = 0;
        }
        outboundBytes = 0;
        outboundPackets = 0;
    }

    /**
     * Says whether a sequence number wrapping to 0 is fatal; true until the initial key exchange ends
     * (OpenSSH {@code packet.c}, "sequence number wrapped during initial key exchange").
     */
    public void setSequenceWrapForbidden(boolean forbidden) {
        this.sequenceWrapForbidden = forbidden;
    }

    /** Sets both sequence numbers; only tests use it, to reach a wrap without sending 2^32 packets. */
    void setSequenceNumbersForTest(long inbound, long outbound) {
        this.inboundSequence = inbound;
        this.outboundSequence = outbound;
    }

    /** Returns the sequence number the next received packet has. */
    public long inboundSequence() {
        return inboundSequence;
    }

    /** Returns the sequence number of the last received packet (for SSH_MSG_UNIMPLEMENTED). */
    public long lastInboundSequence() {
        return (inboundSequence - 1) & 0xffffffffL;
    }

    /** Returns the sequence number the next sent packet gets. */
    public long outboundSequence() {
        return outboundSequence;
    }

    /** Returns bytes received under the current inbound keys. */
    public long inboundBytes() {
        return inboundBytes;
    }

    /** Returns packets received under the current inbound keys. */
    public long inboundPackets() {
        return inboundPackets;
    }

    /** Returns bytes sent under the current outbound keys. */
    public long outboundBytes() {
        return outboundBytes;
    }

    /** Returns packets sent under the current outbound keys. */
    public long outboundPackets() {
        return outboundPackets;
    }

    /** Returns the names of the current ciphers, inbound then outbound, for logs. */
    public String describeCiphers() {
        return inbound.name() + "/" + outbound.name();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            in.release();
            return;
        }
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        try {
            decodeAll(ctx);
        } catch (Exception e) {
            failed = true;
            releaseInbound();
            throw e;
        } finally {
            if (cumulation != null && !cumulation.isReadable()) {
                cumulation.release();
                cumulation = null;
            } else if (cumulation != null && cumulation.refCnt() == 1 && cumulation.readerIndex() > 0
                    && cumulation.readerIndex() > cumulation.capacity() / 2) {
                cumulation.discardSomeReadBytes();
            }
        }
    }

    private void decodeAll(ChannelHandlerContext ctx) throws Exception {
        while (cumulation != null && !failed) {
            if (packetLength < 0) {
                int needed = inbound.lengthFieldBytes();
                if (cumulation.readableBytes() < needed) {
                    return;
                }
                cumulation.readBytes(head, 0, needed);
                int length = inbound.decryptLength(inboundSequence, head, 0);
                checkLength(length);
                packetLength = length;
                int total = 4 + length + inbound.tagLength();
                if (cumulation.hasArray() && cumulation.readableBytes() >= total - needed) {
                    ctx.fireChannelRead(openInPlace(ctx.alloc(), needed, total));
                    continue;
                }
                packet = inbound.opensOutOfPlace() ? sealedScratch(total) : ctx.alloc().heapBuffer(total, total);
                packet.writeBytes(head, 0, needed);
            }
            int missing = packet.writableBytes();
            int available = Math.min(missing, cumulation.readableBytes());
            packet.writeBytes(cumulation, available);
            if (packet.isWritable()) {
                return;
            }
            ByteBuf payload = openPacket(ctx.alloc());
            ctx.fireChannelRead(payload);
        }
    }

    private void checkLength(int length) throws SshProtocolException {
        if (length < 5 || length > MAX_PACKET_LENGTH) {
            throw new SshProtocolException("bad packet length " + (length & 0xffffffffL) + " (RFC 4253 §6: 5.."
                    + MAX_PACKET_LENGTH + ")");
        }
        int aligned = inbound.isLengthExcludedFromAlignment() ? length : length + 4;
        if (aligned % inbound.blockSize() != 0) {
            throw new SshProtocolException("packet length " + length + " is not a multiple of the cipher block size "
                    + inbound.blockSize());
        }
    }

    /**
     * Opens the packet whose first {@code needed} bytes were just read into {@link #head}, in a retained slice
     * of the heap cumulation that holds all of it, so the packet is not copied (or from it, if the cipher {@link
     * PacketCipher#opensOutOfPlace() opens out of place}). The length field is put back as {@link
     * PacketCipher#decryptLength} left it in {@code head} (non-EtM CTR decrypts it there).
     */
    private ByteBuf openInPlace(ByteBufAllocator alloc, int needed, int total) throws SshProtocolException {
        cumulation.readerIndex(cumulation.readerIndex() - needed);
        ByteBuf p = cumulation.readRetainedSlice(total);
        try {
            p.setBytes(0, head, 0, needed);
        } catch (RuntimeException e) {
            p.release();
            throw e;
        }
        packet = p;
        return openPacket(alloc);
    }

    /** Returns {@link #sealedScratch} as an empty buffer of {@code total} bytes. */
    private ByteBuf sealedScratch(int total) {
        byte[] a = sealedScratch;
        if (a == null || a.length < total) {
            a = new byte[total];
            sealedScratch = a;
        }
        return Unpooled.wrappedBuffer(a, 0, total).clear();
    }

    /**
     * Verifies and decrypts {@link #packet}, a heap buffer that holds the whole packet from index 0: in place, or
     * into a new heap buffer if the cipher opens faster out of place and the new buffer is not in the packet's array
     * (the packet is in our hands either way, so this moves no byte more).
     */
    private ByteBuf openPacket(ByteBufAllocator alloc) throws SshProtocolException {
        ByteBuf p = packet;
        int length = packetLength;
        packet = null;
        packetLength = -1;
        try {
            ByteBuf opened = inbound.opensOutOfPlace() ? outOfPlaceBuffer(alloc, p, 4 + length + inbound.tagLength())
                    : null;
            if (opened != null) {
                ByteBuf sealed = p;
                p = opened;
                try {
                    inbound.open(inboundSequence, sealed.array(), sealed.arrayOffset(), p.array(), p.arrayOffset(),
                            length);
                } finally {
                    sealed.release();
                }
                p.writerIndex(p.capacity());
            } else {
                inbound.open(inboundSequence, p.array(), p.arrayOffset(), length);
            }
        } catch (GeneralSecurityException e) {
            p.release();
            throw new SshProtocolException(DisconnectMessage.MAC_ERROR, "message authentication failed");
        }
        int padding = p.getUnsignedByte(4);
        if (padding < MIN_PADDING || padding > length - 1) {
            p.release();
            throw new SshProtocolException("bad padding length " + padding + " in a packet of " + length + " bytes");
        }
        long next;
        try {
            next = nextSequence(inboundSequence);
        } catch (SshProtocolException e) {
            p.release();
            throw e;
        }
        inboundBytes += 4 + length + inbound.tagLength();
        inboundPackets++;
        inboundSequence = next;
        p.setIndex(5, 4 + length - padding);
        return p;
    }

    /**
     * Returns a new heap buffer of {@code total} bytes outside {@code sealed}'s array, or null (open in place then):
     * a slice of a pooled cumulation may share its array with the new buffer. Releases {@code sealed} if it throws.
     */
    private static ByteBuf outOfPlaceBuffer(ByteBufAllocator alloc, ByteBuf sealed, int total) {
        ByteBuf b;
        try {
            b = alloc.heapBuffer(total, total);
        } catch (RuntimeException | Error e) {
            sealed.release();
            throw e;
        }
        if (b.array() == sealed.array()) {
            b.release();
            return null;
        }
        return b;
    }

    private long nextSequence(long sequence) throws SshProtocolException {
        long next = (sequence + 1) & 0xffffffffL;
        if (next == 0 && sequenceWrapForbidden) {
            throw new SshProtocolException("sequence number wrapped during the initial key exchange");
        }
        return next;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!(msg instanceof ByteBuf payload)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf p;
        try {
            p = seal(ctx, payload);
        } catch (RuntimeException | SshProtocolException e) {
            payload.release();
            throw e;
        }
        if (p != payload) {
            payload.release();
        }
        ctx.write(p, promise);
    }

    /**
     * Returns the sealed packet: {@code payload} itself, sealed in place, if it is a {@link #payloadBuffer}
     * with room enough for this cipher's padding and tag, else a new buffer. Releases nothing.
     */
    private ByteBuf seal(ChannelHandlerContext ctx, ByteBuf payload) throws SshProtocolException {
        int block = Math.max(8, outbound.blockSize());
        int payloadLength = payload.readableBytes();
        int unpadded = (outbound.isLengthExcludedFromAlignment() ? 0 : 4) + 1 + payloadLength;
        int paddingLength = block - unpadded % block;
        if (paddingLength < MIN_PADDING) {
            paddingLength += block;
        }
        int length = 1 + payloadLength + paddingLength;
        if (length > MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException("payload of " + payloadLength + " bytes exceeds the packet limit");
        }
        int total = 4 + length + outbound.tagLength();
        ByteBuf p = isSealableInPlace(payload, paddingLength + outbound.tagLength())
                ? payload : ctx.alloc().heapBuffer(total, total);
        try {
            int start;
            if (p == payload) {
                start = payload.readerIndex() - PAYLOAD_HEADROOM;
                p.setInt(start, length);
                p.setByte(start + 4, paddingLength);
            } else {
                start = 0;
                p.writeInt(length);
                p.writeByte(paddingLength);
                p.writeBytes(payload, payload.readerIndex(), payloadLength);
            }
            padding.writePadding(p, paddingLength);
            outbound.seal(outboundSequence, p.array(), p.arrayOffset() + start, length);
            p.setIndex(start, start + total);
            outboundSequence = nextSequence(outboundSequence);
            outboundBytes += total;
            outboundPackets++;
            return p;
        } catch (RuntimeException | SshProtocolException e) {
            if (p != payload) {
                p.release();
            }
            throw e;
        }
    }

    /**
     * Says whether {@code payload} is a {@link #payloadBuffer} that this codec alone holds, with its headroom
     * still marked and at least {@code tailroom} bytes free after the payload. The mark, not the buffer's
     * class, tells a payload buffer: leak detection wraps some buffers (all of them when paranoid), and such a
     * wrapper must take the fast path too.
     */
    private static boolean isSealableInPlace(ByteBuf payload, int tailroom) {
        int r = payload.readerIndex();
        return r >= PAYLOAD_HEADROOM && payload.hasArray() && payload.refCnt() == 1
                && !payload.isReadOnly() && payload.writableBytes() >= tailroom
                && payload.getInt(r - PAYLOAD_HEADROOM) == HEADROOM_MARK
                && payload.getByte(r - 1) == HEADROOM_MARK_5;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseInbound();
        inbound.destroy();
        outbound.destroy();
        padding.destroy();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseInbound();
        super.channelInactive(ctx);
    }

    private void releaseInbound() {
        sealedScratch = null;
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (packet != null) {
            packet.release();
            packet = null;
        }
        packetLength = -1;
    }
}
