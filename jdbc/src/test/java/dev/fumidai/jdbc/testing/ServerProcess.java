// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the database servers the tests start: run as an unprivileged user, free ports, cleanup. */
final class ServerProcess {

    private ServerProcess() {
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Fails (never skips) unless the program is installed, naming the Debian package that provides it: the interop
     * tests need it and {@code .ci/run} installs it.
     */
    static Path require(Path program, String debianPackage) {
        if (!Files.isExecutable(program)) {
            throw new AssertionError(program + " is not installed; the interop tests need the Debian package "
                    + debianPackage + " (apt-get install -y " + debianPackage + ")");
        }
        return program;
    }

    /** Returns a port nobody listens on right now (the server binds it a moment later). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Prefixes a command with {@code runuser -u user --} when this JVM runs as root (the servers refuse root). */
    static List<String> as(String user, String... command) {
        List<String> c = new ArrayList<>();
        if (isRoot()) {
            c.addAll(List.of(require(Path.of("/usr/sbin/runuser"), "util-linux").toString(), "-u", user, "--"));
        }
        c.addAll(List.of(command));
        return c;
    }

    /** Makes a fresh directory the user can write, under a world-traversable temp directory. */
    static Path directoryFor(String user, String prefix) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(prefix);
        if (isRoot()) {
            run(List.of("chown", user + ":", dir.toString()));
            run(List.of("chmod", "700", dir.toString()));
        }
        return dir;
    }

    /** Runs a short command to its end; a non-zero exit fails with its output. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish: " + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** Ends a process and its children, politely first. */
    static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle c : children) {
            c.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
