// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshVersionExchangeHandlerTest {

    static final String CLIENT = "SSH-2.0-fumidai_test";

    /** Records events, so the test sees the event before the bytes after the version line. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> seen = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            seen.add(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
    }

    static Recorder feed(String input, Random splits) {
        Recorder recorder = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new SshVersionExchangeHandler(CLIENT), recorder);
        ByteBuf sent = ch.readOutbound();
        assertEquals(CLIENT + "\r\n", sent.toString(StandardCharsets.US_ASCII));
        sent.release();
        ByteBuf in = Unpooled.copiedBuffer(input, StandardCharsets.ISO_8859_1);
        while (in.isReadable()) {
            int n = splits == null ? 1 : Math.min(in.readableBytes(), 1 + splits.nextInt(40));
            ch.writeInbound(in.readRetainedSlice(n));
        }
        in.release();
        assertFalse(ch.finishAndReleaseAll());
        return recorder;
    }

    @Test
    void readsTheVersionAfterOtherLinesAndPassesTheRestOn() {
        String input = "hello\r\nworld\nSSH-2.0-OpenSSH_9.2p1 Debian\r\nPACKETBYTES";
        for (Random r : new Random[] {null, new Random(1), new Random(2), new Random(3)}) {
            Recorder rec = feed(input, r);
            assertEquals(new SshVersionExchangedEvent(CLIENT, "SSH-2.0-OpenSSH_9.2p1 Debian"), rec.seen.get(0));
            assertEquals("PACKETBYTES", String.join("", rec.seen.subList(1, rec.seen.size()).stream()
                    .map(Object::toString).toList()));
        }
    }

    @Test
    void acceptsAVersionLineWithoutCarriageReturnAndUpTo1024PreBannerLines() {
        Recorder rec = feed("x\n".repeat(1024) + "SSH-2.0-x\n", new Random(4));
        assertInstanceOf(SshVersionExchangedEvent.class, rec.seen.get(0));
    }

    static SshProtocolException fail(String input) {
        EmbeddedChannel ch = new EmbeddedChannel(new SshVersionExchangeHandler(CLIENT));
        ((ByteBuf) ch.readOutbound()).release();
        Exception thrown = assertThrows(Exception.class,
                () -> ch.writeInbound(Unpooled.copiedBuffer(input, StandardCharsets.ISO_8859_1)));
        SshProtocolException e = assertInstanceOf(SshProtocolException.class, thrown.getCause());
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
        return e;
    }

    @Test
    void refuses1025PreBannerLines() {
        assertEquals("more than 1024 lines before the SSH version line", fail("x\n".repeat(1025) + "SSH-2.0-x\n")
                .getMessage());
    }

    @Test
    void refusesALongLine() {
        assertTrue(fail("x".repeat(255) + "\n").getMessage().startsWith("line longer than 255"));
        assertTrue(fail("SSH-2.0-" + "x".repeat(300) + "\r\n").getMessage().startsWith("line longer"));
    }

    @Test
    void refusesNul() {
        assertEquals("NUL byte in the server's version exchange", fail("SSH-2.0-a\0b\r\n").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SSH-1.5-old", "SSH-1.99-compat", "SSH-3.0-future"})
    void refusesOtherProtocolVersions(String line) {
        SshProtocolException e = fail(line + "\r\n");
        assertEquals(DisconnectMessage.PROTOCOL_VERSION_NOT_SUPPORTED, e.reasonCode());
    }
}
