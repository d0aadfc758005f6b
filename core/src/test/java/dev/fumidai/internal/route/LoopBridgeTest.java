// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.spi.StreamChannels;
import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks {@link LoopBridge}'s choice of loop and how it passes on a failure's close. */
class LoopBridgeTest {

    private static final long T = 10;
    private static EventLoopGroup three;
    private static final List<EventLoop> loops = new ArrayList<>();

    @BeforeAll
    static void start() {
        three = new DefaultEventLoopGroup(3);
        for (EventExecutor e : three) {
            loops.add((EventLoop) e);
        }
    }

    @AfterAll
    static void stop() {
        three.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static PipeStreamChannel[] registeredPair(EventLoop loop) throws Exception {
        PipeStreamChannel[] pair = PipeStreamChannel.pair(1024);
        StreamChannels.hold(pair[0]);
        loop.register(pair[0]).sync();
        loop.register(pair[1]).sync();
        return pair;
    }

    @Test
    void picksALoopThatNoChannelOfTheChainIsOn() throws Exception {
        PipeStreamChannel[] pair = registeredPair(loops.get(0));
        Channel outer = LoopBridge.bridge(pair[0], loops.get(1)).get(T, TimeUnit.SECONDS);
        try {
            for (int i = 0; i < 5; i++) {
                // Whatever the round robin's position: the third loop, not the two the chain already uses.
                assertSame(loops.get(2), LoopBridge.pick(three, outer), "pick " + i);
                assertNotSame(loops.get(0), LoopBridge.pick(three, pair[0]), "pick " + i + " for the inner stream");
            }
        } finally {
            outer.close().sync();
            pair[1].close().sync();
        }
    }

    @Test
    void picksNothingWithOneLoopOrAForeignOne() throws Exception {
        EventLoopGroup one = new DefaultEventLoopGroup(1);
        try {
            PipeStreamChannel[] pair = registeredPair(one.next());
            assertNull(LoopBridge.pick(one, pair[0]), "a one-loop group has no other loop");
            assertNull(LoopBridge.pick(three, pair[0]), "the stream is not on a loop of this group");
            pair[0].close().sync();
            pair[1].close().sync();
        } finally {
            one.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void spreadsOverTheLoopsOfTheGroup() throws Exception {
        Set<EventLoop> picked = new HashSet<>();
        PipeStreamChannel[] pair = registeredPair(loops.get(0));
        for (int i = 0; i < 6; i++) {
            EventLoop l = LoopBridge.pick(three, pair[0]);
            assertNotSame(loops.get(0), l);
            picked.add(l);
        }
        assertEquals(Set.of(loops.get(1), loops.get(2)), picked, "round robin over the loops not in use");
        pair[0].close().sync();
        pair[1].close().sync();
    }

    @Test
    void aFailureOfTheInnerStreamClosesTheOuterWithItsCause() throws Exception {
        PipeStreamChannel[] pair = registeredPair(loops.get(0));
        Channel outer = LoopBridge.bridge(pair[0], loops.get(1)).get(T, TimeUnit.SECONDS);
        IOException cause = new IOException("session broke");
        pair[0].eventLoop().submit(() -> pair[0].closeWithCause(cause)).sync();
        outer.closeFuture().get(T, TimeUnit.SECONDS);
        assertSame(cause, outer.attr(StreamChannels.CLOSE_CAUSE).get(), "the cause travels with the close");
        assertFalse(outer.isOpen());
        pair[1].close().sync();
    }

    @Test
    void closingTheOuterStreamClosesTheInnerOneAndTheFarEnd() throws Exception {
        PipeStreamChannel[] pair = registeredPair(loops.get(0));
        Channel outer = LoopBridge.bridge(pair[0], loops.get(2)).get(T, TimeUnit.SECONDS);
        assertTrue(outer.isActive());
        outer.close().sync();
        pair[0].closeFuture().get(T, TimeUnit.SECONDS);
        pair[1].closeFuture().get(T, TimeUnit.SECONDS);
        assertTrue(pair[0].streamClosed);
        assertNull(outer.attr(StreamChannels.CLOSE_CAUSE).get(), "a normal close records no cause");
    }

    @Test
    void thePolicyPropertyChoosesOwnSharedOrByTheNumberOfCpus() {
        String before = System.getProperty(RouteRuntime.HOP_LOOPS_PROPERTY);
        try {
            System.setProperty(RouteRuntime.HOP_LOOPS_PROPERTY, "own");
            assertTrue(RouteRuntime.hopsOnOwnLoops());
            System.setProperty(RouteRuntime.HOP_LOOPS_PROPERTY, "shared");
            assertFalse(RouteRuntime.hopsOnOwnLoops());
            System.clearProperty(RouteRuntime.HOP_LOOPS_PROPERTY);
            assertEquals(Runtime.getRuntime().availableProcessors() > 2, RouteRuntime.hopsOnOwnLoops(), "auto");
        } finally {
            if (before == null) {
                System.clearProperty(RouteRuntime.HOP_LOOPS_PROPERTY);
            } else {
                System.setProperty(RouteRuntime.HOP_LOOPS_PROPERTY, before);
            }
        }
    }
}
