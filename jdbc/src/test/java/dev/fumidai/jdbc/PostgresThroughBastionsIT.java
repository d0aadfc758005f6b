// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.jdbc.testing.PostgresServer;
import dev.fumidai.testsupport.EmbeddedBastions;
import dev.fumidai.testsupport.junit.FumidaiExtension;
import dev.fumidai.testsupport.junit.Tunnel;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Queries a real PostgreSQL 15 (Debian {@code postgresql}) through two embedded SSH bastions, the last of which is
 * the only one allowed to open the database: through pgjdbc's {@code socketFactory} with a registered JumpHost, a
 * route alias and the {@code fumidaiRoute} property, through the JUnit extension's injected JDBC URL, and through
 * {@code forward()}.
 */
@Tag("interop")
class PostgresThroughBastionsIT {

    static PostgresServer pg;
    static EmbeddedBastions bastions;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
        bastions = EmbeddedBastions.builder().bastion("pg-bastion-1").bastion("pg-bastion-2", pg.hostPort()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        JumpHosts.closeAll();
        if (bastions != null) {
            bastions.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    static String factoryUrl(String arg) {
        return "jdbc:postgresql://" + pg.hostPort() + "/" + PostgresServer.DATABASE + "?user=" + PostgresServer.USER
                + "&socketFactory=" + FumidaiSocketFactory.class.getName() + "&socketFactoryArg=" + arg;
    }

    /** Runs a query that proves which server answered: it returns the server's own port and a computed value. */
    static void assertQueryWorks(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT inet_server_port(), 6 * 7, current_user")) {
            assertTrue(rs.next());
            assertEquals(pg.port(), rs.getInt(1), "the server behind the tunnel answered");
            assertEquals(42, rs.getInt(2));
            assertEquals(PostgresServer.USER, rs.getString(3));
        }
    }

    @Test
    void pgjdbcSocketFactoryWithARegisteredJumpHost() throws Exception {
        InMemoryAuditSink audit = InMemoryAuditSink.create();
        int opened = bastions.bastion("pg-bastion-2").openedCount();
        try (JumpHost jh = JumpHost.builder().route(bastions.route()).actor("it:pg").auditSink(audit).build()) {
            JumpHosts.register("pg-it", jh);
            try (Connection c = DriverManager.getConnection(factoryUrl("pg-it"))) {
                assertQueryWorks(c);
            } finally {
                JumpHosts.unregister("pg-it");
            }
            ForwardClosed closed = audit.await(ForwardClosed.class, Duration.ofSeconds(10));
            assertEquals(1, audit.events(ForwardOpened.class).size());
            ForwardOpened open = audit.events(ForwardOpened.class).get(0);
            assertEquals(Outcome.SUCCESS, open.outcome());
            assertEquals(pg.port(), open.target().port());
            assertTrue(closed.bytesUp() > 0 && closed.bytesDown() > 0, "bytes counted: " + closed);
            assertTrue(closed.durationMs() >= 0);
        }
        assertEquals(opened + 1, bastions.bastion("pg-bastion-2").openedCount(), "one stream, opened by the last hop");
    }

    @Test
    void pgjdbcSocketFactoryWithAnSshConfigAliasSharesOneJumpHost() throws Exception {
        System.setProperty(JumpHosts.SSH_CONFIG_PROPERTY, bastions.sshConfig().toString());
        try {
            String alias = bastions.lastName();
            try (Connection a = DriverManager.getConnection(factoryUrl(alias));
                    Connection b = DriverManager.getConnection(factoryUrl(alias))) {
                assertQueryWorks(a);
                assertQueryWorks(b);
            }
            // One JumpHost for the alias: both connections used the same hop sessions.
            assertEquals(JumpHosts.resolve(alias), JumpHosts.resolve(alias));
        } finally {
            JumpHosts.closeAll();
            System.clearProperty(JumpHosts.SSH_CONFIG_PROPERTY);
        }
    }

    @Test
    void pgjdbcReadsTheRouteFromTheFumidaiRouteProperty() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(bastions.route()).actor("it:pg").build()) {
            JumpHosts.register("pg-prop", jh);
            Properties p = new Properties();
            p.setProperty("user", PostgresServer.USER);
            p.setProperty("socketFactory", FumidaiSocketFactory.class.getName());
            p.setProperty(FumidaiSocketFactory.ROUTE_PROPERTY, "pg-prop");
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + pg.hostPort() + "/postgres", p)) {
                assertQueryWorks(c);
            } finally {
                JumpHosts.unregister("pg-prop");
            }
        }
    }

    @Test
    void anUnknownNameFailsTheConnectionListingTheRegisteredOnes() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(bastions.route()).actor("it:pg").build()) {
            JumpHosts.register("pg-known", jh);
            try {
                SQLException e = assertThrows(SQLException.class,
                        () -> DriverManager.getConnection(factoryUrl("no-such-route")).close());
                String all = messages(e);
                assertTrue(all.contains("no-such-route") && all.contains("pg-known"), all);
            } finally {
                JumpHosts.unregister("pg-known");
            }
        }
    }

    @Test
    void onlyTheLastBastionMayOpenTheDatabase() throws Exception {
        Route firstOnly = Route.of(bastions.route().hops().get(0));
        try (JumpHost jh = JumpHost.builder().route(firstOnly).actor("it:pg").build()) {
            JumpHosts.register("pg-first-only", jh);
            try {
                SQLException e = assertThrows(SQLException.class,
                        () -> DriverManager.getConnection(factoryUrl("pg-first-only")).close());
                assertTrue(messages(e).contains("pg-bastion-1"), "names the hop that refused: " + messages(e));
            } finally {
                JumpHosts.unregister("pg-first-only");
            }
        }
    }

    @Test
    void forwardGivesALocalPortForTheJdbcUrl() throws Exception {
        InMemoryAuditSink audit = InMemoryAuditSink.create();
        try (JumpHost jh = JumpHost.builder().route(bastions.route()).actor("it:pg").auditSink(audit).build();
                LocalForward fwd = jh.forward(Target.of("127.0.0.1", pg.port()));
                Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + fwd.localPort()
                        + "/postgres?user=" + PostgresServer.USER)) {
            assertQueryWorks(c);
            assertEquals(2, audit.events(HopConnected.class).size(), "two hops");
        }
    }

    static final AtomicReference<String> EXTENSION_RESULT = new AtomicReference<>();

    /** What a user writes: the route and target from system properties, a ready JDBC URL injected. */
    @Tunnel(routeProperty = "fumidai.it.pg.route", targetProperty = "fumidai.it.pg.target")
    static class ExtensionCase {
        @Tunnel(jdbcUrl = "jdbc:postgresql://{host}:{port}/postgres?user=fumidai")
        static String url;

        @Test
        void queries() throws SQLException {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT inet_server_port()")) {
                rs.next();
                EXTENSION_RESULT.set(url + " -> " + rs.getInt(1));
            }
        }
    }

    @Test
    void theJunitExtensionInjectsAJdbcUrlThroughBothBastions() {
        System.setProperty("fumidai.it.pg.route", bastions.lastName());
        System.setProperty("fumidai.it.pg.target", pg.hostPort());
        System.setProperty(FumidaiExtension.SSH_CONFIG_PROPERTY, bastions.sshConfig().toString());
        try {
            EngineExecutionResults r = EngineTestKit.engine("junit-jupiter").selectors(selectClass(ExtensionCase.class))
                    .execute();
            r.allEvents().assertStatistics(s -> s.failed(0));
            r.testEvents().assertStatistics(s -> s.succeeded(1));
            assertTrue(EXTENSION_RESULT.get().endsWith(" -> " + pg.port()), EXTENSION_RESULT.get());
        } finally {
            System.clearProperty("fumidai.it.pg.route");
            System.clearProperty("fumidai.it.pg.target");
            System.clearProperty(FumidaiExtension.SSH_CONFIG_PROPERTY);
        }
    }

    static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append(" <- ");
        }
        return sb.toString();
    }
}
