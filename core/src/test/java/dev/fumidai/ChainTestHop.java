// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import dev.fumidai.audit.HopInfo;
import dev.fumidai.internal.route.DirectOpener;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.Hops;
import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Is a hop for testing how a route reports failures: like a real hop, it connects by opening a stream to its own
 * {@link #address()} through the upstream (direct TCP or the hop before), and keeps that stream as its session's
 * connection. Its session reaches targets by direct TCP from this machine, except the targets the test lists as
 * refused, which fail as a bastion's refused channel open does: {@link TargetUnreachableException} naming this
 * hop and the target.
 */
final class ChainTestHop implements Hop {

    private final String name;
    private final Target address;
    private final Set<Target> refused;
    final AtomicInteger connects = new AtomicInteger();

    ChainTestHop(String name, Target address, Set<Target> refused) {
        this.name = name;
        this.address = address;
        this.refused = Set.copyOf(refused);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String transport() {
        return "test";
    }

    @Override
    public Target address() {
        return address;
    }

    @Override
    public HopInfo describe() {
        return HopInfo.basic("test", name, address.host(), address.port());
    }

    @Override
    public CompletableFuture<HopSession> connect(HopContext ctx) {
        connects.incrementAndGet();
        return ctx.upstream().open(address).thenApply(ch -> new Session(ctx, ch));
    }

    private final class Session implements HopSession {
        private final Channel connection;
        private final String id;
        private final DirectOpener direct;
        private final CompletableFuture<Void> closed = new CompletableFuture<>();

        Session(HopContext ctx, Channel connection) {
            this.connection = connection;
            this.id = ctx.newConnectionId();
            this.direct = new DirectOpener(ctx.eventLoopGroup(), ctx.connectTimeout());
            connection.closeFuture().addListener(f -> closed.complete(null));
        }

        @Override
        public CompletableFuture<Channel> open(Target target) {
            if (refused.contains(target)) {
                return CompletableFuture.failedFuture(new TargetUnreachableException(
                        Hops.describe(ChainTestHop.this, target), "open failed: administratively prohibited", null));
            }
            return direct.open(target);
        }

        @Override
        public boolean isOpen() {
            return connection.isActive();
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
        public CompletableFuture<Void> closeFuture() {
            return closed;
        }

        @Override
        public CompletableFuture<Void> close() {
            connection.close();
            return closed;
        }
    }
}
