// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts an SSH server binary (OpenSSH {@code sshd}, Dropbear) as a child process listening on 127.0.0.1,
 * waits until it listens, keeps its log, and kills it on close. A missing binary fails the test.
 */
final class ExternalServer implements AutoCloseable {

    final Path dir;
    final int port;
    final Process process;
    final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

    private ExternalServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void requireExecutable(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new AssertionError(path + " is not installed; the interop profile needs it (apt-get install "
                    + "openssh-server dropbear-bin)");
        }
    }

    static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
    }

    /** Starts a process and waits for a log line containing {@code readyMarker}. */
    static ExternalServer start(Path dir, int port, String readyMarker, List<String> command)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        ExternalServer server = new ExternalServer(dir, port, p);
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    server.log.add(line);
                    if (line.contains(readyMarker)) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                server.log.add("log reader: " + e);
            }
        }, "server-log-" + port);
        reader.setDaemon(true);
        reader.start();
        if (!listening.await(30, TimeUnit.SECONDS)) {
            server.close();
            throw new AssertionError("server did not start: " + String.join("\n", server.log));
        }
        return server;
    }

    String logText() {
        synchronized (log) {
            return String.join("\n", log);
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
