// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.testing.EchoServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HopSessionSharingTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final ReconnectPolicy FAST = ReconnectPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(50));

    private EchoServer echo;
    private InMemoryAuditSink sink;
    private TcpTestHop hop;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        sink = InMemoryAuditSink.create();
        hop = new TcpTestHop();
    }

    @AfterEach
    void stop() {
        echo.close();
    }

    private JumpHost jumpHost(ReconnectPolicy policy) {
        return JumpHost.builder().route(Route.of(hop)).actor("test:sharing").auditSink(sink).reconnectPolicy(policy)
                .build();
    }

    private static void roundTrip(TunnelConnection c) throws IOException {
        c.outputStream().write(42);
        assertEquals(42, c.inputStream().read());
    }

    @Test
    void manyStreamsShareOneSessionOpenedLazily() throws Exception {
        try (JumpHost jh = jumpHost(FAST)) {
            assertEquals(0, hop.connects.get(), "nothing connects before the first stream");
            List<TunnelConnection> cs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                cs.add(jh.connect(Target.of("127.0.0.1", echo.port()), T));
            }
            for (TunnelConnection c : cs) {
                roundTrip(c);
                c.close();
            }
            assertEquals(1, hop.connects.get(), "one session for all streams");
        }
    }

    @Test
    void failedConnectsAreRetriedWithBackoffThenSucceed() throws Exception {
        hop.failuresLeft.set(2);
        try (JumpHost jh = jumpHost(FAST); TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
            roundTrip(c);
            assertEquals(3, hop.connects.get());
        }
        List<HopConnected> hc = sink.events(HopConnected.class);
        assertEquals(List.of(Outcome.FAILURE, Outcome.FAILURE, Outcome.SUCCESS),
                hc.stream().map(HopConnected::outcome).toList());
        assertEquals(ReasonCode.CONNECT_FAILED, hc.get(0).reason().code());
    }

    /**
     * A session that records its own connections (an SSM hop session: one record per SSM session, with its id)
     * gets no hop.connect or hop.disconnect from the route for the session itself; a failure to create the
     * session is still recorded.
     */
    @Test
    void aSessionThatRecordsItsOwnConnectionsGetsOnlyFailureRecordsFromTheRoute() throws Exception {
        hop.recordsOwnConnections = true;
        hop.failuresLeft.set(1);
        try (JumpHost jh = jumpHost(FAST); TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
            roundTrip(c);
        }
        assertEquals(2, hop.connects.get());
        List<HopConnected> hc = sink.events(HopConnected.class);
        assertEquals(List.of(Outcome.FAILURE), hc.stream().map(HopConnected::outcome).toList());
        assertEquals(List.of(), sink.events(dev.fumidai.audit.HopDisconnected.class));
    }

    @Test
    void attemptsAreBoundedAndTheErrorNamesTheHop() {
        hop.failuresLeft.set(100);
        try (JumpHost jh = jumpHost(ReconnectPolicy.of(2, Duration.ofMillis(10), Duration.ofMillis(20)))) {
            HopUnreachableException e = assertThrows(HopUnreachableException.class,
                    () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
            assertTrue(e.getMessage().startsWith("test hop \"tcp\""), e.getMessage());
            assertEquals(2, hop.connects.get(), "bounded attempts");
        }
    }

    @Test
    void handshakeFailuresAreNotRetried() {
        hop.failuresLeft.set(100);
        hop.failure = () -> new HopHandshakeException("test hop \"tcp\"", "host key rejected", null);
        try (JumpHost jh = jumpHost(FAST)) {
            assertThrows(HopHandshakeException.class, () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
            assertEquals(1, hop.connects.get(), "a handshake failure is not a network blip: no retry");
        }
    }

    @Test
    void aBrokenSessionFailsItsStreamsPromptlyAndIsReestablishedOnTheNextOpen() throws Exception {
        try (JumpHost jh = jumpHost(FAST)) {
            TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T);
            roundTrip(c);
            hop.last.breakWith(new IOException("connection reset by the test"));
            IOException e = assertThrows(IOException.class, () -> {
                int r = c.inputStream().read();
                if (r < 0) {
                    throw new AssertionError("a broken stream must fail, not look like a clean EOF");
                }
            });
            assertTrue(e.getMessage().contains("connection reset by the test"), e.getMessage());
            HopDisconnected d = sink.await(HopDisconnected.class, T);
            assertEquals(Outcome.ERROR, d.outcome());
            try (TunnelConnection again = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                roundTrip(again);
            }
            assertEquals(2, hop.connects.get(), "re-established once");
        }
    }

    @Test
    void closedJumpHostRefusesNewStreams() throws Exception {
        JumpHost jh = jumpHost(FAST);
        jh.close();
        TunnelException e = assertThrows(TunnelException.class,
                () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
