// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.jdbc.JumpHosts;
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
 * Queries a real MariaDB server (Debian {@code mariadb-server}) with MySQL Connector/J through two embedded SSH
 * bastions, the last the only one allowed to open it, via {@link FumidaiMysqlSocketFactory}.
 */
@Tag("interop")
class MysqlConnectorThroughBastionsIT {

    static MariaDbServer db;
    static EmbeddedBastions bastions;

    @BeforeAll
    static void start() throws Exception {
        db = MariaDbServer.start();
        bastions = EmbeddedBastions.builder().bastion("mysql-bastion-1").bastion("mysql-bastion-2", db.hostPort())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        JumpHosts.closeAll();
        if (bastions != null) {
            bastions.close();
        }
        if (db != null) {
            db.close();
        }
    }

    static String url(String route) {
        return "jdbc:mysql://" + db.hostPort() + "/app?sslMode=DISABLED&allowPublicKeyRetrieval=true&socketFactory="
                + FumidaiMysqlSocketFactory.class.getName() + "&fumidaiRoute=" + route;
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
    void mysqlConnectorQueriesThroughARegisteredJumpHost() throws Exception {
        InMemoryAuditSink audit = InMemoryAuditSink.create();
        int opened = bastions.bastion("mysql-bastion-2").openedCount();
        try (JumpHost jh = JumpHost.builder().route(bastions.route()).actor("it:mysql").auditSink(audit).build()) {
            JumpHosts.register("mysql-it", jh);
            try (Connection c = DriverManager.getConnection(url("mysql-it"), MariaDbServer.USER,
                    MariaDbServer.PASSWORD)) {
                assertQueryWorks(c);
            } finally {
                JumpHosts.unregister("mysql-it");
            }
            ForwardClosed closed = audit.await(ForwardClosed.class, Duration.ofSeconds(10));
            assertEquals(1, audit.events(ForwardOpened.class).size());
            assertTrue(closed.bytesUp() > 0 && closed.bytesDown() > 0, closed.toString());
        }
        assertEquals(opened + 1, bastions.bastion("mysql-bastion-2").openedCount());
    }

    @Test
    void mysqlConnectorQueriesThroughAnSshConfigAlias() throws Exception {
        System.setProperty(JumpHosts.SSH_CONFIG_PROPERTY, bastions.sshConfig().toString());
        try (Connection c = DriverManager.getConnection(url(bastions.lastName()), MariaDbServer.USER,
                MariaDbServer.PASSWORD)) {
            assertQueryWorks(c);
        } finally {
            JumpHosts.closeAll();
            System.clearProperty(JumpHosts.SSH_CONFIG_PROPERTY);
        }
    }

    @Test
    void anUnknownNameFailsListingTheRegisteredOnes() throws Exception {
        try (JumpHost jh = JumpHost.builder().route(bastions.route()).actor("it:mysql").build()) {
            JumpHosts.register("mysql-known", jh);
            try {
                SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                        url("no-such-route"), MariaDbServer.USER, MariaDbServer.PASSWORD).close());
                StringBuilder all = new StringBuilder();
                for (Throwable t = e; t != null; t = t.getCause()) {
                    all.append(t).append(" <- ");
                }
                assertTrue(all.toString().contains("mysql-known") && all.toString().contains("no-such-route"),
                        all.toString());
            } finally {
                JumpHosts.unregister("mysql-known");
            }
        }
    }
}
