// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system's OpenSSH {@code sshd} (Debian {@code openssh-server}) listening on 127.0.0.1 for one test: an
 * Ed25519 host key and a client key made by {@code ssh-keygen}, public-key authentication of that key only,
 * {@code PermitOpen} limited to the given targets, extra configuration lines first (sshd keeps a keyword's first
 * value), and the debug log ({@code -D -e}) kept in memory. sshd runs as root (privilege separation), as in CI.
 */
public final class SystemSshd implements AutoCloseable {

    /** The log line sshd writes for each key exchange it completes (LogLevel DEBUG1). */
    public static final String NEWKEYS = "SSH2_MSG_NEWKEYS received";

    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");

    private final Path dir;
    private final int port;
    private final Process process;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private SystemSshd(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts sshd in a new temporary directory and waits until it listens. */
    public static SystemSshd start(List<String> extraConfig, List<String> permitOpen) throws Exception {
        ServerProcess.require(SSHD, "openssh-server");
        ServerProcess.require(SSH_KEYGEN, "openssh-client");
        if (!ServerProcess.isRoot()) {
            throw new AssertionError("sshd as a daemon needs root (as in CI) for privilege separation");
        }
        Files.createDirectories(Path.of("/run/sshd"));
        Path dir = Files.createTempDirectory("fumidai-sshd");
        int port = ServerProcess.freePort();
        for (String key : List.of("host_ed25519", "id_ed25519")) {
            ServerProcess.run(List.of(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-C", key, "-f",
                    dir.resolve(key).toString()));
        }
        Files.copy(dir.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
        List<String> config = new ArrayList<>(List.of("ListenAddress 127.0.0.1", "Port " + port,
                "HostKey " + dir.resolve("host_ed25519")));
        config.addAll(extraConfig);
        config.addAll(List.of("UsePAM no", "AuthenticationMethods publickey", "PermitRootLogin prohibit-password",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "AllowTcpForwarding local",
                "PermitOpen " + String.join(" ", permitOpen), "PidFile none", "StrictModes no", "LogLevel DEBUG1"));
        Path cfg = Files.writeString(dir.resolve("sshd_config"), String.join("\n", config) + "\n");
        ServerProcess.run(List.of(SSHD.toString(), "-t", "-f", cfg.toString()));
        Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", cfg.toString()).redirectErrorStream(true)
                .start();
        SystemSshd d = new SystemSshd(dir, port, p);
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    d.log.add(line);
                    if (line.contains("Server listening")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                d.log.add("log reader: " + e);
            }
        }, "sshd-log");
        reader.setDaemon(true);
        reader.start();
        if (!listening.await(30, TimeUnit.SECONDS)) {
            d.close();
            throw new AssertionError("sshd did not start: " + d.logText());
        }
        return d;
    }

    /** Returns the port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Returns the client's private key (OpenSSH format), authorized for every user. */
    public Path clientKey() {
        return dir.resolve("id_ed25519");
    }

    /** Returns a known_hosts line for {@code [hopName]:port} and {@code [127.0.0.1]:port}. */
    public String knownHostsLine(String hopName) throws IOException {
        String[] pub = Files.readString(dir.resolve("host_ed25519.pub")).trim().split(" ");
        return "[" + hopName + "]:" + port + ",[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1];
    }

    /** Counts log lines containing {@code marker}. */
    public long countLog(String marker) {
        synchronized (log) {
            return log.stream().filter(l -> l.contains(marker)).count();
        }
    }

    /** Returns the end of the log, for failure messages. */
    public String logTail() {
        String t = logText();
        return t.length() > 6000 ? t.substring(t.length() - 6000) : t;
    }

    private String logText() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    /** Stops sshd and deletes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            ServerProcess.stop(process);
        } finally {
            ServerProcess.deleteTree(dir);
        }
    }
}
