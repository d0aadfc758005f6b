// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a MariaDB server from the Debian {@code mariadb-server} package for one test class:
 * {@code mariadb-install-db} into a temporary directory, then {@code mariadbd} listening on 127.0.0.1 at a free
 * port (socket and pid file in that directory), as the {@code mysql} system user when the JVM runs as root. An init
 * file creates the user {@value #USER} (password {@value #PASSWORD}) from anywhere. {@link #close()} stops it and
 * deletes the directory. A missing package fails, naming it.
 */
public final class MariaDbServer implements AutoCloseable {

    /** The database user. */
    public static final String USER = "fumidai";

    /** Its password. */
    public static final String PASSWORD = "fumidai-test";

    private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");
    private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    private static final String OS_USER = "mysql";

    private final Path dir;
    private final int port;
    private Process process;

    private MariaDbServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Installs and starts a server; waits until it is ready for connections. */
    public static MariaDbServer start() throws IOException, InterruptedException {
        ServerProcess.require(INSTALL_DB, "mariadb-server");
        ServerProcess.require(MARIADBD, "mariadb-server");
        Path dir = ServerProcess.directoryFor(OS_USER, "fumidai-mariadb");
        MariaDbServer s = new MariaDbServer(dir, ServerProcess.freePort());
        try {
            Path data = dir.resolve("data");
            ServerProcess.run(ServerProcess.as(OS_USER, INSTALL_DB.toString(), "--no-defaults",
                    "--datadir=" + data, "--auth-root-authentication-method=socket", "--skip-test-db",
                    "--user=" + OS_USER));
            Path init = dir.resolve("init.sql");
            Files.writeString(init, "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD
                    + "';\nGRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%';\nCREATE DATABASE IF NOT EXISTS app;\n");
            if (ServerProcess.isRoot()) {
                ServerProcess.run(java.util.List.of("chown", OS_USER + ":", init.toString()));
            }
            s.process = new ProcessBuilder(ServerProcess.as(OS_USER, MARIADBD.toString(), "--no-defaults",
                    "--datadir=" + data, "--bind-address=127.0.0.1", "--port=" + s.port,
                    "--socket=" + dir.resolve("mysqld.sock"), "--pid-file=" + dir.resolve("mysqld.pid"),
                    "--init-file=" + init, "--skip-name-resolve",
                    "--max-connections=200", "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
            s.awaitReady();
            return s;
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("mariadbd exited " + process.exitValue() + ": " + log());
            }
            // The log says "ready for connections" once the init file ran and the port listens.
            if (log().contains("ready for connections")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("mariadbd did not become ready in 60 s: " + log());
    }

    /** Returns the port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Returns {@code 127.0.0.1:port}. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Returns the server's output (its error log: no --log-error, so it writes to stderr) so far. */
    public String log() throws IOException {
        Path log = dir.resolve("log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() throws IOException {
        try {
            if (process != null) {
                if (!process.waitFor(1, TimeUnit.MILLISECONDS)) {
                    ServerProcess.stop(process);
                }
                process = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ServerProcess.deleteTree(dir);
        }
    }

    @Override
    public String toString() {
        return "MariaDB on " + hostPort();
    }
}
