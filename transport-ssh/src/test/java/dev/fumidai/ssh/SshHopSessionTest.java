// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopUnreachableException;
import dev.fumidai.Target;
import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.Origin;
import dev.fumidai.spi.AuditEmitter;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.StreamOpener;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives {@link SshHop#connect} through a {@link HopContext} built here (direct TCP upstream, a recording
 * audit emitter) against MINA SSHD: the session's info, opening a stream, a clean close, a broken
 * connection completing {@code closeFuture()} exceptionally, and an unreachable address.
 */
class SshHopSessionTest {

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    SshHopMinaTest.Bastion bastion;

    @BeforeEach
    void start() throws Exception {
        bastion = new SshHopMinaTest.Bastion(SshHopMinaTest.fingerprintOf("ed25519_openssh"));
    }

    @AfterEach
    void stop() throws Exception {
        bastion.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    HopContext context() {
        AtomicLong seq = new AtomicLong();
        StreamOpener direct = target -> {
            CompletableFuture<Channel> f = new CompletableFuture<>();
            new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInboundHandlerAdapter()).connect(target.host(), target.port())
                    .addListener((io.netty.channel.ChannelFutureListener) cf -> {
                        if (cf.isSuccess()) {
                            f.complete(cf.channel());
                        } else {
                            f.completeExceptionally(new HopUnreachableException("test", cf.cause().toString(),
                                    cf.cause()));
                        }
                    });
            return f;
        };
        AuditEmitter audit = new AuditEmitter() {
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
        return new HopContext() {
            public int hopIndex() {
                return 0;
            }

            public EventLoopGroup eventLoopGroup() {
                return group;
            }

            public StreamOpener upstream() {
                return direct;
            }

            public AuditEmitter audit() {
                return audit;
            }

            public Clock clock() {
                return Clock.systemUTC();
            }

            public Duration connectTimeout() {
                return Duration.ofSeconds(10);
            }

            public Duration handshakeTimeout() {
                return Duration.ofSeconds(20);
            }

            public String newConnectionId() {
                return "c1";
            }
        };
    }

    SshHop hop() throws Exception {
        return SshHop.builder().address(Target.of("127.0.0.1", bastion.port()))
                .hostKeyVerifier(bastion.pinned()).name("bastion").user("ops")
                .identity(SshHopMinaTest.fixture("ed25519_openssh")).build();
    }

    @Test
    void sessionReportsInfoOpensStreamsAndClosesCleanly() throws Exception {
        HopSession session = hop().connect(context()).get(30, TimeUnit.SECONDS);
        HopInfo info = session.info();
        assertEquals("ssh", info.transport());
        assertEquals("bastion", info.name());
        assertEquals("127.0.0.1", info.address());
        assertEquals(bastion.hostKeyFingerprint, info.hostKey().fingerprint());
        assertNotNull(info.crypto());
        assertEquals("ops", info.remoteLogin());
        assertEquals("c1", session.connectionId());
        assertTrue(session.isOpen());
        try (java.net.ServerSocket target = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Channel stream = session.open(Target.of("127.0.0.1", target.getLocalPort())).get(30, TimeUnit.SECONDS);
            assertTrue(stream.isActive());
            stream.close().await(5, TimeUnit.SECONDS);
        }
        session.close().get(10, TimeUnit.SECONDS);
        assertTrue(session.closeFuture().isDone() && !session.closeFuture().isCompletedExceptionally());
        assertTrue(!session.isOpen());
    }

    /** Issue #14: the hop's maximum receive window reaches its channels; they start at the initial window. */
    @Test
    void theMaximumReceiveWindowReachesTheChannels() throws Exception {
        SshHop hop = hop().toBuilder().transportConfig(SshTransportConfig.builder().maxReceiveWindow(48 << 20)
                .build()).build();
        HopSession session = hop.connect(context()).get(30, TimeUnit.SECONDS);
        try (java.net.ServerSocket target = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Channel stream = session.open(Target.of("127.0.0.1", target.getLocalPort())).get(30, TimeUnit.SECONDS);
            dev.fumidai.ssh.internal.connection.SshChannel ch = (dev.fumidai.ssh.internal.connection.SshChannel) stream;
            assertEquals(48 << 20, ch.windowCap());
            assertEquals(SshTransportConfig.INITIAL_RECEIVE_WINDOW, ch.eventLoop().submit(ch::window).get(5,
                    TimeUnit.SECONDS).longValue());
            stream.close().await(5, TimeUnit.SECONDS);
        }
        session.close().get(10, TimeUnit.SECONDS);
    }

    @Test
    void brokenConnectionCompletesCloseFutureExceptionally() throws Exception {
        HopSession session = hop().connect(context()).get(30, TimeUnit.SECONDS);
        SshServer server = bastion.server;
        server.getActiveSessions().forEach(s -> s.close(true));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> session.closeFuture().get(10, TimeUnit.SECONDS));
        dev.fumidai.TunnelException d = assertInstanceOf(dev.fumidai.TunnelException.class, e.getCause());
        assertTrue(d.getMessage().startsWith("ssh hop \"bastion\" 127.0.0.1:"), d.getMessage());
    }

    @Test
    void unreachableAddressFailsWithHopUnreachable() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SshHop hop = SshHop.builder().address(Target.of("127.0.0.1", closedPort))
                .hostKeyVerifier(bastion.pinned()).build();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> hop.connect(context()).get(30, TimeUnit.SECONDS));
        assertInstanceOf(HopUnreachableException.class, e.getCause());
        assertTrue(events.isEmpty(), "nothing to audit before the SSH handshake started");
    }
}
