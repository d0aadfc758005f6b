// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The telemetry listener sees connects (failed, retried, succeeded), streams with their bytes, and never breaks a
 * tunnel when it throws; {@link JumpHost#status()} follows the same traffic.
 */
class TunnelEventListenerTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final ReconnectPolicy FAST = ReconnectPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(20));

    private EchoServer echo;
    private TcpTestHop hop;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        hop = new TcpTestHop();
    }

    @AfterEach
    void stop() {
        echo.close();
    }

    /** Records every callback as a line, and counts stream closes. */
    static class Recording implements TunnelEventListener {
        final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        final AtomicLong up = new AtomicLong();
        final AtomicLong down = new AtomicLong();
        final CountDownLatch streamClosed = new CountDownLatch(1);

        @Override
        public void hopConnectStart(HopId h, int attempt) {
            log.add("start " + h.name() + " " + attempt);
        }

        @Override
        public void hopConnectEnd(HopId h, Duration took) {
            assertFalse(took.isNegative());
            log.add("end " + h.name());
        }

        @Override
        public void hopConnectFailed(HopId h, Duration took, TunnelException cause, boolean willRetry) {
            log.add("failed " + h.name() + " " + willRetry + " " + cause.getClass().getSimpleName());
        }

        @Override
        public void reconnectAttempt(HopId h, int attempt, Duration backoff) {
            log.add("reconnect " + h.name() + " " + attempt);
        }

        @Override
        public void streamOpened(HopId lastHop, Duration took) {
            log.add("stream open " + lastHop.name() + " " + lastHop.transport() + " " + lastHop.index());
        }

        @Override
        public void streamClosed(HopId lastHop, Duration open, long bytesUp, long bytesDown) {
            log.add("stream close " + lastHop.name());
            up.addAndGet(bytesUp);
            down.addAndGet(bytesDown);
            streamClosed.countDown();
        }
    }

    private static byte[] echoThrough(TunnelConnection c, int n, long seed) throws IOException {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        c.outputStream().write(data);
        c.shutdownOutput();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = c.inputStream();
        in.transferTo(out);
        assertArrayEquals(data, out.toByteArray());
        return data;
    }

    @Test
    void connectsRetriesAndStreamsAreReportedWithTheirBytes() throws Exception {
        hop.failuresLeft.set(1);
        Recording rec = new Recording();
        try (JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:events")
                .auditSink(InMemoryAuditSink.create()).reconnectPolicy(FAST).eventListener(rec).build()) {
            HopStatus before = jh.status().get(0);
            assertFalse(before.connected());
            assertNull(before.connectedSince());
            try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                HopStatus during = jh.status().get(0);
                assertTrue(during.connected(), during.toString());
                assertNotNull(during.connectedSince());
                assertEquals(1, during.openStreams(), during.toString());
                assertEquals("refused by the test", during.lastError().substring(during.lastError().indexOf("refused")));
                echoThrough(c, 70_000, 7);
            }
            assertTrue(rec.streamClosed.await(10, TimeUnit.SECONDS), "stream close reported: " + rec.log);
            assertEquals(List.of("start tcp 1", "failed tcp true HopUnreachableException", "reconnect tcp 2",
                    "start tcp 2", "end tcp", "stream open tcp test 0", "stream close tcp"), List.copyOf(rec.log));
            assertEquals(70_000, rec.up.get(), "bytes sent toward the target");
            assertEquals(70_000, rec.down.get(), "bytes echoed back");
            HopStatus after = jh.status().get(0);
            assertEquals(0, after.openStreams(), after.toString());
            assertEquals(70_000, after.bytesUp());
            assertEquals(70_000, after.bytesDown());
        }
    }

    @Test
    void aListenerThatThrowsNeverBreaksTheTunnel() throws Exception {
        hop.failuresLeft.set(1);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch closed = new CountDownLatch(1);
        TunnelEventListener throwing = new TunnelEventListener() {
            private void boom() {
                calls.incrementAndGet();
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void hopConnectStart(HopId h, int attempt) {
                boom();
            }

            @Override
            public void hopConnectEnd(HopId h, Duration took) {
                boom();
            }

            @Override
            public void hopConnectFailed(HopId h, Duration took, TunnelException cause, boolean willRetry) {
                boom();
            }

            @Override
            public void reconnectAttempt(HopId h, int attempt, Duration backoff) {
                boom();
            }

            @Override
            public void streamOpened(HopId lastHop, Duration took) {
                boom();
            }

            @Override
            public void streamClosed(HopId lastHop, Duration open, long bytesUp, long bytesDown) {
                closed.countDown();
                boom();
            }
        };
        try (JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:events")
                .auditSink(InMemoryAuditSink.create()).reconnectPolicy(FAST).eventListener(throwing).build()) {
            for (int i = 0; i < 3; i++) {
                try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                    echoThrough(c, 10_000, i);
                }
            }
            assertTrue(closed.await(10, TimeUnit.SECONDS));
            // start, failed, reconnect, start, end, then an open per stream and at least one close
            assertTrue(calls.get() >= 5 + 3 + 1, "every callback ran and threw: " + calls.get());
            assertEquals(2, hop.connects.get(), "the session survived the listener's exceptions");
        }
    }
}
