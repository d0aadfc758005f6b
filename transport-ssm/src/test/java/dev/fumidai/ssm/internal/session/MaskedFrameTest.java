// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Checks the client's own websocket framing against Netty's server-side decoder, which insists on masking. */
class MaskedFrameTest {

    @Test
    void everyLengthEncodingDecodesToThePayloadAndIsMasked() {
        Random r = new Random(7);
        for (int n : new int[] {0, 1, 125, 126, 1148, 65535, 65536, 70000}) {
            byte[] payload = new byte[n];
            r.nextBytes(payload);
            byte[] frame = SsmDataChannel.maskedBinaryFrame(payload);
            assertEquals(0x82, frame[0] & 0xFF, "FIN and binary opcode");
            assertTrue((frame[1] & 0x80) != 0, "the mask bit is set");
            EmbeddedChannel ch = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                    .expectMaskedFrames(true).allowMaskMismatch(false).maxFramePayloadLength(1 << 20).build()));
            // Fed in two parts: the decoder must not depend on how the bytes arrive.
            int half = frame.length / 2;
            ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, half));
            ch.writeInbound(Unpooled.wrappedBuffer(frame, half, frame.length - half));
            BinaryWebSocketFrame f = assertInstanceOf(BinaryWebSocketFrame.class, ch.readInbound(), "length " + n);
            try {
                assertTrue(f.isFinalFragment());
                assertArrayEquals(payload, ByteBufUtil.getBytes(f.content()), "length " + n);
            } finally {
                f.release();
            }
            assertEquals(false, ch.finishAndReleaseAll());
        }
    }
}
