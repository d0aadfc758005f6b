// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.testing.CreditStreamChannel;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the relay on two credit-driven stream channels: bytes arrive unchanged and in order both ways under
 * random chunking and random back-pressure; EOF follows the data in each direction; the destination's
 * backlog stays bounded because the relay stops reading a source whose destination is not writable.
 */
class RelayProperties {

    /** Netty's default high water mark, past which a channel is not writable; the bound adds one chunk that
     * crosses it and Netty's per-entry overhead in the pending count. */
    private static final int HIGH_WATER = 64 * 1024;
    private static final int MAX_CHUNK = 8 * 1024;

    private static EventLoopGroup group;

    @BeforeAll
    static void start() {
        group = new DefaultEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static <T> T on(Callable<T> c) throws Exception {
        return group.next().submit(c).get(10, TimeUnit.SECONDS);
    }

    private static CreditStreamChannel channel() throws Exception {
        CreditStreamChannel ch = new CreditStreamChannel(0);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        group.next().register(ch).sync();
        return ch;
    }

    @Test
    void bytesArriveUnchangedInOrderBothWaysWithHalfClose() {
        PropertyCheck.forAll(60, Gens.ints(0, 300_000), Gens.ints(0, 300_000),
                Gens.lists(Gens.ints(1, MAX_CHUNK), 1, 30), Gens.lists(Gens.ints(0, 40_000), 1, 30), Gens.booleans(),
                Gens.longs(), RelayProperties::bytesArriveUnchangedInOrderBothWaysWithHalfClose);
    }

    private static void bytesArriveUnchangedInOrderBothWaysWithHalfClose(int upSize, int downSize, List<Integer> chunks,
            List<Integer> grants, boolean clientEofFirst, long seed) throws Exception {
        Random rnd = new Random(seed);
        byte[] up = new byte[upSize];
        byte[] down = new byte[downSize];
        rnd.nextBytes(up);
        rnd.nextBytes(down);
        CreditStreamChannel client = channel();
        CreditStreamChannel tunnel = channel();
        Relay relay = on(() -> Relay.join(client, tunnel));

        int[] upPos = {0};
        int[] downPos = {0};
        int step = 0;
        boolean clientEof = false;
        boolean tunnelEof = false;
        while (true) {
            int grant = grants.get(step % grants.size());
            step++;
            on(() -> {
                // One step feeds every chunk size of the list once in each direction, then grants credit.
                for (int chunk : chunks) {
                    if (upPos[0] < up.length) {
                        int n = Math.min(chunk, up.length - upPos[0]);
                        client.receive(Unpooled.wrappedBuffer(Arrays.copyOfRange(up, upPos[0], upPos[0] + n)));
                        upPos[0] += n;
                    }
                    if (downPos[0] < down.length) {
                        int n = Math.min(chunk, down.length - downPos[0]);
                        tunnel.receive(Unpooled.wrappedBuffer(Arrays.copyOfRange(down, downPos[0], downPos[0] + n)));
                        downPos[0] += n;
                    }
                }
                tunnel.grant(grant);
                client.grant(grant / 2 + 1);
                return null;
            });
            boolean upFed = upPos[0] == up.length;
            boolean downFed = downPos[0] == down.length;
            if (upFed && !clientEof && (clientEofFirst || tunnelEof)) {
                clientEof = true;
                on(() -> {
                    client.receiveEof();
                    return null;
                });
            }
            if (downFed && !tunnelEof && (!clientEofFirst || clientEof)) {
                tunnelEof = true;
                on(() -> {
                    tunnel.receiveEof();
                    return null;
                });
            }
            if (clientEof && tunnelEof) {
                break;
            }
            assertTrue(step <= up.length + down.length + 2, "no progress");
        }
        // Grant plenty so everything pending drains; both sides then see EOF and the relay closes both.
        for (int i = 0; i < 100 && (client.isOpen() || tunnel.isOpen()); i++) {
            on(() -> {
                tunnel.grant(1 << 20);
                client.grant(1 << 20);
                return null;
            });
        }
        Relay.Result result = relay.done().get(10, TimeUnit.SECONDS);
        assertArrayEquals(up, on(tunnel::sent), "client -> tunnel bytes unchanged and in order");
        assertArrayEquals(down, on(client::sent), "tunnel -> client bytes unchanged and in order");
        assertTrue(on(tunnel::eofSent) && on(client::eofSent), "EOF propagated both ways");
        assertEquals(up.length, on(tunnel::bytesBeforeEof), "tunnel EOF after every client byte");
        assertEquals(down.length, on(client::bytesBeforeEof), "client EOF after every tunnel byte");
        assertEquals(up.length, result.firstToSecond());
        assertEquals(down.length, result.secondToFirst());
        assertTrue(on(tunnel::maxPendingOutbound) <= HIGH_WATER + 2 * MAX_CHUNK,
                "tunnel backlog bounded: " + on(tunnel::maxPendingOutbound));
        assertTrue(on(client::maxPendingOutbound) <= HIGH_WATER + 2 * MAX_CHUNK,
                "client backlog bounded: " + on(client::maxPendingOutbound));
    }
}
