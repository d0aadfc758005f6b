// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
                Arguments.of(CipherAlgorithms.AES256_GCM, null),
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
        List<String> out = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readInbound()) != null) {
            out.add(ByteBufUtil.hexDump(b));
            b.release();
        }
        assertFalse(ch.finishAndReleaseAll());
        return out;
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
}
