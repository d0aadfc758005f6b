// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Checks that packet decoding does not depend on how the byte stream is split (STYLE.md, *Properties). */
class SshPacketCodecProperties {

    static Gen<List<byte[]>> payloads() {
        return Gens.lists(Gens.bytes(1, 600), 1, 12);
    }

    static Gen<String> ciphers() {
        return Gens.of("none", CipherAlgorithms.CHACHA20_POLY1305, CipherAlgorithms.AES128_GCM,
                CipherAlgorithms.AES256_GCM,
                CipherAlgorithms.AES256_CTR + "+" + CipherAlgorithms.HMAC_SHA2_512,
                CipherAlgorithms.AES128_CTR + "+" + CipherAlgorithms.HMAC_SHA2_256_ETM);
    }

    @Test
    void decodingDoesNotDependOnHowInputIsSplit() {
        PropertyCheck.forAll(200, payloads(), ciphers(), Gens.longs(), this::decodingDoesNotDependOnHowInputIsSplit);
    }

    private void decodingDoesNotDependOnHowInputIsSplit(List<byte[]> payloads, String cipherAndMac,
            long splitSeed) throws Exception {
        String[] parts = cipherAndMac.split("\\+");
        String mac = parts.length > 1 ? parts[1] : null;
        List<String> expected = payloads.stream().map(ByteBufUtil::hexDump).toList();
        ByteBuf wire = SshPacketCodecTest.encode(parts[0], mac, payloads);
        Random r = new Random(splitSeed);
        SshPacketCodec codec = new SshPacketCodec();
        if (!parts[0].equals("none")) {
            codec.setInboundCipher(SshPacketCodecTest.cipher(parts[0], mac, false), true);
        }
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        while (wire.isReadable()) {
            int n = Math.min(wire.readableBytes(), 1 + r.nextInt(r.nextBoolean() ? 8 : 2000));
            ch.writeInbound(wire.readRetainedSlice(n));
        }
        wire.release();
        List<String> decoded = new ArrayList<>();
        ByteBuf b;
        while ((b = ch.readInbound()) != null) {
            decoded.add(ByteBufUtil.hexDump(b));
            b.release();
        }
        ch.finishAndReleaseAll();
        assertEquals(expected, decoded);
    }

    @Test
    void garbageNeverDecodesIntoAPacketWithAForgedTag() {
        PropertyCheck.forAll(300, Gens.bytes(), this::garbageNeverDecodesIntoAPacketWithAForgedTag);
    }

    private void garbageNeverDecodesIntoAPacketWithAForgedTag(byte[] garbage) throws Exception {
        SshPacketCodec codec = new SshPacketCodec();
        codec.setInboundCipher(SshPacketCodecTest.cipher(CipherAlgorithms.AES128_GCM, null, false), true);
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(garbage));
        } catch (Exception expected) {
            // a bad length or a tag failure; both end decoding
        }
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    /**
     * Every cipher round-trips payloads of any size up to a full channel-data packet, whether each was sealed
     * in place in its {@link SshPacketCodec#payloadBuffer} or copied, through any split of the byte stream.
     */
    @Test
    void everyCipherRoundTripsPayloadsOfAnySizeSealedInPlaceOrCopied() {
        PropertyCheck.forAll(30, Gens.lists(Gens.ints(1, 35000), 1, 5), ciphers(), Gens.longs(),
                this::everyCipherRoundTripsPayloadsOfAnySizeSealedInPlaceOrCopied);
    }

    private void everyCipherRoundTripsPayloadsOfAnySizeSealedInPlaceOrCopied(List<Integer> sizes,
            String cipherAndMac, long seed) throws Exception {
        String[] parts = cipherAndMac.split("\\+");
        String mac = parts.length > 1 ? parts[1] : null;
        Random r = new Random(seed);
        SshPacketCodec out = new SshPacketCodec();
        SshPacketCodec in = new SshPacketCodec();
        if (!parts[0].equals("none")) {
            out.setOutboundCipher(SshPacketCodecTest.cipher(parts[0], mac, true), true);
            in.setInboundCipher(SshPacketCodecTest.cipher(parts[0], mac, false), true);
        }
        EmbeddedChannel sender = new EmbeddedChannel(out);
        EmbeddedChannel receiver = new EmbeddedChannel(in);
        List<String> expected = new ArrayList<>();
        ByteBuf wire = Unpooled.buffer();
        for (int size : sizes) {
            byte[] data = new byte[size];
            r.nextBytes(data);
            expected.add(ByteBufUtil.hexDump(data));
            ByteBuf payload = r.nextBoolean()
                    ? SshPacketCodec.payloadBuffer(ByteBufAllocator.DEFAULT, size).writeBytes(data)
                    : Unpooled.wrappedBuffer(data);
            sender.writeOutbound(payload);
            ByteBuf packet = sender.readOutbound();
            wire.writeBytes(packet);
            packet.release();
        }
        while (wire.isReadable()) {
            int n = Math.min(wire.readableBytes(), 1 + r.nextInt(r.nextInt(8) == 0 ? 64 : 70000));
            ByteBuf piece = r.nextBoolean() ? ByteBufAllocator.DEFAULT.directBuffer(n) : Unpooled.buffer(n);
            receiver.writeInbound(piece.writeBytes(wire, n));
        }
        wire.release();
        List<String> decoded = new ArrayList<>();
        ByteBuf b;
        while ((b = receiver.readInbound()) != null) {
            decoded.add(ByteBufUtil.hexDump(b));
            b.release();
        }
        sender.finishAndReleaseAll();
        receiver.finishAndReleaseAll();
        assertEquals(expected, decoded);
    }
}
