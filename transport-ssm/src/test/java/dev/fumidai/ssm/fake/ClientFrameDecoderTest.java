// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decodes what Netty's masking client encoder writes, fed in small pieces, and refuses unmasked frames. */
class ClientFrameDecoderTest {

    private static ByteBuf encodeAsClient(WebSocketFrame f) {
        EmbeddedChannel enc = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
        enc.writeOutbound(f);
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        enc.finishAndReleaseAll();
        return all;
    }

    @Test
    void decodesEveryLengthAndTheControlFramesFedOneByteAtATime() {
        Random r = new Random(3);
        EmbeddedChannel ch = new EmbeddedChannel(new ClientFrameDecoder(1 << 20));
        for (int n : new int[] {0, 5, 125, 126, 1148, 65535, 65536, 100_000}) {
            byte[] payload = new byte[n];
            r.nextBytes(payload);
            ByteBuf wire = encodeAsClient(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
            int step = n <= 1148 ? 1 : 997; // one byte at a time, and odd pieces for the long ones
            while (wire.isReadable()) {
                ch.writeInbound(wire.readRetainedSlice(Math.min(step, wire.readableBytes())));
            }
            wire.release();
            BinaryWebSocketFrame f = assertInstanceOf(BinaryWebSocketFrame.class, ch.readInbound(), "length " + n);
            assertArrayEquals(payload, ByteBufUtil.getBytes(f.content()));
            f.release();
        }
        ch.writeInbound(encodeAsClient(new TextWebSocketFrame("{\"TokenValue\":\"t\"}")));
        TextWebSocketFrame t = assertInstanceOf(TextWebSocketFrame.class, ch.readInbound());
        assertEquals("{\"TokenValue\":\"t\"}", t.text());
        t.release();
        ch.writeInbound(encodeAsClient(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2}))));
        PingWebSocketFrame p = assertInstanceOf(PingWebSocketFrame.class, ch.readInbound());
        assertArrayEquals(new byte[] {1, 2}, ByteBufUtil.getBytes(p.content()));
        p.release();
        ch.writeInbound(encodeAsClient(new CloseWebSocketFrame(1000, "Bye")));
        CloseWebSocketFrame c = assertInstanceOf(CloseWebSocketFrame.class, ch.readInbound());
        assertEquals(1000, c.statusCode());
        assertEquals("Bye", c.reasonText());
        c.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void anUnmaskedFrameClosesWithProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new ClientFrameDecoder(1 << 20));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, 0x01, 0x42}));
        assertNull(ch.readInbound());
        CloseWebSocketFrame c = assertInstanceOf(CloseWebSocketFrame.class, ch.readOutbound());
        assertEquals(1002, c.statusCode());
        c.release();
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }
}
