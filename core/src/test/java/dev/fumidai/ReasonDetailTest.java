// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditDegraded;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.testing.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@code reason_detail} is the library's own fixed text: failures whose messages carry an ARN, a user
 * name and a path (as AWS SDK, OpenSSH and OS messages do) are provoked on every path core records a reason for,
 * and the marker in those messages must reach no audit record.
 */
class ReasonDetailTest {

    private static final String MARKER = "MARKER-0xC0FFEE";
    private static final String MESSAGE = "User: arn:aws:iam::123456789012:user/alice." + MARKER
            + " is not authorized; key /home/alice/.ssh/id_" + MARKER;
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

    /** Fails every event with a message carrying the marker, so that the dispatcher records audit.degraded. */
    private static final class LeakyFailingSink implements AuditSink {
        @Override
        public String name() {
            return "leaky";
        }

        @Override
        public AuditPolicy policy() {
            return AuditPolicy.BEST_EFFORT;
        }

        @Override
        public void accept(AuditEvent event) throws IOException {
            throw new IOException("cannot write /var/log/" + MARKER + "/audit.jsonl for " + MESSAGE);
        }

        @Override
        public void close() {
        }
    }

    private static void assertNoMarker(List<AuditEvent> events) {
        assertFalse(events.isEmpty());
        List<String> leaked = events.stream().filter(e -> e.toString().contains(MARKER))
                .map(e -> e.type().wireName() + " " + e.reason()).toList();
        assertEquals(List.of(), leaked, "failure messages reached these audit records");
    }

    @Test
    void failureMessagesNeverReachAuditRecords() throws Exception {
        hop.failuresLeft.set(1);
        hop.failure = () -> new HopUnreachableException("test hop \"tcp\"", MESSAGE, new ConnectException(MESSAGE));
        try (JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:reason").auditSink(sink)
                .auditSink(new LeakyFailingSink()).reconnectPolicy(FAST).build()) {
            // 1. a failed hop connect (retried), then a stream that works
            TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T);
            c.outputStream().write(1);
            assertEquals(1, c.inputStream().read());
            // 2. a stream open the hop refuses
            hop.openFailure.set(new TargetUnreachableException("test hop \"tcp\"", MESSAGE, null));
            assertThrows(IOException.class, () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
            // 3. a local forward whose connection is open when the session breaks, and the direct stream too
            try (LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()));
                    Socket s = new Socket("127.0.0.1", fwd.localPort())) {
                s.getOutputStream().write(2);
                InputStream in = s.getInputStream();
                assertEquals(2, in.read());
                hop.last.breakWith(new IOException("connection reset while reading " + MESSAGE));
                sink.await(e -> e instanceof HopDisconnected, T);
                sink.await(e -> e instanceof ForwardClosed fc && fc.outcome() != Outcome.SUCCESS
                        && sink.events(ForwardClosed.class).size() >= 2, T);
            }
            c.close();
        }
        List<AuditEvent> events = sink.events();
        assertNoMarker(events);
        // the paths were really taken, and their details are the fixed texts
        HopConnected failed = sink.events(HopConnected.class).get(0);
        assertEquals(Outcome.FAILURE, failed.outcome());
        assertEquals(new Reason(ReasonCode.CONNECT_FAILED, "hop unreachable"), failed.reason());
        ForwardOpened refused = sink.events(ForwardOpened.class).stream()
                .filter(o -> o.outcome() != Outcome.SUCCESS).findFirst().orElseThrow();
        assertEquals(new Reason(ReasonCode.TARGET_UNREACHABLE, "target unreachable"), refused.reason());
        HopDisconnected gone = sink.events(HopDisconnected.class).get(0);
        assertEquals(new Reason(ReasonCode.NETWORK_ERROR, "I/O error"), gone.reason());
        assertTrue(sink.events(ForwardClosed.class).stream().anyMatch(fc -> fc.reason() != null
                && fc.reason().equals(new Reason(ReasonCode.NETWORK_ERROR, "I/O error"))), events.toString());
        AuditDegraded degraded = sink.events(AuditDegraded.class).get(0);
        assertEquals(new Reason(ReasonCode.SINK_FAILURE, "I/O error"), degraded.reason());
    }

    @Test
    void describeChoosesFixedTextByTypeAndNeverCopiesTheMessage() {
        assertEquals("timed out", Reason.describe(new TunnelTimeoutException("h", MESSAGE, null)));
        assertEquals("timed out", Reason.describe(new CompletionException(new TimeoutException(MESSAGE))));
        assertEquals("timed out", Reason.describe(new java.net.SocketTimeoutException(MESSAGE)));
        assertEquals("host key rejected", Reason.describe(new HopHostKeyException("h", MESSAGE, null,
                "SHA256:x", "ssh-ed25519", HopHostKeyException.Verdict.values()[0])));
        assertEquals("handshake failed", Reason.describe(new HopHandshakeException("h", MESSAGE, null)));
        assertEquals("authentication failed", Reason.describe(new HopAuthenticationException("h", MESSAGE, null)));
        assertEquals("hop disconnected", Reason.describe(new HopDisconnectedException("h", MESSAGE, null)));
        assertEquals("host name not resolved", Reason.describe(new UnknownHostException(MESSAGE)));
        assertEquals("connection refused", Reason.describe(new ConnectException(MESSAGE)));
        assertEquals("I/O error", Reason.describe(new IOException(MESSAGE)));
        assertEquals("internal error", Reason.describe(new IllegalStateException(MESSAGE)));
        assertEquals(new Reason(ReasonCode.NETWORK_ERROR, null), Reason.of(ReasonCode.NETWORK_ERROR, (Throwable) null));
    }
}
