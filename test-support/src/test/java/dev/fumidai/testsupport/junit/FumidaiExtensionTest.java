// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testsupport.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.TunnelException;
import dev.fumidai.testing.EchoServer;
import dev.fumidai.testsupport.EmbeddedBastions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs small test classes that use {@link Tunnel} through JUnit's own engine (EngineTestKit) against two embedded
 * bastions and an echo server: injection of each field type, closing after the class, and the class failing with
 * the hop named when a route cannot connect.
 */
class FumidaiExtensionTest {

    static final AtomicReference<LocalForward> SEEN_FORWARD = new AtomicReference<>();
    static final AtomicReference<JumpHost> SEEN_JUMP_HOST = new AtomicReference<>();
    static final AtomicReference<String> SEEN_URL = new AtomicReference<>();
    static final AtomicReference<String> SEEN_ECHO = new AtomicReference<>();

    /** Uses the chain through its ssh_config alias, held in a system property, and an echo target. */
    @Tunnel(routeProperty = "fumidai.test.extension.route", targetProperty = "fumidai.test.extension.target")
    static class InjectedCase {
        @Tunnel
        static LocalForward forward;

        @Tunnel
        static JumpHost jumpHost;

        @Tunnel(jdbcUrl = "jdbc:postgresql://{host}:{port}/app")
        String url;

        @BeforeAll
        static void staticFieldsAreSetBeforeBeforeAll() {
            assertNotNull(forward, "static LocalForward injected before @BeforeAll");
        }

        @Test
        void echoesThroughTheForward() throws Exception {
            SEEN_FORWARD.set(forward);
            SEEN_JUMP_HOST.set(jumpHost);
            SEEN_URL.set(url);
            try (Socket s = new Socket("127.0.0.1", forward.localPort())) {
                OutputStream out = s.getOutputStream();
                out.write("ping".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                SEEN_ECHO.set(new String(in.readNBytes(4), StandardCharsets.US_ASCII));
            }
        }
    }

    /** Only an instance field is annotated: JUnit registers the extension late, after the instance exists. */
    static class InstanceFieldOnlyCase {
        @Tunnel(routeProperty = "fumidai.test.extension.route", targetProperty = "fumidai.test.extension.target")
        LocalForward forward;

        @Test
        void echoesThroughTheForward() throws Exception {
            SEEN_FORWARD.set(forward);
            try (Socket s = new Socket("127.0.0.1", forward.localPort())) {
                s.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
                SEEN_ECHO.set(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            }
        }
    }

    /** A route whose first hop listens nowhere. */
    @Tunnel(routeProperty = "fumidai.test.extension.deadRoute", target = "127.0.0.1:5432")
    static class UnreachableCase {
        @Tunnel
        static LocalForward forward;

        @Test
        void neverRuns() {
            throw new AssertionError("a test ran although the route could not connect");
        }
    }

    @BeforeAll
    static void clear() {
        SEEN_FORWARD.set(null);
    }

    @Test
    void injectsAForwardAJumpHostAndAJdbcUrlAndClosesThemAfterTheClass() throws Exception {
        try (EchoServer echo = EchoServer.start(); EmbeddedBastions b = EmbeddedBastions.builder()
                .bastion("ext-1").bastion("ext-2", "127.0.0.1:" + echo.port()).start()) {
            System.setProperty("fumidai.test.extension.route", b.lastName());
            System.setProperty("fumidai.test.extension.target", "127.0.0.1:" + echo.port());
            System.setProperty(FumidaiExtension.SSH_CONFIG_PROPERTY, b.sshConfig().toString());
            try {
                EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").selectors(selectClass(
                        InjectedCase.class)).execute();
                r.allEvents().assertStatistics(s -> s.failed(0));
                r.testEvents().assertStatistics(s -> s.succeeded(1));
            } finally {
                System.clearProperty("fumidai.test.extension.route");
                System.clearProperty("fumidai.test.extension.target");
                System.clearProperty(FumidaiExtension.SSH_CONFIG_PROPERTY);
            }
            assertEquals("ping", SEEN_ECHO.get());
            assertTrue(SEEN_URL.get().matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/app"), SEEN_URL.get());
            assertFalse(SEEN_FORWARD.get().isOpen(), "the forward is closed after the class");
            assertEquals(2, SEEN_JUMP_HOST.get().route().hops().size(), "the alias is the two-bastion chain");
            // The JumpHost is closed too: it opens nothing any more.
            assertTrue(assertThrowsIo(() -> SEEN_JUMP_HOST.get().forward(dev.fumidai.Target.of("127.0.0.1",
                    echo.port()))).getMessage().contains("closed"));
            assertEquals(1, b.bastion("ext-2").openedCount(), "one stream for the one echo exchange");
        }
    }

    @Test
    void anAnnotatedInstanceFieldAloneGetsAForwardClosedAfterTheClass() throws Exception {
        SEEN_FORWARD.set(null);
        try (EchoServer echo = EchoServer.start(); EmbeddedBastions b = EmbeddedBastions.builder()
                .bastion("inst-1").bastion("inst-2", "127.0.0.1:" + echo.port()).start()) {
            System.setProperty("fumidai.test.extension.route", b.lastName());
            System.setProperty("fumidai.test.extension.target", "127.0.0.1:" + echo.port());
            System.setProperty(FumidaiExtension.SSH_CONFIG_PROPERTY, b.sshConfig().toString());
            try {
                EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").selectors(selectClass(
                        InstanceFieldOnlyCase.class)).execute();
                r.allEvents().assertStatistics(s -> s.failed(0));
                r.testEvents().assertStatistics(s -> s.succeeded(1));
            } finally {
                System.clearProperty("fumidai.test.extension.route");
                System.clearProperty("fumidai.test.extension.target");
                System.clearProperty(FumidaiExtension.SSH_CONFIG_PROPERTY);
            }
            assertEquals("pong", SEEN_ECHO.get());
            assertFalse(SEEN_FORWARD.get().isOpen(), "the forward is closed after the class");
        }
    }

    @Test
    void aRouteThatCannotConnectFailsTheClassNamingTheHop() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        System.setProperty("fumidai.test.extension.deadRoute", "ssh://ops@127.0.0.1:" + dead);
        try {
            EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").selectors(selectClass(
                    UnreachableCase.class)).execute();
            r.testEvents().assertStatistics(s -> s.started(0).skipped(0));
            List<Event> failed = r.containerEvents().failed().list();
            assertEquals(1, failed.size(), "the class fails: " + failed);
            Throwable cause = failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                    .orElseThrow().getThrowable().orElseThrow();
            assertTrue(cause instanceof TunnelException, "a TunnelException: " + cause);
            assertTrue(cause.getMessage().contains("127.0.0.1:" + dead), "names the hop: " + cause.getMessage());
        } finally {
            System.clearProperty("fumidai.test.extension.deadRoute");
        }
    }

    private static Exception assertThrowsIo(org.junit.jupiter.api.function.Executable e) {
        return org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, e);
    }
}
