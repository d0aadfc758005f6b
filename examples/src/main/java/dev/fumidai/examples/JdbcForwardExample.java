// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopHostKeyException;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Target;
import dev.fumidai.TunnelException;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.examples.cli.ExitCode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import org.h2.tools.Server;

/**
 * Queries a private database through two bastions with plain JDBC: {@code JumpHost.forward()} gives a local port,
 * and the JDBC URL points at it, as an application does with {@code jdbc:postgresql://127.0.0.1:<port>/app}.
 *
 * <p>Self-contained: the "private" database is H2 in memory with its TCP server on 127.0.0.1, which only
 * bastion-2 may open; the bastions are embedded ({@link ExampleBastions}). Run it with
 * {@code java -cp examples/target/fumidai-demo.jar dev.fumidai.examples.JdbcForwardExample}.
 */
public final class JdbcForwardExample {

    private JdbcForwardExample() {
    }

    /** Runs the example; exit status 0 when the query came back through the tunnel. */
    public static void main(String[] args) throws Exception {
        // The database: an in-memory H2 kept alive by this seeding connection, served over TCP on loopback only.
        System.setProperty("h2.bindAddress", "127.0.0.1");
        try (Connection seed = DriverManager.getConnection("jdbc:h2:mem:inventory;DB_CLOSE_DELAY=-1", "sa", "");
                Statement st = seed.createStatement()) {
            st.execute("CREATE TABLE parts(name VARCHAR(20) PRIMARY KEY, qty INT)");
            st.execute("INSERT INTO parts VALUES ('bolt', 120), ('nut', 300), ('washer', 75)");
            Server db = Server.createTcpServer("-tcpPort", Integer.toString(freePort()), "-tcpDaemon").start();
            try {
                Target dbTarget = Target.of("127.0.0.1", db.getPort());
                System.out.println("database (H2) on " + dbTarget + ", which only bastion-2 may open");
                try (ExampleBastions bastions = new ExampleBastions(Set.of(dbTarget.toString()));
                        JumpHost jh = JumpHost.builder().route(bastions.route()).actor("example:jdbc")
                                .auditSink(InMemoryAuditSink.create()).build();
                        LocalForward fwd = jh.forward(dbTarget)) {
                    String url = "jdbc:h2:tcp://127.0.0.1:" + fwd.localPort() + "/mem:inventory";
                    System.out.println("forward 127.0.0.1:" + fwd.localPort() + " -> " + dbTarget + " through "
                            + jh.route());
                    System.out.println("JDBC URL " + url);
                    try (Connection c = DriverManager.getConnection(url, "sa", "");
                            Statement q = c.createStatement();
                            ResultSet rs = q.executeQuery("SELECT name, qty FROM parts ORDER BY name")) {
                        while (rs.next()) {
                            System.out.println("  " + rs.getString("name") + " " + rs.getInt("qty"));
                        }
                    }
                    System.out.println("connections relayed: " + fwd.acceptedConnections());
                } catch (HopHostKeyException e) {
                    // The hop's key is unknown, changed or revoked: stop, and show what an operator must check.
                    System.err.println("hop " + e.hopIndex() + " \"" + e.hopName() + "\": host key " + e.verdict() + ", "
                            + e.keyAlgorithm() + " " + e.fingerprint());
                    System.exit(ExitCode.HOST_KEY.status());
                } catch (HopAuthenticationException e) {
                    System.err.println("hop \"" + e.hopName() + "\" refused every credential: " + e.getMessage());
                    System.exit(ExitCode.AUTH.status());
                } catch (TunnelException e) {
                    // Any other tunnel failure names where it happened: no cause chain to walk.
                    System.err.println("tunnel to " + e.target() + " failed at hop " + e.hopIndex() + " \"" + e.hopName()
                            + "\": " + e.getMessage());
                    System.exit(ExitCode.of(e).status());
                }
            } finally {
                db.stop();
            }
        }
    }

    /** Returns a port that was free a moment ago; H2's server takes a fixed port. */
    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
