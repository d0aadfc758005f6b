// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.cipher.PacketCipher;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.transport.SshPacketCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds arbitrary bytes to {@link SshPacketCodec}'s inbound side. Input layout: byte 0 picks the inbound cipher
 * (all keys zero, so seeds encoded with the same zero keys decrypt) and how the bytes arrive (heap, direct or
 * composite buffers); byte 1 the chunk size of the reads; the rest is the wire.
 *
 * <p>Contract: the codec fails only with {@link SshProtocolException}; every buffer it passes on or takes in is
 * released once (checked through reference counts); and the payloads it decoded, encoded again by a fresh codec
 * with the same cipher, decode to the same payloads.
 */
class SshPacketDecoderFuzzTest {

    static final String[][] CIPHERS = {{"none", null}, {CipherAlgorithms.CHACHA20_POLY1305, null},
            {CipherAlgorithms.AES256_GCM, null}, {CipherAlgorithms.AES128_CTR, CipherAlgorithms.HMAC_SHA2_256_ETM},
            {CipherAlgorithms.AES192_CTR, CipherAlgorithms.HMAC_SHA2_512}};

    static PacketCipher cipher(int index, boolean encrypt) throws GeneralSecurityException {
        String[] spec = CIPHERS[index];
        if (spec[0].equals("none")) {
            return null;
        }
        CipherAlgorithms.CipherSpec c = CipherAlgorithms.cipher(spec[0]).orElseThrow();
        CipherAlgorithms.MacSpec m = spec[1] == null ? null : CipherAlgorithms.mac(spec[1]).orElseThrow();
        return CipherAlgorithms.create(c, m, new byte[c.keyLength()], new byte[c.ivLength()],
                m == null ? null : new byte[m.keyLength()], encrypt);
    }

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void decode(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        int cipherIndex = (input[0] & 0x0f) % CIPHERS.length;
        int bufferKind = ((input[0] & 0xff) >> 4) % 3;
        int chunk = 1 + (input[1] & 0xff) * 64;
        byte[] wire = java.util.Arrays.copyOfRange(input, 2, input.length);
        List<byte[]> payloads = decodeAll(cipherIndex, bufferKind, chunk, wire, true);
        if (payloads == null || payloads.isEmpty()) {
            return;
        }
        // Round trip: what decoded once encodes and decodes to the same payloads.
        ByteBuf again = encodeAll(cipherIndex, payloads);
        byte[] bytes = ByteBufUtil.getBytes(again);
        again.release();
        List<byte[]> twice = decodeAll(cipherIndex, 0, bytes.length, bytes, false);
        assertEquals(payloads.size(), twice.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), twice.get(i), "payload " + i);
        }
    }

    /** Decodes {@code wire}; returns the payloads, or null after an allowed failure. */
    static List<byte[]> decodeAll(int cipherIndex, int bufferKind, int chunk, byte[] wire, boolean mayFail)
            throws GeneralSecurityException {
        SshPacketCodec codec = new SshPacketCodec();
        PacketCipher in = cipher(cipherIndex, false);
        if (in != null) {
            codec.setInboundCipher(in, true);
        }
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        List<ByteBuf> fed = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        boolean failed = false;
        try {
            for (int off = 0; off < wire.length && !failed; off += chunk) {
                int n = Math.min(chunk, wire.length - off);
                ByteBuf b = buffer(bufferKind, wire, off, n);
                fed.add(b);
                try {
                    ch.writeInbound(b);
                } catch (Exception e) {
                    if (!(e instanceof SshProtocolException) || !mayFail) {
                        throw e;
                    }
                    failed = true;
                }
                ByteBuf p;
                while ((p = ch.readInbound()) != null) {
                    payloads.add(ByteBufUtil.getBytes(p));
                    p.release();
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        for (ByteBuf b : fed) {
            assertEquals(0, b.refCnt(), "an inbound buffer was not released");
        }
        return failed ? null : payloads;
    }

    static ByteBuf buffer(int kind, byte[] wire, int off, int n) {
        return switch (kind) {
            case 0 -> Unpooled.copiedBuffer(wire, off, n);
            case 1 -> PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(wire, off, n);
            default -> {
                CompositeByteBuf c = Unpooled.compositeBuffer();
                int half = n / 2;
                c.addComponent(true, Unpooled.copiedBuffer(wire, off, half));
                c.addComponent(true, Unpooled.copiedBuffer(wire, off + half, n - half));
                yield c;
            }
        };
    }

    static ByteBuf encodeAll(int cipherIndex, List<byte[]> payloads) throws GeneralSecurityException {
        SshPacketCodec codec = new SshPacketCodec();
        PacketCipher out = cipher(cipherIndex, true);
        if (out != null) {
            codec.setOutboundCipher(out, true);
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
        ch.finishAndReleaseAll();
        return wire;
    }
}
