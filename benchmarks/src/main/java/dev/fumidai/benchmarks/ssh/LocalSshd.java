// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the system's OpenSSH {@code sshd} on 127.0.0.1 for the end-to-end benchmark, from a temporary directory
 * holding its own configuration, an Ed25519 host key, an Ed25519 user key and the authorized_keys file
 * listing it, plus an {@code ssh} client configuration and known_hosts for the OpenSSH side of the
 * comparison. {@link #close()} stops the server (and any session processes it forked) and deletes the
 * directory.
 *
 * <p>When run as root without {@code /run/sshd} (sshd's privilege-separation directory, absent in minimal
 * containers), sshd runs under {@code unshare -m} with a private tmpfs on {@code /run}, as the interop tests do.
 */
final class LocalSshd implements AutoCloseable {

    static final String SSHD = "/usr/sbin/sshd";
    /** The known_hosts name of this server for clients that reach it through another port (a latency proxy). */
    static final String HOST_KEY_ALIAS = "fumidai-bench-sshd";

    final Path dir;
    final int port;
    final Path userKey;
    final Path knownHosts;
    final String hostKeyFingerprint;
    final String user;
    private final Process process;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private LocalSshd(Path dir, int port, Path userKey, Path knownHosts, String fingerprint, String user,
            Process process) {
        this.dir = dir;
        this.port = port;
        this.userKey = userKey;
        this.knownHosts = knownHosts;
        this.hostKeyFingerprint = fingerprint;
        this.user = user;
        this.process = process;
    }

    /** Generates the keys and configuration in a new temporary directory and starts sshd on a free port. */
    static LocalSshd start() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(SSHD))) {
            throw new IllegalStateException(SSHD + " is missing: apt-get install openssh-server openssh-client");
        }
        Path dir = Files.createTempDirectory("fumidai-bench-sshd");
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        Path userKey = dir.resolve("id_ed25519");
        run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", userKey.toString());
        Path authorized = dir.resolve("authorized_keys");
        Files.copy(dir.resolve("id_ed25519.pub"), authorized);
        String user = System.getProperty("user.name");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n", List.of(
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "AuthorizedKeysFile " + authorized,
                "AuthenticationMethods publickey",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "PidFile none",
                "LogLevel ERROR",
                "AllowTcpForwarding yes",
                "MaxStartups 200",
                "UseDNS no")) + "\n");
        String hostPub = Files.readString(dir.resolve("ssh_host_ed25519_key.pub")).trim();
        Path knownHosts = dir.resolve("known_hosts");
        String[] parts = hostPub.split(" ");
        // The server under its address and under the alias that clientConfig(cipher, firstHopPort) uses, so that
        // a client reaching it through a latency proxy's port checks the same key.
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n"
                + HOST_KEY_ALIAS + " " + parts[0] + " " + parts[1] + "\n");
        String fingerprint = output(dir, "ssh-keygen", "-l", "-E", "sha256", "-f",
                dir.resolve("ssh_host_ed25519_key.pub").toString()).split(" ")[1];
        run(dir, sshdCommand(SSHD + " -t -f " + config).toArray(String[]::new));
        Process p = new ProcessBuilder(sshdCommand(SSHD + " -D -e -f " + config + " -p " + port))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        LocalSshd sshd = new LocalSshd(dir, port, userKey, knownHosts, fingerprint, user, p);
        sshd.awaitListening();
        return sshd;
    }

    /**
     * Writes an {@code ssh} client configuration that uses only this directory's key and known_hosts, with
     * the given cipher, for the main connection and any {@code -J} jump alike; {@code hop1} and {@code hop2}
     * both name this server.
     */
    Path clientConfig(String cipher) throws IOException {
        Path config = dir.resolve("ssh_config_" + cipher.replaceAll("[^a-z0-9]", "_"));
        // Two names for the one server: OpenSSH refuses "-J 127.0.0.1 ... 127.0.0.1" as a jump host loop.
        Files.writeString(config, String.join("\n", List.of(
                "Host hop1 hop2",
                "  HostName 127.0.0.1",
                "  Port " + port,
                "Host *",
                "  User " + user,
                "  IdentityFile " + userKey,
                "  IdentitiesOnly yes",
                "  IdentityAgent none",
                "  UserKnownHostsFile " + knownHosts,
                "  GlobalKnownHostsFile /dev/null",
                "  StrictHostKeyChecking yes",
                "  UpdateHostKeys no",
                "  BatchMode yes",
                "  Ciphers " + cipher,
                "  Compression no",
                "  ExitOnForwardFailure yes",
                "  ControlMaster no",
                "  ControlPath none",
                "  LogLevel ERROR")) + "\n");
        return config;
    }

    /**
     * Writes an {@code ssh} client configuration like {@link #clientConfig(String)} except that {@code hop1} is
     * {@code 127.0.0.1:firstHopPort} (a latency proxy in front of this server) while {@code hop2} stays this
     * server's own port, reached from hop1; both check the host key under {@link #HOST_KEY_ALIAS}.
     */
    Path clientConfig(String cipher, int firstHopPort) throws IOException {
        Path base = clientConfig(cipher);
        Path config = dir.resolve(base.getFileName() + "_via_" + firstHopPort);
        Files.writeString(config, String.join("\n", List.of(
                "Host hop1",
                "  HostName 127.0.0.1",
                "  Port " + firstHopPort,
                "  HostKeyAlias " + HOST_KEY_ALIAS,
                "Host hop2",
                "  HostName 127.0.0.1",
                "  Port " + port,
                "  HostKeyAlias " + HOST_KEY_ALIAS)) + "\n"
                + Files.readString(base).substring(Files.readString(base).indexOf("Host *")));
        return config;
    }

    /** Returns the server's log lines (stderr, LogLevel ERROR) so far. */
    String log() {
        return String.join("\n", log);
    }

    private void awaitListening() throws IOException, InterruptedException {
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.add(line);
                }
            } catch (IOException e) {
                log.add("log reader: " + e);
            }
        }, "sshd-log");
        reader.setDaemon(true);
        reader.start();
        // LogLevel ERROR prints nothing when it listens: poll the port instead.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                close();
                throw new IllegalStateException("sshd exited: " + log());
            }
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        close();
        throw new IllegalStateException("sshd did not listen within 30 s: " + log());
    }

    /**
     * Returns the user + system CPU time of the server's session processes alive now (every process it forked: with
     * privilege separation, a monitor and a child per connection), in nanoseconds; the listener's own time is left
     * out. Read before and after a transfer, it is what the server spent on the connections open throughout.
     */
    long sessionCpuNanos() {
        return SshForwardBenchmark.cpuNanosOf(process.descendants().map(ProcessHandle::pid));
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temporary directory is harmless.
        }
    }

    static List<String> sshdCommand(String command) {
        if (!Files.isDirectory(Path.of("/run/sshd")) && "root".equals(System.getProperty("user.name"))) {
            return List.of("unshare", "-m", "sh", "-c",
                    "mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec " + command);
        }
        return List.of(command.split(" "));
    }

    static void run(Path dir, String... command) throws IOException, InterruptedException {
        output(dir, command);
    }

    static String output(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
