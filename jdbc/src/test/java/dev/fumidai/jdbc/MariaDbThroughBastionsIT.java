// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Target;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.jdbc.testing.MariaDbServer;
import dev.fumidai.testsupport.EmbeddedBastions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Queries a real MariaDB (Debian {@code mariadb-server}) through two embedded SSH bastions, the last the only one
 * allowed to open it: through MariaDB Connector/J's {@code socketFactory} (which passes no argument: the route comes
 * from the system property {@code fumidai.jdbc.route}), through the JUnit extension's injected JDBC URL, and through
 * {@code forward()}.
 */
@Tag("interop")
class MariaDbThroughBastionsIT {

    static MariaDbServer db;
    static EmbeddedBastions bastions;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.start();
        bastions = EmbeddedBastions.builder().bastion("maria-bastion-1").bastion("maria-bastion-2", db.hostPort())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (bastions != null) {
            bastions.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static void assertQueryWorks(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@port, 6 * 7, DATABASE()")) {
            assertTrue(rs.next());
            assertEquals(db.port(), rs.getInt(1), "the server behind the tunnel answered");
            assertEquals(42, rs.getInt(2));
            assertEquals("app", rs.getString(3));
        }
    }

    @Test
    void mariadbSocketFactoryTakesTheRouteFromTheSystemProperty() throws Exception {
        InMemoryAuditSink audit = InMemoryAuditSink.create();
        int opened = bastions.bastion("maria-bastion-2").openedCount();
        try (JumpHost jh = JumpHost.builder().route(bastions.route()).actor("it:mariadb").auditSink(audit).build()) {
            JumpHosts.register("maria-it", jh);
            System.setProperty(JumpHosts.DEFAULT_ROUTE_PROPERTY, "maria-it");
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + db.hostPort() + "/app?socketFactory="
                    + FumidaiSocketFactory.class.getName(), MariaDbServer.USER, MariaDbServer.PASSWORD)) {
                assertQueryWorks(c);
            } finally {
                System.clearProperty(JumpHosts.DEFAULT_ROUTE_PROPERTY);
                JumpHosts.unregister("maria-it");
            }
            ForwardClosed closed = audit.await(ForwardClosed.class, Duration.ofSeconds(10));
            assertEquals(1, audit.events(ForwardOpened.class).size());
            assertTrue(closed.bytesUp() > 0 && closed.bytesDown() > 0, closed.toString());
        }
        assertEquals(opened + 1, bastions.bastion("maria-bastion-2").openedCount());
    }

    static final java.util.concurrent.atomic.AtomicReference<String> EXTENSION_RESULT =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** What a user writes: the route and target from system properties, a ready JDBC URL injected. */
    @dev.fumidai.testsupport.junit.Tunnel(routeProperty = "fumidai.it.maria.route",
            targetProperty = "fumidai.it.maria.target")
    static class ExtensionCase {
        @dev.fumidai.testsupport.junit.Tunnel(jdbcUrl = "jdbc:mariadb://{host}:{port}/app")
        static String url;

        @Test
        void queries() throws SQLException {
            try (Connection c = DriverManager.getConnection(url, MariaDbServer.USER, MariaDbServer.PASSWORD);
                    Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@port")) {
                rs.next();
                EXTENSION_RESULT.set(url + " -> " + rs.getInt(1));
            }
        }
    }

    @Test
    void theJunitExtensionInjectsAJdbcUrlThroughBothBastions() {
        System.setProperty("fumidai.it.maria.route", bastions.lastName());
        System.setProperty("fumidai.it.maria.target", db.hostPort());
        System.setProperty(dev.fumidai.testsupport.junit.FumidaiExtension.SSH_CONFIG_PROPERTY,
                bastions.sshConfig().toString());
        try {
            org.junit.platform.testkit.engine.EngineExecutionResults r = org.junit.platform.testkit.engine
                    .EngineTestKit.engine("junit-jupiter").selectors(org.junit.platform.engine.discovery
                            .DiscoverySelectors.selectClass(ExtensionCase.class)).execute();
            r.allEvents().assertStatistics(s -> s.failed(0));
            r.testEvents().assertStatistics(s -> s.succeeded(1));
            assertTrue(EXTENSION_RESULT.get().endsWith(" -> " + db.port()), EXTENSION_RESULT.get());
        } finally {
            System.clearProperty("fumidai.it.maria.route");
            System.clearProperty("fumidai.it.maria.target");
            System.clearProperty(dev.fumidai.testsupport.junit.FumidaiExtension.SSH_CONFIG_PROPERTY);
        }
    }

    @Test
    void forwardGivesALocalPortForTheJdbcUrl() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(bastions.route()).actor("it:mariadb").build();
                LocalForward fwd = jh.forward(Target.of("127.0.0.1", db.port()));
                Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + fwd.localPort() + "/app",
                        MariaDbServer.USER, MariaDbServer.PASSWORD)) {
            assertQueryWorks(c);
        }
    }
}
