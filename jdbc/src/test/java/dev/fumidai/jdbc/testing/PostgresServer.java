// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a PostgreSQL 15 server from the Debian {@code postgresql} package for one test class: {@code initdb} in a
 * temporary directory, {@code pg_ctl start} listening on 127.0.0.1 at a free port (its Unix socket in that
 * directory, not /var/run), as the {@code postgres} system user when the JVM runs as root (postgres refuses root).
 * Trust authentication for the user {@value #USER}; the database {@value #DATABASE} exists. {@link #close()} stops
 * the server ({@code pg_ctl stop -m fast}) and deletes the directory. A missing package fails, naming it.
 */
public final class PostgresServer implements AutoCloseable {

    /** The database user. */
    public static final String USER = "fumidai";

    /** The database. */
    public static final String DATABASE = "postgres";

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String OS_USER = "postgres";

    private final Path dir;
    private final int port;
    private boolean running;

    private PostgresServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Initializes and starts a server; waits until it accepts connections. */
    public static PostgresServer start() throws IOException, InterruptedException {
        Path initdb = ServerProcess.require(BIN.resolve("initdb"), "postgresql");
        Path pgCtl = ServerProcess.require(BIN.resolve("pg_ctl"), "postgresql");
        Path dir = ServerProcess.directoryFor(OS_USER, "fumidai-pg");
        PostgresServer s = new PostgresServer(dir, ServerProcess.freePort());
        try {
            Path data = dir.resolve("data");
            ServerProcess.run(ServerProcess.as(OS_USER, initdb.toString(), "-D", data.toString(), "-U", USER,
                    "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"));
            // -w waits until the server accepts connections; fsync off: a throwaway test database.
            ServerProcess.run(ServerProcess.as(OS_USER, pgCtl.toString(), "-D", data.toString(), "-l",
                    dir.resolve("log").toString(), "-w", "-t", "60", "-o",
                    "-h 127.0.0.1 -p " + s.port + " -k " + dir + " -c fsync=off -c max_connections=60", "start"));
            s.running = true;
            return s;
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /** Returns the port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Returns {@code 127.0.0.1:port}. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Returns the server log so far, for failure messages. */
    public String log() throws IOException {
        Path log = dir.resolve("log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() throws IOException {
        try {
            if (running) {
                running = false;
                ServerProcess.run(ServerProcess.as(OS_USER, BIN.resolve("pg_ctl").toString(), "-D",
                        dir.resolve("data").toString(), "-m", "fast", "-w", "-t", "60", "stop"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ServerProcess.deleteTree(dir);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL on " + hostPort() + " " + List.of(dir);
    }
}
