// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import java.util.List;

/**
 * Encodes the server's websocket frames (RFC 6455 §5.2, unmasked) as one buffer each: header and payload
 * together. Netty's encoder writes a frame above 1 KiB as two buffers, header then payload; when the header's
 * write crossed the high water mark, the flush-consolidation handler flushed at once, the drained socket became
 * writable inside that write, and the fake's writability callback wrote other frames between the header and its
 * payload. One write per frame cannot be split.
 *
 * <h2>Reference counting</h2>
 * The frame is released by the base class after {@link #encode}; the output is a new buffer.
 */
final class WholeFrameEncoder extends MessageToMessageEncoder<WebSocketFrame> implements WebSocketFrameEncoder {

    WholeFrameEncoder() {
        super(WebSocketFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        ByteBuf data = frame.content();
        int len = data.readableBytes();
        int headerLength = len < 126 ? 2 : len <= 0xffff ? 4 : 10;
        ByteBuf buf = ctx.alloc().buffer(headerLength + len);
        int b0 = (frame.isFinalFragment() ? 0x80 : 0) | (frame.rsv() << 4) | opcode(frame);
        buf.writeByte(b0);
        if (len < 126) {
            buf.writeByte(len);
        } else if (len <= 0xffff) {
            buf.writeByte(126);
            buf.writeShort(len);
        } else {
            buf.writeByte(127);
            buf.writeLong(len);
        }
        buf.writeBytes(data, data.readerIndex(), len);
        out.add(buf);
    }

    private static int opcode(WebSocketFrame f) {
        if (f instanceof BinaryWebSocketFrame) {
            return 0x2;
        } else if (f instanceof TextWebSocketFrame) {
            return 0x1;
        } else if (f instanceof CloseWebSocketFrame) {
            return 0x8;
        } else if (f instanceof PingWebSocketFrame) {
            return 0x9;
        } else if (f instanceof PongWebSocketFrame) {
            return 0xA;
        } else if (f instanceof ContinuationWebSocketFrame) {
            return 0x0;
        }
        throw new IllegalArgumentException("unknown websocket frame type " + f.getClass().getSimpleName());
    }
}
