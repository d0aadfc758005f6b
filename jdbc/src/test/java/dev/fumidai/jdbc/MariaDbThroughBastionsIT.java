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
 * from the system property {@code fumidai.jdbc.route}) and through {@code forward()}.
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
