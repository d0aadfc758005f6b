// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.cipher.PacketCipher;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SshPacketCodecTest {

    static Stream<Arguments> ciphers() {
        return Stream.of(Arguments.of("none", null), Arguments.of(CipherAlgorithms.CHACHA20_POLY1305, null),
                Arguments.of(CipherAlgorithms.AES128_GCM, null), Arguments.of(CipherAlgorithms.AES256_GCM, null),
                Arguments.of(CipherAlgorithms.AES192_CTR, CipherAlgorithms.HMAC_SHA2_512),
                Arguments.of(CipherAlgorithms.AES128_CTR, CipherAlgorithms.HMAC_SHA2_256_ETM));
    }

    static PacketCipher cipher(String name, String mac, boolean encrypt) throws GeneralSecurityException {
        CipherAlgorithms.CipherSpec c = CipherAlgorithms.cipher(name).orElseThrow();
        CipherAlgorithms.MacSpec m = mac == null ? null : CipherAlgorithms.mac(mac).orElseThrow();
        return CipherAlgorithms.create(c, m, new byte[c.keyLength()], new byte[c.ivLength()],
                m == null ? null : new byte[m.keyLength()], encrypt);
    }

    /** Encodes payloads with one codec and returns the wire bytes. */
    static ByteBuf encode(String name, String mac, List<byte[]> payloads) throws GeneralSecurityException {
        SshPacketCodec codec = new SshPacketCodec();
        if (!name.equals("none")) {
            codec.setOutboundCipher(cipher(name, mac, true), true);
        }
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        for (byte[] p : payloads) {
            ch.writeOutbound(Unpooled.wrappedBuffer(p));
        }
        ByteBuf wire = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            wire.writeBytes(b);
            b.release();
        }
        assertFalse(ch.finishAndReleaseAll());
        return wire;
    }

    /**
     * Encodes payloads built in {@link SshPacketCodec#payloadBuffer}s of {@code alloc}, as channel data is, and
     * returns the wire bytes; asserts that each packet was sealed in place, in the payload's own buffer.
     */
    static ByteBuf encodeInPlace(String name, String mac, List<byte[]> payloads, ByteBufAllocator alloc)
            throws GeneralSecurityException {
        SshPacketCodec codec = new SshPacketCodec();
        if (!name.equals("none")) {
            codec.setOutboundCipher(cipher(name, mac, true), true);
        }
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        ByteBuf wire = Unpooled.buffer();
        for (byte[] p : payloads) {
            ByteBuf in = SshPacketCodec.payloadBuffer(alloc, p.length).writeBytes(p);
            ch.writeOutbound(in);
            ByteBuf out = ch.readOutbound();
            assertSame(in, out, "the packet of a " + p.length + "-byte payload was not sealed in place");
            wire.writeBytes(out);
            out.release();
        }
        assertFalse(ch.finishAndReleaseAll());
        return wire;
    }

    static List<String> decode(String name, String mac, ByteBuf wire, Random splits) throws GeneralSecurityException {
        SshPacketCodec codec = new SshPacketCodec();
        if (!name.equals("none")) {
            codec.setInboundCipher(cipher(name, mac, false), true);
        }
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        while (wire.isReadable()) {
            int n = splits == null ? 1 : Math.min(wire.readableBytes(), 1 + splits.nextInt(100));
            ch.writeInbound(wire.readRetainedSlice(n));
        }
        wire.release();
        return decodedAndFinished(ch);
    }

    /** Returns the payloads decoded so far as hex, releasing them, and finishes the channel with nothing left. */
    static List<String> decodedAndFinished(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readInbound()) != null) {
            out.add(ByteBufUtil.hexDump(b));
            b.release();
        }
        assertFalse(ch.finishAndReleaseAll());
        return out;
    }

    static List<byte[]> payloads(Random r) {
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] p = new byte[1 + r.nextInt(i == 3 ? 5000 : 300)];
            r.nextBytes(p);
            list.add(p);
        }
        return list;
    }

    @ParameterizedTest
    @MethodSource("ciphers")
    void decodesTheSamePacketsWhateverTheSplit(String name, String mac) throws GeneralSecurityException {
        Random r = new Random(name.hashCode());
        List<byte[]> payloads = payloads(r);
        List<String> expected = payloads.stream().map(ByteBufUtil::hexDump).toList();
        assertEquals(expected, decode(name, mac, encode(name, mac, payloads), null), "one byte at a time");
        for (int i = 0; i < 5; i++) {
            assertEquals(expected, decode(name, mac, encode(name, mac, payloads), new Random(i)), "random split " + i);
        }
    }

    @Test
    void paddingFollowsRfc4253Section6() throws GeneralSecurityException {
        for (int n = 1; n < 40; n++) {
            ByteBuf wire = encode("none", null, List.of(new byte[n]));
            int length = wire.getInt(0);
            int padding = wire.getUnsignedByte(4);
            assertTrue(padding >= 4 && padding < 4 + 8, "padding " + padding);
            assertEquals(0, (length + 4) % 8);
            assertEquals(n, length - padding - 1);
            wire.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, SshPacketCodec.MAX_PACKET_LENGTH + 4, 13, Integer.MAX_VALUE, -1})
    void badPacketLengthsAreRefusedWithoutAllocating(int length) {
        EmbeddedChannel ch = new EmbeddedChannel(new SshPacketCodec());
        SshProtocolException e = assertThrows(SshProtocolException.class,
                () -> ch.writeInbound(Unpooled.buffer().writeInt(length).writeByte(4)));
        assertEquals(DisconnectMessage.PROTOCOL_ERROR, e.reasonCode());
        assertNull(ch.readInbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 12, 200})
    void badPaddingIsRefused(int padding) {
        EmbeddedChannel ch = new EmbeddedChannel(new SshPacketCodec());
        ByteBuf b = Unpooled.buffer().writeInt(12).writeByte(padding).writeZero(11);
        assertThrows(SshProtocolException.class, () -> ch.writeInbound(b));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFlippedBitIsAMacError() throws GeneralSecurityException {
        ByteBuf wire = encode(CipherAlgorithms.AES128_GCM, null, List.of(new byte[100]));
        wire.setByte(30, wire.getByte(30) ^ 4);
        SshPacketCodec codec = new SshPacketCodec();
        codec.setInboundCipher(cipher(CipherAlgorithms.AES128_GCM, null, false), true);
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        SshProtocolException e = assertThrows(SshProtocolException.class, () -> ch.writeInbound(wire));
        assertEquals(DisconnectMessage.MAC_ERROR, e.reasonCode());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aSequenceWrapDuringTheInitialKexIsFatalButLaterItIsNot() {
        SshPacketCodec codec = new SshPacketCodec();
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        codec.setSequenceNumbersForTest(0xffffffffL, 0);
        SshProtocolException e = assertThrows(SshProtocolException.class,
                () -> ch.writeInbound(Unpooled.buffer().writeInt(12).writeByte(10).writeByte(2).writeZero(10)));
        assertEquals("sequence number wrapped during the initial key exchange", e.getMessage());
        assertFalse(ch.finishAndReleaseAll());

        SshPacketCodec later = new SshPacketCodec();
        later.setSequenceWrapForbidden(false);
        EmbeddedChannel ch2 = new EmbeddedChannel(later);
        later.setSequenceNumbersForTest(0xffffffffL, 0);
        ch2.writeInbound(Unpooled.buffer().writeInt(12).writeByte(10).writeByte(2).writeZero(10));
        assertEquals(0, later.inboundSequence());
        assertTrue(ch2.finishAndReleaseAll());
    }

    @Test
    void sequenceNumbersCountPerDirectionAndResetOnRequest() throws GeneralSecurityException {
        SshPacketCodec codec = new SshPacketCodec();
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        ch.writeOutbound(Unpooled.wrappedBuffer(new byte[] {2}));
        ch.writeOutbound(Unpooled.wrappedBuffer(new byte[] {2}));
        assertEquals(2, codec.outboundSequence());
        assertEquals(0, codec.inboundSequence());
        codec.setOutboundCipher(cipher(CipherAlgorithms.AES128_GCM, null, true), true);
        assertEquals(0, codec.outboundSequence());
        assertTrue(ch.finishAndReleaseAll());
    }

    /** Decodes the whole wire handed over as one buffer from {@code alloc} (or a composite of two heap buffers). */
    static List<String> decodeWhole(String name, String mac, ByteBuf wire, ByteBufAllocator alloc,
            boolean composite) throws GeneralSecurityException {
        SshPacketCodec codec = new SshPacketCodec();
        if (!name.equals("none")) {
            codec.setInboundCipher(cipher(name, mac, false), true);
        }
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        ByteBuf in;
        if (composite) {
            int half = wire.readableBytes() / 2;
            CompositeByteBuf c = alloc.compositeBuffer();
            c.addComponent(true, alloc.heapBuffer().writeBytes(wire, half));
            c.addComponent(true, alloc.heapBuffer().writeBytes(wire));
            in = c;
        } else {
            in = alloc.buffer(wire.readableBytes()).writeBytes(wire);
        }
        wire.release();
        ch.writeInbound(in);
        return decodedAndFinished(ch);
    }

    @ParameterizedTest
    @MethodSource("ciphers")
    void decodesWholePacketsInHeapDirectAndCompositeBuffers(String name, String mac) throws GeneralSecurityException {
        Random r = new Random(name.hashCode() + 1);
        List<byte[]> payloads = payloads(r);
        List<String> expected = payloads.stream().map(ByteBufUtil::hexDump).toList();
        assertEquals(expected, decodeWhole(name, mac, encode(name, mac, payloads),
                new UnpooledByteBufAllocator(false), false), "unpooled heap, opened in place");
        assertEquals(expected, decodeWhole(name, mac, encode(name, mac, payloads),
                new PooledByteBufAllocator(false), false), "pooled heap, opened in place");
        assertEquals(expected, decodeWhole(name, mac, encode(name, mac, payloads),
                new PooledByteBufAllocator(true), false), "pooled direct, copied");
        assertEquals(expected, decodeWhole(name, mac, encode(name, mac, payloads),
                new UnpooledByteBufAllocator(false), true), "composite, copied");
    }

    /**
     * Issue #14: AES-GCM opens packets into another buffer, but the JDK's GCM takes its slow way, and allocates a
     * copy of the output's whole array per packet, when input and output are in one array. Pooled heap buffers are
     * carved from shared chunks, so a packet and the buffer it is opened into could be: a download spent a third of
     * its CPU zeroing those copies. Whole packets and packets in pieces, in reads from the channel's pool or from
     * arrays of their own, all decode, and no packet is opened out of place within one array. (The cipher says it
     * opens out of place whatever the JDK, so that this path is tested on Java 17 too.)
     */
    @Test
    void noPacketIsOpenedOutOfPlaceWithinOneArray() throws GeneralSecurityException {
        List<byte[]> payloads = new ArrayList<>();
        Random r = new Random(14);
        for (int i = 0; i < 12; i++) {
            byte[] p = new byte[i % 3 == 0 ? 32 * 1024 : 1 + r.nextInt(3000)];
            r.nextBytes(p);
            payloads.add(p);
        }
        int outOfPlace = 0;
        for (int piece : new int[] {1 << 20, 5000, 700}) {
            outOfPlace += decodeWatchingArrays(payloads, piece, true);
            outOfPlace += decodeWatchingArrays(payloads, piece, false);
        }
        assertTrue(outOfPlace >= 3 * payloads.size(), "only " + outOfPlace + " packets were opened out of place");
    }

    /**
     * Decodes the payloads sealed with AES-GCM from reads of {@code piece} bytes, allocated from the channel's pool
     * or not, and checks that no packet is opened out of place within one array; returns how many were.
     */
    private static int decodeWatchingArrays(List<byte[]> payloads, int piece, boolean pooledReads)
            throws GeneralSecurityException {
        String name = CipherAlgorithms.AES128_GCM;
        String reading = "reads of " + piece + (pooledReads ? " from the pool" : " in arrays of their own");
        PooledByteBufAllocator alloc = new PooledByteBufAllocator(false);
        ByteBufAllocator reads = pooledReads ? alloc : new UnpooledByteBufAllocator(false);
        List<String> sameArray = new ArrayList<>();
        int[] opened = new int[1];
        PacketCipher gcm = cipher(name, null, false);
        PacketCipher watched = new ForwardingPacketCipher(gcm) {
            @Override
            public boolean opensOutOfPlace() {
                return true;
            }

            @Override
            public void open(long sequence, byte[] src, int srcOff, byte[] dst, int dstOff, int packetLength)
                    throws GeneralSecurityException {
                if (src == dst) {
                    sameArray.add("packet " + sequence + " at " + srcOff + " into " + dstOff);
                }
                opened[0]++;
                gcm.open(sequence, src, srcOff, dst, dstOff, packetLength);
            }
        };
        SshPacketCodec codec = new SshPacketCodec();
        codec.setInboundCipher(watched, true);
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        ch.config().setAllocator(alloc);
        ByteBuf wire = encode(name, null, payloads);
        while (wire.isReadable()) {
            int n = Math.min(piece, wire.readableBytes());
            ch.writeInbound(reads.heapBuffer(n).writeBytes(wire, n));
        }
        wire.release();
        assertEquals(payloads.stream().map(ByteBufUtil::hexDump).toList(), decodedAndFinished(ch), reading);
        assertEquals(List.of(), sameArray, reading + ": opened out of place within one array");
        return opened[0];
    }

    /** A packet cipher that passes every call on; tests override what they watch. */
    static class ForwardingPacketCipher implements PacketCipher {
        private final PacketCipher delegate;

        ForwardingPacketCipher(PacketCipher delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public int blockSize() {
            return delegate.blockSize();
        }

        @Override
        public int tagLength() {
            return delegate.tagLength();
        }

        @Override
        public boolean isLengthExcludedFromAlignment() {
            return delegate.isLengthExcludedFromAlignment();
        }

        @Override
        public int lengthFieldBytes() {
            return delegate.lengthFieldBytes();
        }

        @Override
        public int decryptLength(long sequence, byte[] a, int off) {
            return delegate.decryptLength(sequence, a, off);
        }

        @Override
        public void open(long sequence, byte[] a, int off, int packetLength) throws GeneralSecurityException {
            delegate.open(sequence, a, off, packetLength);
        }

        @Override
        public boolean opensOutOfPlace() {
            return delegate.opensOutOfPlace();
        }

        @Override
        public void open(long sequence, byte[] src, int srcOff, byte[] dst, int dstOff, int packetLength)
                throws GeneralSecurityException {
            delegate.open(sequence, src, srcOff, dst, dstOff, packetLength);
        }

        @Override
        public void seal(long sequence, byte[] a, int off, int packetLength) {
            delegate.seal(sequence, a, off, packetLength);
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }
    }

    @Test
    void payloadsOpenedInPlaceSurviveLaterReads() throws GeneralSecurityException {
        String name = CipherAlgorithms.AES128_CTR;
        String mac = CipherAlgorithms.HMAC_SHA2_512;
        List<byte[]> payloads = payloads(new Random(7));
        List<String> expected = payloads.stream().map(ByteBufUtil::hexDump).toList();
        ByteBuf wire = encode(name, mac, payloads);
        SshPacketCodec codec = new SshPacketCodec();
        codec.setInboundCipher(cipher(name, mac, false), true);
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        // Reads of 3000 bytes: packets wholly inside one read are slices of it, the others are copied; the
        // payloads are only read after all input, so slices must not be moved by later cumulation.
        List<ByteBuf> held = new ArrayList<>();
        List<ByteBuf> inputs = new ArrayList<>();
        while (wire.isReadable()) {
            ByteBuf in = Unpooled.buffer(3000).writeBytes(wire, Math.min(3000, wire.readableBytes()));
            inputs.add(in);
            ch.writeInbound(in);
            ByteBuf b;
            while ((b = ch.readInbound()) != null) {
                held.add(b);
            }
        }
        wire.release();
        assertTrue(held.stream().anyMatch(b -> inputs.stream().anyMatch(in -> in == b.unwrap())),
                "no payload was opened in place in its input buffer");
        List<String> out = new ArrayList<>();
        for (ByteBuf b : held) {
            out.add(ByteBufUtil.hexDump(b));
            b.release();
        }
        assertEquals(expected, out);
        assertFalse(ch.finishAndReleaseAll());
        assertTrue(inputs.stream().allMatch(in -> in.refCnt() == 0), "an input buffer was not released exactly");
    }

    @Test
    void paddingIsFreshlyRandomForEveryPacket() throws GeneralSecurityException {
        ByteBuf wire = encode("none", null, List.of(new byte[3], new byte[3], new byte[3]));
        List<String> paddings = new ArrayList<>();
        while (wire.isReadable()) {
            int length = wire.readInt();
            int padding = wire.readUnsignedByte();
            wire.skipBytes(length - 1 - padding);
            paddings.add(ByteBufUtil.hexDump(wire.readSlice(padding)));
        }
        wire.release();
        assertEquals(3, paddings.size());
        assertEquals(3, paddings.stream().distinct().count(), "padding repeated: " + paddings);
    }

    @ParameterizedTest
    @MethodSource("ciphers")
    void payloadsSealedInPlaceDecodeLikeCopiedOnes(String name, String mac) throws GeneralSecurityException {
        Random r = new Random(name.hashCode() + 2);
        List<byte[]> payloads = payloads(r);
        List<String> small = payloads.stream().map(ByteBufUtil::hexDump).toList();
        assertEquals(small, decode(name, mac, encodeInPlace(name, mac, payloads, ByteBufAllocator.DEFAULT), null),
                "one byte at a time");
        byte[] big = new byte[32768 + 9];
        r.nextBytes(big);
        payloads.add(big);
        List<String> expected = payloads.stream().map(ByteBufUtil::hexDump).toList();
        for (ByteBufAllocator alloc : List.of(ByteBufAllocator.DEFAULT, new PooledByteBufAllocator(true),
                new UnpooledByteBufAllocator(true))) {
            assertEquals(expected, decode(name, mac, encodeInPlace(name, mac, payloads, alloc), new Random(3)),
                    alloc + ", random split");
        }
    }

    @ParameterizedTest
    @MethodSource("ciphers")
    void aPayloadBufferWithoutRoomForPaddingAndTagIsCopied(String name, String mac) throws GeneralSecurityException {
        SshPacketCodec codec = new SshPacketCodec();
        if (!name.equals("none")) {
            codec.setOutboundCipher(cipher(name, mac, true), true);
        }
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        byte[] data = new byte[100];
        new Random(5).nextBytes(data);
        // The payload fills the buffer's whole tail room: padding and tag cannot follow it in place.
        ByteBuf full = SshPacketCodec.payloadBuffer(ByteBufAllocator.DEFAULT, data.length).writeBytes(data);
        full.writeZero(full.writableBytes());
        String fullHex = ByteBufUtil.hexDump(full);
        ch.writeOutbound(full);
        ByteBuf out = ch.readOutbound();
        assertNotSame(full, out);
        assertEquals(0, full.refCnt(), "the codec did not release the copied payload");
        ByteBuf wire = Unpooled.buffer().writeBytes(out);
        out.release();
        // A payload buffer someone else also holds is copied too: the other holder's bytes must not change.
        ByteBuf shared = SshPacketCodec.payloadBuffer(ByteBufAllocator.DEFAULT, data.length).writeBytes(data);
        ByteBuf whole = shared.duplicate().setIndex(0, shared.capacity());
        String before = ByteBufUtil.hexDump(whole);
        shared.retain();
        ch.writeOutbound(shared);
        out = ch.readOutbound();
        assertNotSame(shared, out);
        assertEquals(1, shared.refCnt(), "the codec did not release the copied payload exactly once");
        assertEquals(before, ByteBufUtil.hexDump(whole), "bytes around a shared payload were changed");
        shared.release();
        wire.writeBytes(out);
        out.release();
        assertEquals(List.of(fullHex, ByteBufUtil.hexDump(data)), decode(name, mac, wire, null));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aWrappedArrayIsNeverOverwrittenAroundItsPayload() throws GeneralSecurityException {
        byte[] array = new byte[300];
        new Random(6).nextBytes(array);
        byte[] before = array.clone();
        SshPacketCodec codec = new SshPacketCodec();
        codec.setOutboundCipher(cipher(CipherAlgorithms.AES128_GCM, null, true), true);
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        // Room before and after the payload, as a payloadBuffer has, but not one: it must be copied.
        ch.writeOutbound(Unpooled.wrappedBuffer(array).setIndex(10, 100));
        ByteBuf out = ch.readOutbound();
        out.release();
        assertFalse(ch.finishAndReleaseAll());
        assertArrayEquals(before, array);
    }

    @ParameterizedTest
    @MethodSource("ciphers")
    void aPacketInPiecesDecodesWhereverItIsSplit(String name, String mac) throws GeneralSecurityException {
        byte[] data = new byte[70];
        new Random(8).nextBytes(data);
        String expected = ByteBufUtil.hexDump(data);
        byte[] wire = ByteBufUtil.getBytes(releaseAfter(encode(name, mac, List.of(data, data))));
        ByteBufAllocator heap = new UnpooledByteBufAllocator(false);
        ByteBufAllocator direct = new PooledByteBufAllocator(true);
        for (ByteBufAllocator alloc : List.of(heap, direct)) {
            // Two pieces split at every point, then pieces of every size (1 to N pieces).
            for (int at = 1; at < wire.length; at++) {
                assertEquals(List.of(expected, expected), decodePieces(name, mac, wire, alloc, at, wire.length),
                        "split at " + at + " in " + alloc);
            }
            for (int size = 1; size <= wire.length; size++) {
                assertEquals(List.of(expected, expected), decodePieces(name, mac, wire, alloc, 0, size),
                        "pieces of " + size + " in " + alloc);
            }
        }
    }

    private static ByteBuf releaseAfter(ByteBuf b) {
        ByteBuf copy = Unpooled.copiedBuffer(b);
        b.release();
        return copy;
    }

    /** Feeds {@code wire} as the piece {@code [0, first)} (if {@code first > 0}) and then pieces of {@code size}. */
    private static List<String> decodePieces(String name, String mac, byte[] wire, ByteBufAllocator alloc, int first,
            int size) throws GeneralSecurityException {
        SshPacketCodec codec = new SshPacketCodec();
        if (!name.equals("none")) {
            codec.setInboundCipher(cipher(name, mac, false), true);
        }
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        int at = 0;
        if (first > 0) {
            ch.writeInbound(alloc.buffer(first).writeBytes(wire, 0, first));
            at = first;
        }
        while (at < wire.length) {
            int n = Math.min(size, wire.length - at);
            ch.writeInbound(alloc.buffer(n).writeBytes(wire, at, n));
            at += n;
        }
        return decodedAndFinished(ch);
    }

    @Test
    void paddingIsNeverReusedAcrossManyPackets() throws GeneralSecurityException {
        // 2000 packets of at least 4 bytes of padding: more than the padding pool holds, so it was refilled.
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            payloads.add(new byte[1 + i % 13]);
        }
        ByteBuf wire = encodeInPlace("none", null, payloads, ByteBufAllocator.DEFAULT);
        ByteBuf paddings = Unpooled.buffer();
        while (wire.isReadable()) {
            int length = wire.readInt();
            int padding = wire.readUnsignedByte();
            wire.skipBytes(length - 1 - padding);
            paddings.writeBytes(wire, padding);
        }
        wire.release();
        byte[] all = ByteBufUtil.getBytes(paddings);
        paddings.release();
        assertTrue(all.length > 2 * PaddingSource.POOL_BYTES, "only " + all.length + " bytes of padding");
        int[] counts = new int[256];
        for (byte b : all) {
            counts[b & 0xff]++;
        }
        int most = java.util.Arrays.stream(counts).max().orElseThrow();
        // Uniform bytes: about all.length / 256 each; a constant or a small cycle would put far more on one.
        assertTrue(most < all.length / 256 * 3, "a padding byte value occurs " + most + " times in " + all.length);
        java.util.Set<String> windows = new java.util.HashSet<>();
        for (int i = 0; i + 16 <= all.length; i++) {
            assertTrue(windows.add(ByteBufUtil.hexDump(all, i, 16)), "16 padding bytes repeat at offset " + i);
        }
    }
}
