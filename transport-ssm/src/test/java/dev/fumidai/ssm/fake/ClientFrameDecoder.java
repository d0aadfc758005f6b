// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;

/**
 * Decodes the masked, unfragmented websocket frames a data-channel client sends (RFC 6455 §5.2, §5.3) into
 * Netty websocket frames, unmasking each payload in a plain array. It replaces Netty's decoder in the fake,
 * which unmasks 8 bytes per call on a pooled buffer: under paranoid leak detection, as in tests, every such call
 * records a stack trace (about 256 per 1 KiB message), and the fake paid most of the data path's cost there.
 *
 * <h2>Reference counting</h2>
 * The frames it emits wrap fresh arrays; the input is consumed as read.
 *
 * <h2>Failure</h2>
 * An unmasked, fragmented or reserved-bit frame, an unknown opcode or a payload above the limit closes the
 * connection with 1002 (protocol error), as §7.4.1 describes.
 */
final class ClientFrameDecoder extends ByteToMessageDecoder {

    private final int maxPayload;
    private boolean failed;

    ClientFrameDecoder(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable < 2) {
            return;
        }
        int start = in.readerIndex();
        int b0 = in.getUnsignedByte(start);
        int b1 = in.getUnsignedByte(start + 1);
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126) {
            if (readable < 4) {
                return;
            }
            length = in.getUnsignedShort(start + 2);
            header = 4;
        } else if (length == 127) {
            if (readable < 10) {
                return;
            }
            length = in.getLong(start + 2);
            header = 10;
        }
        int opcode = b0 & 0x0F;
        if ((b0 & 0x80) == 0 || (b0 & 0x70) != 0 || (b1 & 0x80) == 0 || length < 0 || length > maxPayload) {
            fail(ctx, in, "fragmented, reserved-bit, unmasked or oversized frame");
            return;
        }
        if (readable < header + 4 + length) {
            return;
        }
        in.skipBytes(header);
        byte[] mask = new byte[4];
        in.readBytes(mask);
        byte[] data = new byte[(int) length];
        in.readBytes(data);
        for (int i = 0; i < data.length; i++) {
            data[i] ^= mask[i & 3];
        }
        ByteBuf content = Unpooled.wrappedBuffer(data);
        switch (opcode) {
            case 0x1 -> out.add(new TextWebSocketFrame(true, 0, content));
            case 0x2 -> out.add(new BinaryWebSocketFrame(true, 0, content));
            case 0x8 -> out.add(new CloseWebSocketFrame(true, 0, content));
            case 0x9 -> out.add(new PingWebSocketFrame(true, 0, content));
            case 0xA -> out.add(new PongWebSocketFrame(true, 0, content));
            default -> {
                content.release();
                fail(ctx, in, "unknown opcode " + opcode);
            }
        }
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String why) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(new CloseWebSocketFrame(1002, why)).addListener(ChannelFutureListener.CLOSE);
    }
}
