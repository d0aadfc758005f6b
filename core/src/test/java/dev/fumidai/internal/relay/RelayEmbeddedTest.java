// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the relay between two {@link EmbeddedChannel}s: what one side reads, the other writes, byte for byte,
 * counted; a close on either side closes the other. (Half-close and back-pressure need channels with flow
 * control and {@code DuplexChannel}; {@link RelayProperties} covers them on credit-driven stream channels.)
 */
class RelayEmbeddedTest {

    private static String drain(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void relaysBothWaysInOrderAndCounts() {
        EmbeddedChannel client = new EmbeddedChannel();
        EmbeddedChannel tunnel = new EmbeddedChannel();
        Relay relay = Relay.join(client, tunnel);
        // One byte at a time, then in one piece: the relay never reorders or merges across directions.
        for (char c : "hello".toCharArray()) {
            client.writeInbound(Unpooled.copiedBuffer(String.valueOf(c), StandardCharsets.UTF_8));
        }
        tunnel.writeInbound(Unpooled.copiedBuffer("world!", StandardCharsets.UTF_8));
        tunnel.runPendingTasks();
        client.runPendingTasks();
        assertEquals("hello", drain(tunnel));
        assertEquals("world!", drain(client));
        assertEquals(5, relay.firstToSecond());
        assertEquals(6, relay.secondToFirst());
        client.finishAndReleaseAll();
        tunnel.finishAndReleaseAll();
    }

    @Test
    void closingOneSideClosesTheOtherAndReportsWhoEnded() throws Exception {
        EmbeddedChannel client = new EmbeddedChannel();
        EmbeddedChannel tunnel = new EmbeddedChannel();
        Relay relay = Relay.join(client, tunnel);
        tunnel.writeInbound(Unpooled.copiedBuffer("last words", StandardCharsets.UTF_8));
        tunnel.close();
        tunnel.runPendingTasks();
        client.runPendingTasks();
        assertFalse(client.isOpen(), "the client side closes too");
        assertEquals("last words", drain(client), "data written before the close is flushed first");
        Relay.Result r = relay.done().get(5, TimeUnit.SECONDS);
        assertEquals(Relay.Ender.SECOND, r.endedBy());
        assertEquals(10, r.secondToFirst());
        client.finishAndReleaseAll();
        tunnel.finishAndReleaseAll();
    }
}
