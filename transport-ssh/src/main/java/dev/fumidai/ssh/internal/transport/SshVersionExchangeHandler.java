// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sends our version line and reads the server's (RFC 4253 §4.2), tolerating other lines before it, then
 * fires {@link SshVersionExchangedEvent} and removes itself; bytes after the server's line go on to the
 * packet codec.
 *
 * <h2>Bounds</h2>
 * At most {@link #MAX_PRE_BANNER_LINES} lines before the version line (OpenSSH {@code SSH_MAX_PRE_BANNER_LINES}),
 * each at most {@link #MAX_LINE_LENGTH} bytes with CR LF (RFC 4253 §4.2 says the version line is at most 255).
 * A NUL byte in a line is refused, as OpenSSH does. Only protocol 2.0 is accepted: {@code SSH-1.x} including
 * the compatibility form {@code SSH-1.99} is refused, as the project's security checklist (R9) asks.
 *
 * <h2>Reference counting</h2>
 * Inherited from {@link ByteToMessageDecoder}: consumed bytes are released, the rest is passed on at removal.
 *
 * <h2>Failure</h2>
 * Throws {@link SshProtocolException}, which reaches the transport handler's {@code exceptionCaught}.
 */
public final class SshVersionExchangeHandler extends ByteToMessageDecoder {

    /** OpenSSH {@code SSH_MAX_PRE_BANNER_LINES}. */
    public static final int MAX_PRE_BANNER_LINES = 1024;
    /** RFC 4253 §4.2: the identification string is at most 255 characters including CR LF. */
    public static final int MAX_LINE_LENGTH = 255;

    private final String clientVersion;
    private boolean sent;
    private int lines;
    private boolean failed;

    /** Creates the handler for our version line, e.g. {@code SSH-2.0-fumidai_0.1.0} (no CR LF). */
    public SshVersionExchangeHandler(String clientVersion) {
        if (!clientVersion.startsWith("SSH-2.0-") || clientVersion.length() > MAX_LINE_LENGTH - 2) {
            throw new IllegalArgumentException("bad client version line");
        }
        this.clientVersion = clientVersion;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            sendVersion(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sendVersion(ctx);
        super.channelActive(ctx);
    }

    private void sendVersion(ChannelHandlerContext ctx) {
        if (!sent) {
            sent = true;
            ctx.writeAndFlush(Unpooled.copiedBuffer(clientVersion + "\r\n", StandardCharsets.US_ASCII));
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            readLines(ctx, in);
        } catch (SshProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void readLines(ChannelHandlerContext ctx, ByteBuf in) throws SshProtocolException {
        while (in.isReadable()) {
            int start = in.readerIndex();
            int scan = Math.min(in.readableBytes(), MAX_LINE_LENGTH);
            int lf = in.indexOf(start, start + scan, (byte) '\n');
            if (lf < 0) {
                if (in.readableBytes() >= MAX_LINE_LENGTH) {
                    throw new SshProtocolException(DisconnectMessage.PROTOCOL_ERROR,
                            "line longer than " + MAX_LINE_LENGTH + " bytes before the SSH version line");
                }
                return;
            }
            int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            if (in.indexOf(start, end, (byte) 0) >= 0) {
                throw new SshProtocolException("NUL byte in the server's version exchange");
            }
            String line = in.toString(start, end - start, StandardCharsets.UTF_8);
            in.readerIndex(lf + 1);
            if (line.startsWith("SSH-")) {
                if (!line.startsWith("SSH-2.0-")) {
                    throw new SshProtocolException(DisconnectMessage.PROTOCOL_VERSION_NOT_SUPPORTED,
                            "server speaks an unsupported protocol version: " + printable(line));
                }
                ctx.fireUserEventTriggered(new SshVersionExchangedEvent(clientVersion, line));
                ctx.pipeline().remove(this);
                return;
            }
            if (++lines > MAX_PRE_BANNER_LINES) {
                throw new SshProtocolException("more than " + MAX_PRE_BANNER_LINES
                        + " lines before the SSH version line");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
