// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopHostKeyException;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Target;
import dev.fumidai.TunnelException;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.examples.cli.ExitCode;
import dev.fumidai.jdbc.FumidaiSocketFactory;
import dev.fumidai.jdbc.JumpHosts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reaches a real PostgreSQL through two bastions the two ways an application does: pgjdbc's {@code socketFactory}
 * naming a registered JumpHost (no local port), and {@code JumpHost.forward()} with a JDBC URL on the local port.
 *
 * <p>The bastions are embedded ({@link ExampleBastions}); bastion-2 alone may open the database. The database is
 * the PostgreSQL given as {@code host:port user} arguments, or, without arguments, a throwaway server this program
 * starts from the Debian {@code postgresql} package ({@code initdb} in a temporary directory, 127.0.0.1, a free
 * port; as the {@code postgres} user when run as root) and stops at the end. Run it with
 * {@code java -cp examples/target/fumidai-demo.jar dev.fumidai.examples.PrivateDatabaseExample}.
 */
public final class PrivateDatabaseExample {

    private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");

    private PrivateDatabaseExample() {
    }

    /** Runs the example; exit status 0 when both ways queried the database. */
    public static void main(String[] args) throws Exception {
        int status;
        if (args.length == 2) {
            status = run(args[0], args[1]);
        } else {
            try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
                status = run("127.0.0.1:" + pg.port, "example");
            } // the database stops before the process exits, whatever the status
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Queries the database both ways; returns the exit status (the {@code fumidai} command's, on a failure). */
    private static int run(String hostPort, String user) throws Exception {
        int colon = hostPort.lastIndexOf(':');
        Target db = Target.of(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        System.out.println("PostgreSQL on " + db + ", which only bastion-2 may open");
        InMemoryAuditSink audit = InMemoryAuditSink.create();
        try (ExampleBastions bastions = new ExampleBastions(Set.of(db.toString()));
                JumpHost jh = JumpHost.builder().route(bastions.route()).actor("example:database").auditSink(audit)
                        .build()) {
            System.out.println("route: " + jh.route());

            // 1. The socket factory: the driver connects to the URL's host:port through the registered JumpHost.
            JumpHosts.register("example-db", jh);
            try {
                String url = "jdbc:postgresql://" + db + "/postgres?user=" + user + "&socketFactory="
                        + FumidaiSocketFactory.class.getName() + "&socketFactoryArg=example-db";
                System.out.println("1. socket factory, JDBC URL " + url);
                try (Connection c = DriverManager.getConnection(url)) {
                    System.out.println("   " + describe(c));
                }
            } finally {
                JumpHosts.unregister("example-db");
            }

            // 2. A local forward: any JDBC URL (or psql) points at 127.0.0.1:<local port>.
            try (LocalForward fwd = jh.forward(db)) {
                String url = "jdbc:postgresql://127.0.0.1:" + fwd.localPort() + "/postgres?user=" + user;
                System.out.println("2. local forward, JDBC URL " + url);
                try (Connection c = DriverManager.getConnection(url)) {
                    System.out.println("   " + describe(c));
                }
            }
            for (int i = 0; i < 2; i++) {
                audit.await(ForwardClosed.class, Duration.ofSeconds(10));
            }
        } catch (HopHostKeyException e) {
            // The hop's key is unknown, changed or revoked: stop, and show what an operator must check.
            System.err.println("hop " + e.hopIndex() + " \"" + e.hopName() + "\": host key " + e.verdict() + ", "
                    + e.keyAlgorithm() + " " + e.fingerprint());
            return ExitCode.HOST_KEY.status();
        } catch (HopAuthenticationException e) {
            System.err.println("hop \"" + e.hopName() + "\" refused every credential: " + e.getMessage());
            return ExitCode.AUTH.status();
        } catch (TunnelException e) {
            // Any other tunnel failure names where it happened: no cause chain to walk.
            System.err.println("tunnel to " + e.target() + " failed at hop " + e.hopIndex() + " \"" + e.hopName()
                    + "\": " + e.getMessage());
            return ExitCode.of(e).status();
        }
        System.out.println("forward.close records:");
        for (ForwardClosed f : audit.events(ForwardClosed.class)) {
            System.out.println("  " + f.source().listener().kind().wireName() + " -> " + f.target().host() + ":"
                    + f.target().port() + " up=" + f.bytesUp() + " down=" + f.bytesDown() + " duration_ms="
                    + f.durationMs());
        }
        return 0;
    }

    private static String describe(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT split_part(version(), ' ', 2), inet_server_port(), 6 * 7")) {
            rs.next();
            return "server PostgreSQL " + rs.getString(1) + " on port " + rs.getInt(2) + " says 6 * 7 = "
                    + rs.getInt(3);
        }
    }

    /** A PostgreSQL server in a temporary directory, for the example only. */
    private static final class ThrowawayPostgres implements AutoCloseable {
        final Path dir;
        final int port;

        private ThrowawayPostgres(Path dir, int port) {
            this.dir = dir;
            this.port = port;
        }

        static ThrowawayPostgres start() throws IOException, InterruptedException {
            if (!Files.isExecutable(PG_BIN.resolve("initdb"))) {
                throw new IllegalStateException(PG_BIN.resolve("initdb") + " is missing: apt-get install postgresql, "
                        + "or pass host:port user of a PostgreSQL server");
            }
            Path dir = Files.createTempDirectory("fumidai-example-pg");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            if (isRoot()) {
                run(List.of("chown", "postgres:", dir.toString()));
            }
            ThrowawayPostgres pg = new ThrowawayPostgres(dir, port);
            run(as(PG_BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "example",
                    "-A", "trust", "--no-sync"));
            run(as(PG_BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                    dir.resolve("log").toString(), "-w", "-o", "-h 127.0.0.1 -p " + port + " -k " + dir, "start"));
            return pg;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            try {
                run(as(PG_BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast",
                        "-w", "stop"));
            } finally {
                run(List.of("rm", "-rf", dir.toString()));
            }
        }

        private static boolean isRoot() {
            return "root".equals(System.getProperty("user.name"));
        }

        private static List<String> as(String... command) {
            List<String> c = new ArrayList<>();
            if (isRoot()) {
                // PostgreSQL refuses to run as root.
                c.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            c.addAll(List.of(command));
            return c;
        }

        private static void run(List<String> command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        }
    }
}
