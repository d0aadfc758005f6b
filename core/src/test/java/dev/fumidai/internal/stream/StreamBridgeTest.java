// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocking stream side of a tunnel stream, on an {@link EmbeddedChannel} so that the order of events is exact.
 */
class StreamBridgeTest {

    /**
     * A stream channel that closes on the far side's CLOSE (SSH: DATA, EOF, CLOSE in quick succession) is
     * deregistered before the application reads; Netty then removes every handler. The bytes queued before that
     * must still be readable, followed by end of stream (regression: they used to be released in handlerRemoved).
     */
    @Test
    void bytesQueuedBeforeThePeerClosesStayReadableAfterTheChannelIsGone() throws IOException {
        EmbeddedChannel ch = new EmbeddedChannel();
        StreamBridge bridge = StreamBridge.install(ch, true);
        byte[] payload = new byte[300_000];
        new Random(7).nextBytes(payload);
        for (int off = 0; off < payload.length; off += 32 * 1024) {
            int n = Math.min(32 * 1024, payload.length - off);
            ch.writeInbound(Unpooled.wrappedBuffer(payload, off, n));
        }
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        ch.close().syncUninterruptibly();
        ch.runPendingTasks();
        assertNull(ch.pipeline().get("fumidai-stream"), "Netty removed the bridge with the closed channel");
        assertFalse(ch.isOpen());

        InputStream in = bridge.inputStream();
        assertEquals(payload.length, in.available());
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            read.write(buf, 0, n);
        }
        assertArrayEquals(payload, read.toByteArray());
        in.close();
        assertEquals(payload.length, bridge.bytesReceived());
        assertFalse(ch.finishAndReleaseAll());
    }

    /** Closing the stream unread releases what is queued (the leak check fails the class otherwise). */
    @Test
    void closingTheStreamUnreadReleasesTheQueue() throws IOException {
        EmbeddedChannel ch = new EmbeddedChannel();
        StreamBridge bridge = StreamBridge.install(ch, true);
        ch.writeInbound(Unpooled.copiedBuffer(new byte[1000]));
        ch.close().syncUninterruptibly();
        ch.runPendingTasks();
        bridge.inputStream().close();
        assertEquals(0, bridge.inputStream().available());
        assertEquals(-1, bridge.inputStream().read());
        assertFalse(ch.finishAndReleaseAll());
    }

    static final String WHERE = "ssh hop \"bastion\" 127.0.0.1:22 => db:5432";

    /**
     * A stream that fails with a cause that has no message (a {@code ClosedChannelException}, as the soak saw) used
     * to read "tunnel stream failed: null": the reader's exception names the hop and target, and says what failed.
     */
    @Test
    void aFailedStreamNamesTheHopAndTheCauseEvenWithoutAMessage() {
        EmbeddedChannel ch = new EmbeddedChannel();
        StreamBridge bridge = StreamBridge.install(ch, true, WHERE);
        ch.pipeline().fireExceptionCaught(new java.nio.channels.ClosedChannelException());
        ch.runPendingTasks();
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> bridge.inputStream().read());
        assertNamesHopAndCause(e, "ClosedChannelException");
        IOException w = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> bridge.outputStream().write(1));
        assertNamesHopAndCause(w, "ClosedChannelException");
        assertFalse(ch.finishAndReleaseAll());
    }

    /** A stream closed with no failure recorded says so, and where, instead of "tunnel stream is closed: null". */
    @Test
    void writingToAStreamClosedWithoutACauseSaysWhoClosedIt() {
        EmbeddedChannel ch = new EmbeddedChannel();
        StreamBridge bridge = StreamBridge.install(ch, true, WHERE);
        ch.close().syncUninterruptibly();
        ch.runPendingTasks();
        IOException w = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> bridge.outputStream().write(1));
        assertNamesHopAndCause(w, "without an error");
        assertFalse(ch.finishAndReleaseAll());
    }

    static void assertNamesHopAndCause(IOException e, String cause) {
        String m = e.getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(m.startsWith(WHERE + ": "), m);
        org.junit.jupiter.api.Assertions.assertFalse(m.contains("null"), m);
        org.junit.jupiter.api.Assertions.assertTrue(m.contains(cause), m);
        org.junit.jupiter.api.Assertions.assertInstanceOf(dev.fumidai.TunnelException.class, e, m);
    }
}
