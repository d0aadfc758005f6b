// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import dev.fumidai.HopUnreachableException;
import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.Origin;
import dev.fumidai.spi.AuditEmitter;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.StreamOpener;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives {@link dev.fumidai.ssh.SshHop#connect} what core would: a direct TCP upstream on its own event loop
 * and an audit emitter that records every event in {@link #events}, so a test can use the
 * {@link dev.fumidai.ssh.SshHopSession} API without a {@code JumpHost}.
 */
final class DirectHopContext implements HopContext, AutoCloseable {

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong();

    /** Returns the events of one type, in order. */
    <T extends AuditEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public int hopIndex() {
        return 0;
    }

    @Override
    public EventLoopGroup eventLoopGroup() {
        return group;
    }

    @Override
    public StreamOpener upstream() {
        return target -> {
            CompletableFuture<Channel> f = new CompletableFuture<>();
            new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInboundHandlerAdapter()).connect(target.host(), target.port())
                    .addListener((ChannelFutureListener) cf -> {
                        if (cf.isSuccess()) {
                            f.complete(cf.channel());
                        } else {
                            f.completeExceptionally(new HopUnreachableException("test", cf.cause().toString(),
                                    cf.cause()));
                        }
                    });
            return f;
        };
    }

    @Override
    public AuditEmitter audit() {
        return new AuditEmitter() {
            @Override
            public EventHeader header() {
                Instant now = Instant.now();
                return new EventHeader(EventHeader.newEventId(now), "test", seq.incrementAndGet(), now,
                        Actor.of("test"), new Origin("localhost", "test", 1, "0"), "s1");
            }

            @Override
            public void emit(AuditEvent event) {
                events.add(event);
            }

            @Override
            public CompletableFuture<Void> emitOpening(AuditEvent event) {
                events.add(event);
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public Duration connectTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Duration handshakeTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public String newConnectionId() {
        return "c1";
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
}
