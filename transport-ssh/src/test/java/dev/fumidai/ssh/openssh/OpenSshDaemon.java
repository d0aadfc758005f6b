// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system's OpenSSH {@code sshd} as a listening daemon on 127.0.0.1 for one test: its own directory
 * with an Ed25519 host key made by {@code ssh-keygen}, an {@code sshd_config} written from the given lines, and
 * the log ({@code -D -e}) kept in memory. {@link #close()} stops it. A missing binary fails the test, never skips.
 *
 * <p>sshd must be started by absolute path and needs its privilege-separation directory {@code /run/sshd}; the
 * tests run as root (here and in CI), so the directory is created when missing, as Debian's service unit does.
 */
final class OpenSshDaemon implements AutoCloseable {

    static final String SSHD = "/usr/sbin/sshd";
    static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";

    final String name;
    final Path dir;
    final int port;
    final Path hostKey;
    private final Process process;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private OpenSshDaemon(String name, Path dir, int port, Path hostKey, Process process) {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.hostKey = hostKey;
        this.process = process;
    }

    /** Returns a port nobody listens on right now (the daemon binds it a moment later). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Fails the test unless {@code path} is an executable: the interop profile needs these programs. */
    static void requireExecutable(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new AssertionError(path + " is not installed; the interop profile needs it (apt-get install "
                    + "openssh-server openssh-client)");
        }
    }

    /** Fails the test unless it runs as root, saying why. */
    static void requireRoot(String why) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("this test must run as root (as it does in CI): " + why);
        }
    }

    /** Runs a short command and returns its output; a non-zero exit fails the test. */
    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** Makes an unencrypted Ed25519 key pair {@code file}, {@code file.pub} with ssh-keygen. */
    static Path keygen(Path file) throws IOException, InterruptedException {
        requireExecutable(SSH_KEYGEN);
        run(file.getParent(), SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", file.getFileName().toString(),
                "-f", file.toString());
        return file;
    }

    /**
     * Starts sshd in a new directory under {@code parent} on {@code port} with the given extra configuration
     * lines, and waits until it listens.
     */
    static OpenSshDaemon start(String name, Path parent, int port, List<String> extraConfig) throws Exception {
        requireExecutable(SSHD);
        requireRoot("sshd needs root to run as a daemon with privilege separation");
        Files.createDirectories(Path.of("/run/sshd"));
        Path dir = Files.createDirectories(parent.resolve(name));
        Path hostKey = keygen(dir.resolve("ssh_host_ed25519_key"));
        // sshd keeps the first value of a keyword: the extra lines come before the defaults they may override.
        List<String> config = new ArrayList<>(List.of("ListenAddress 127.0.0.1", "Port " + port,
                "HostKey " + hostKey));
        config.addAll(extraConfig);
        config.addAll(List.of("PidFile none", "StrictModes no", "LogLevel DEBUG1"));
        Path cfg = dir.resolve("sshd_config");
        Files.writeString(cfg, String.join("\n", config) + "\n");
        run(dir, SSHD, "-t", "-f", cfg.toString());
        return launch(name, dir, port, hostKey, cfg);
    }

    /**
     * Kills this daemon and every connection it serves (its per-connection children too, which a plain stop
     * leaves running), then starts sshd again with the same configuration and host key on the same port.
     */
    OpenSshDaemon restart() throws Exception {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return launch(name, dir, port, hostKey, dir.resolve("sshd_config"));
    }

    private static OpenSshDaemon launch(String name, Path dir, int port, Path hostKey, Path cfg) throws Exception {
        Process p = new ProcessBuilder(SSHD, "-D", "-e", "-f", cfg.toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        OpenSshDaemon daemon = new OpenSshDaemon(name, dir, port, hostKey, p);
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    daemon.log.add(line);
                    if (line.contains("Server listening")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                daemon.log.add("log reader: " + e);
            }
        }, "sshd-log-" + name);
        reader.setDaemon(true);
        reader.start();
        if (!listening.await(30, TimeUnit.SECONDS)) {
            daemon.close();
            throw new AssertionError("sshd " + name + " did not start: " + daemon.logText());
        }
        return daemon;
    }

    /** Returns the known_hosts line for this daemon under {@code hostName} and its port. */
    String knownHostsLine(String hostName) throws IOException {
        String[] pub = Files.readString(dir.resolve("ssh_host_ed25519_key.pub")).trim().split(" ");
        return "[" + hostName + "]:" + port + " " + pub[0] + " " + pub[1];
    }

    /** Returns the log so far. */
    String logText() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    /** Returns the last part of the log, for failure messages. */
    String logTail() {
        String text = logText();
        return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
    }

    /** Counts log lines containing {@code marker}. */
    long countLog(String marker) {
        synchronized (log) {
            return log.stream().filter(l -> l.contains(marker)).count();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
