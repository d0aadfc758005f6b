// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import dev.fumidai.audit.HopInfo;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Is a hop for testing core's session handling: its session opens real TCP streams through the upstream, and the
 * test decides how many connects fail first, with which exception, and when a live session breaks.
 */
final class TcpTestHop implements Hop {

    final AtomicInteger connects = new AtomicInteger();
    final AtomicInteger failuresLeft = new AtomicInteger();
    volatile java.util.function.Supplier<TunnelException> failure =
            () -> new HopUnreachableException("test hop \"tcp\"", "refused by the test", null);
    volatile Session last;
    /** Makes the next stream open fail with this, if set (taken once). */
    final java.util.concurrent.atomic.AtomicReference<Throwable> openFailure =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** Makes sessions say they record their own hop.connect / hop.disconnect, as an SSM hop session does. */
    volatile boolean recordsOwnConnections;

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public String transport() {
        return "test";
    }

    @Override
    public Target address() {
        return null;
    }

    @Override
    public HopInfo describe() {
        return HopInfo.basic("test", "tcp", null, 0);
    }

    @Override
    public CompletableFuture<HopSession> connect(HopContext ctx) {
        connects.incrementAndGet();
        if (failuresLeft.getAndDecrement() > 0) {
            return CompletableFuture.failedFuture(failure.get());
        }
        Session s = new Session(ctx);
        last = s;
        return CompletableFuture.completedFuture(s);
    }

    final class Session implements HopSession {
        private final HopContext ctx;
        private final String id;
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final Map<Channel, Boolean> streams = new ConcurrentHashMap<>();

        Session(HopContext ctx) {
            this.ctx = ctx;
            this.id = ctx.newConnectionId();
        }

        @Override
        public CompletableFuture<Channel> open(Target target) {
            if (closed.isDone()) {
                return CompletableFuture.failedFuture(
                        new HopDisconnectedException("test hop \"tcp\"", "session is closed", null));
            }
            Throwable refused = openFailure.getAndSet(null);
            if (refused != null) {
                return CompletableFuture.failedFuture(refused);
            }
            return ctx.upstream().open(target).thenApply(ch -> {
                streams.put(ch, Boolean.TRUE);
                ch.closeFuture().addListener(f -> streams.remove(ch));
                return ch;
            });
        }

        /** Breaks the session as a transport would when its connection dies: streams close with the cause. */
        void breakWith(IOException cause) {
            for (Channel c : streams.keySet()) {
                c.attr(dev.fumidai.spi.StreamChannels.CLOSE_CAUSE).set(cause);
                c.close();
            }
            closed.completeExceptionally(cause);
        }

        @Override
        public boolean isOpen() {
            return !closed.isDone();
        }

        @Override
        public HopInfo info() {
            return describe();
        }

        @Override
        public String connectionId() {
            return id;
        }

        @Override
        public boolean recordsOwnConnections() {
            return recordsOwnConnections;
        }

        @Override
        public CompletableFuture<Void> closeFuture() {
            return closed;
        }

        @Override
        public CompletableFuture<Void> close() {
            streams.keySet().forEach(Channel::close);
            closed.complete(null);
            return CompletableFuture.completedFuture(null);
        }
    }
}
