// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the packaged {@code fumidai} command through a pseudo-terminal made by {@code script(1)} (util-linux,
 * Debian package bsdutils): the passphrase of an encrypted key is asked on the terminal, typed with echo off,
 * and the tunnel then runs; the same when standard input and output are pipes (as for a {@code ProxyCommand})
 * and the prompt goes to {@code /dev/tty}; and {@code -o BatchMode=yes} exits 7 without prompting.
 */
@Tag("interop")
class CliTerminalPromptIT {

    static final String PASSPHRASE = "tty passphrase 42";

    @TempDir
    static Path work;

    static ServerSocket service;
    static final List<Socket> serviceConnections = new CopyOnWriteArrayList<>();
    static EmbeddedBastion bastion;
    static Path key;
    static Path config;

    @BeforeAll
    static void start() throws Exception {
        service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!service.isClosed()) {
                try {
                    Socket s = service.accept();
                    serviceConnections.add(s);
                    Thread c = new Thread(() -> upperCase(s), "it-service-conn");
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "it-service");
        t.setDaemon(true);
        t.start();
        KeyPair user = KeyPairGenerator.getInstance("EC").generateKeyPair();
        key = CliPromptsIT.encryptedPkcs8(work, user, PASSPHRASE.toCharArray(), "id_tty");
        bastion = new EmbeddedBastion("bastion-t", user.getPublic(), Set.of(svc()));
        Path knownHosts = Files.write(work.resolve("known_hosts"),
                List.of(bastion.knownHostsLine(), bastion.aliasKnownHostsLine()));
        config = Files.writeString(work.resolve("ssh_config"), String.join("\n",
                "Host bastion-t",
                "  HostName 127.0.0.1",
                "  Port " + bastion.port(),
                "  User ops",
                "  HostKeyAlias bastion-t",
                "  UserKnownHostsFile " + knownHosts,
                "  GlobalKnownHostsFile none",
                "  IdentityAgent none",
                "  IdentitiesOnly yes",
                "  PreferredAuthentications publickey",
                "  IdentityFile " + key,
                ""));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (bastion != null) {
                bastion.close();
            }
        } finally {
            service.close();
            for (Socket s : serviceConnections) {
                s.close();
            }
        }
    }

    static void upperCase(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line.toUpperCase(Locale.ROOT));
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    static String svc() {
        return "127.0.0.1:" + service.getLocalPort();
    }

    static String quote(Path p) {
        String s = p.toAbsolutePath().toString();
        assertTrue(s.indexOf('\'') < 0, s);
        return "'" + s + "'";
    }

    static String fumidai(String... extra) {
        return quote(Path.of("bin", "fumidai")) + " -F " + quote(config) + " " + String.join(" ", extra) + " -W "
                + svc() + " bastion-t";
    }

    /** Is {@code script -q -e -c COMMAND /dev/null}: the command on a new pseudo-terminal, its output collected. */
    static final class Pty implements AutoCloseable {
        final Process process;
        final StringBuffer seen = new StringBuffer();
        final OutputStream keyboard;

        Pty(String command) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("script", "-q", "-e", "-c", command, "/dev/null")
                    .redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            // script(1) runs the command with $SHELL -c; the CI's environment may name another shell than ours.
            pb.environment().put("SHELL", "/bin/sh");
            pb.environment().remove("SSH_ASKPASS");
            pb.environment().remove("DISPLAY");
            pb.environment().remove("WAYLAND_DISPLAY");
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new IOException("cannot run script(1); install the Debian package bsdutils (util-linux)", e);
            }
            keyboard = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // Process gone.
                }
            }, "it-pty-reader");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitOutput(String text) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.indexOf(text) < 0) {
                if (System.nanoTime() > end) {
                    fail("no \"" + text + "\" on the terminal in 60 s; it shows: " + seen);
                }
                if (!process.isAlive()) {
                    Thread.sleep(200); // let the reader drain the last output
                    if (seen.indexOf(text) < 0) {
                        fail("exited without \"" + text + "\" on the terminal; it shows: " + seen);
                    }
                    return;
                }
                Thread.sleep(20);
            }
        }

        void type(String text) throws IOException {
            keyboard.write(text.getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
        }

        int awaitExit() throws InterruptedException {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exited in time; terminal shows: " + seen);
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void thePassphraseIsReadFromTheTerminalWithoutEcho() throws Exception {
        try (Pty pty = new Pty(fumidai())) {
            pty.awaitOutput("Enter passphrase for key '" + key + "': ");
            pty.type(PASSPHRASE + "\n");
            pty.type("over the terminal\n");
            pty.awaitOutput("OVER THE TERMINAL");
            pty.type("\u0004"); // end of input at the start of a line: the -W stream ends
            assertEquals(0, pty.awaitExit(), pty.seen.toString());
            assertFalse(pty.seen.toString().contains(PASSPHRASE), "passphrase echoed: " + pty.seen);
        }
    }

    @Test
    void withPipesOnBothEndsThePromptGoesToDevTty() throws Exception {
        Path out = work.resolve("piped.out");
        try (Pty pty = new Pty("printf 'piped\\n' | " + fumidai() + " > " + quote(out))) {
            pty.awaitOutput("Enter passphrase for key '" + key + "': ");
            pty.type(PASSPHRASE + "\n");
            assertEquals(0, pty.awaitExit(), pty.seen.toString());
            assertEquals("PIPED\n", Files.readString(out));
            assertFalse(pty.seen.toString().contains(PASSPHRASE), "passphrase echoed: " + pty.seen);
        }
    }

    @Test
    void ctrlCAtThePromptLeavesTheTerminalEchoing() throws Exception {
        // stty -a runs on the same terminal after fumidai has died of SIGINT, and shows whether echo is back on.
        // The shell gets the SIGINT too: a non-interactive dash dies of it (bash waits to see how the child ended),
        // so the trap keeps it alive until fumidai has exited, as POSIX defers a trap while a foreground command
        // runs. A SIGINT ignored where the build started (a background job) stays ignored down to the JVM, which
        // then never sees Ctrl-C; env(1) gives fumidai the default disposition, as an interactive shell would.
        try (Pty pty = new Pty("trap : INT; stty echo; env --default-signal=INT " + fumidai()
                + "; echo \"status $?\"; stty -a")) {
            pty.awaitOutput("Enter passphrase for key '" + key + "': ");
            pty.type("\u0003"); // Ctrl-C: the terminal sends SIGINT to the foreground job
            pty.awaitOutput("status 130");
            assertEquals(0, pty.awaitExit(), pty.seen.toString());
            String stty = pty.seen.substring(pty.seen.indexOf("status 130"));
            assertTrue(stty.matches("(?s).*[\\s;]echo[\\s;].*"), "echo left off: " + stty);
        }
    }

    @Test
    void batchModeExitsSevenWithoutPrompting() throws Exception {
        try (Pty pty = new Pty(fumidai("-o", "BatchMode=yes"))) {
            assertEquals(7, pty.awaitExit(), pty.seen.toString());
            assertFalse(pty.seen.toString().contains("Enter passphrase"), pty.seen.toString());
            assertTrue(pty.seen.toString().contains("\"bastion-t\""), pty.seen.toString());
        }
    }
}
