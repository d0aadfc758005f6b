// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.SessionEnded;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.testing.EchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks which exception a route raises where: failing to reach hop N, directly or through hop N-1, is
 * {@link HopUnreachableException} naming hop N; only failing to reach the target is
 * {@link TargetUnreachableException}. And {@link JumpHost#connectHops} connects the hops without a stream.
 */
class HopReachabilityTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final ReconnectPolicy ONCE = ReconnectPolicy.of(1, Duration.ofMillis(10), Duration.ofMillis(10));

    private EchoServer echo;
    private InMemoryAuditSink sink;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        sink = InMemoryAuditSink.create();
    }

    @AfterEach
    void stop() {
        echo.close();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private JumpHost jumpHost(ChainTestHop... hops) {
        return JumpHost.builder().route(Route.of(hops)).actor("test:reach").auditSink(sink).reconnectPolicy(ONCE)
                .build();
    }

    /** Is a hop whose address accepts TCP (the echo server stands in for the bastion's port). */
    private ChainTestHop hop(String name, Target... refused) {
        return new ChainTestHop(name, Target.of("127.0.0.1", echo.port()), Set.of(refused));
    }

    @Test
    void aRefusedFirstHopIsHopUnreachableNamingIt() throws Exception {
        int port = closedPort();
        ChainTestHop first = new ChainTestHop("b1", Target.of("127.0.0.1", port), Set.of());
        try (JumpHost jh = jumpHost(first, hop("b2"))) {
            HopUnreachableException e = assertThrows(HopUnreachableException.class,
                    () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
            assertEquals("test hop \"b1\" 127.0.0.1:" + port, e.where());
            assertTrue(e.getMessage().startsWith("test hop \"b1\" 127.0.0.1:" + port + ": cannot connect: "),
                    e.getMessage());
            assertTrue(!e.getMessage().contains("direct =>"), e.getMessage());
        }
        HopConnected failed = sink.await(HopConnected.class, T);
        assertEquals(Outcome.FAILURE, failed.outcome());
        assertEquals(0, failed.hopIndex());
        assertEquals(ReasonCode.CONNECT_FAILED, failed.reason().code());
    }

    @Test
    void aHopThePreviousHopCannotReachIsHopUnreachableNamingIt() throws Exception {
        Target b2Address = Target.of("10.255.0.2", 22);
        ChainTestHop b2 = new ChainTestHop("b2", b2Address, Set.of());
        try (JumpHost jh = jumpHost(hop("b1", b2Address), b2)) {
            HopUnreachableException e = assertThrows(HopUnreachableException.class,
                    () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
            assertEquals("test hop \"b2\" 10.255.0.2:22", e.where());
            assertTrue(e.getMessage().contains("unreachable through test hop \"b1\" 127.0.0.1:" + echo.port()
                    + ": open failed: administratively prohibited"), e.getMessage());
            assertInstanceOf(TargetUnreachableException.class, e.getCause(), "the previous hop's refusal is kept");
        }
        HopConnected failed = (HopConnected) sink.await(
                e -> e instanceof HopConnected h && h.outcome() == Outcome.FAILURE, T);
        assertEquals(1, failed.hopIndex(), "hop 2 failed to connect, not hop 1");
        assertEquals(ReasonCode.CONNECT_FAILED, failed.reason().code());
    }

    @Test
    void onlyTheLastHopsRefusalIsTargetUnreachable() throws Exception {
        Target db = Target.of("db.internal", 5432);
        try (JumpHost jh = jumpHost(hop("b1"), hop("b2", db))) {
            TargetUnreachableException e = assertThrows(TargetUnreachableException.class,
                    () -> jh.connect(db, T));
            assertEquals("test hop \"b2\" 127.0.0.1:" + echo.port() + " => db.internal:5432", e.where());
        }
    }

    @Test
    void connectHopsConnectsEveryHopOnceWithoutAStreamAndStreamsShareThem() throws Exception {
        ChainTestHop b1 = hop("b1");
        ChainTestHop b2 = hop("b2");
        try (JumpHost jh = jumpHost(b1, b2)) {
            jh.connectHops(T);
            assertEquals(1, b1.connects.get());
            assertEquals(1, b2.connects.get());
            // Audit delivery is asynchronous: wait for hop 1's record, emitted after hop 0's.
            sink.await(e -> e instanceof HopConnected h && h.outcome() == Outcome.SUCCESS && h.hopIndex() == 1, T);
            assertEquals(2, sink.events(HopConnected.class).stream()
                    .filter(h -> h.outcome() == Outcome.SUCCESS).count());
            jh.connectHops().get(10, TimeUnit.SECONDS);
            try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                c.outputStream().write(7);
                assertEquals(7, c.inputStream().read());
            }
            assertEquals(1, b1.connects.get(), "the stream used the sessions connectHops opened");
            assertEquals(1, b2.connects.get());
        }
    }

    @Test
    void connectHopsFailsWithTheTypedExceptionNamingTheHop() throws Exception {
        Target b2Address = Target.of("10.255.0.2", 22);
        try (JumpHost jh = jumpHost(hop("b1", b2Address), new ChainTestHop("b2", b2Address, Set.of()))) {
            HopUnreachableException e = assertThrows(HopUnreachableException.class, () -> jh.connectHops(T));
            assertEquals("test hop \"b2\" 10.255.0.2:22", e.where());
            ExecutionException async = assertThrows(ExecutionException.class,
                    () -> jh.connectHops().get(10, TimeUnit.SECONDS));
            assertInstanceOf(HopUnreachableException.class, async.getCause());
        }
    }

    @Test
    void connectHopsOnADirectRouteDoesNothing() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:reach").auditSink(sink).build()) {
            jh.connectHops(T);
            assertTrue(jh.connectHops().isDone());
        }
        assertTrue(sink.events(HopConnected.class).isEmpty());
    }

    @Test
    void closingRecordsEveryHopDisconnectBeforeTheSessionEnds() throws Exception {
        try (JumpHost jh = jumpHost(hop("b1"), hop("b2"))) {
            jh.connectHops(T);
        }
        List<AuditEvent> all = sink.events();
        List<String> types = all.stream().map(e -> e.type().wireName()).toList();
        int end = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) instanceof SessionEnded) {
                end = i;
            }
        }
        assertTrue(end >= 0, "session.end recorded: " + types);
        assertEquals(2, all.subList(0, end).stream().filter(e -> e instanceof HopDisconnected).count(),
                "both hop.disconnect records precede session.end: " + types);
    }
}
