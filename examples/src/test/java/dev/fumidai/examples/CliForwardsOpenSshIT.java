// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fumidai.examples.cli.FumidaiCli;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code fumidai -D}, {@code -R} and ssh_config forwards end to end against the system OpenSSH {@code sshd}
 * (Debian {@code openssh-server}) as the bastion: curl (Debian {@code curl}) through the SOCKS proxy to an HTTP
 * server behind it, remote forwards with data both ways, and the listeners gone once the command has ended.
 */
@Tag("interop")
class CliForwardsOpenSshIT {

    static Path dir;
    static Process sshd;
    static int sshdPort;
    static final List<String> sshdLog = Collections.synchronizedList(new ArrayList<>());
    static HttpServer http;
    static ServerSocket echo;
    static Path config;
    static Path knownHosts;

    @BeforeAll
    static void start() throws Exception {
        for (String[] p : new String[][] {{"/usr/sbin/sshd", "openssh-server"}, {"/usr/bin/ssh-keygen",
                "openssh-client"}, {"/usr/bin/curl", "curl"}}) {
            assertTrue(Files.isExecutable(Path.of(p[0])), p[0] + " is missing: apt-get install " + p[1]);
        }
        dir = Files.createTempDirectory("fumidai-cli-sshd");
        for (String key : List.of("host_ed25519", "id_ed25519")) {
            run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", key, "-f", dir.resolve(key).toString());
        }
        Files.copy(dir.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd"));
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sshdPort = s.getLocalPort();
        }
        Path cfg = Files.writeString(dir.resolve("sshd_config"), String.join("\n", "ListenAddress 127.0.0.1",
                "Port " + sshdPort, "HostKey " + dir.resolve("host_ed25519"), "UsePAM no",
                "AuthenticationMethods publickey", "PermitRootLogin prohibit-password", "PasswordAuthentication no",
                "KbdInteractiveAuthentication no", "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "AllowTcpForwarding yes", "GatewayPorts no", "AllowStreamLocalForwarding yes", "PidFile none",
                "StrictModes no", "LogLevel DEBUG1") + "\n");
        run("/usr/sbin/sshd", "-t", "-f", cfg.toString());
        sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", cfg.toString()).redirectErrorStream(true)
                .start();
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(sshd.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sshdLog.add(line);
                    if (line.contains("Server listening")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                sshdLog.add("log reader: " + e);
            }
        }, "sshd-log");
        reader.setDaemon(true);
        reader.start();
        assertTrue(listening.await(30, TimeUnit.SECONDS), "sshd did not start: " + sshdLog);
        String[] pub = Files.readString(dir.resolve("host_ed25519.pub")).trim().split(" ");
        knownHosts = Files.writeString(dir.resolve("known_hosts"), "bastion " + pub[0] + " "
                + pub[1] + "\n");
        config = writeConfig("config", "");
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hello", ex -> {
            byte[] body = "behind the bastion\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        http.start();
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(CliForwardsOpenSshIT::serveEcho, "it-echo");
        t.setDaemon(true);
        t.start();
    }

    static Path writeConfig(String name, String extra) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", "Host bastion", "  HostName 127.0.0.1",
                "  Port " + sshdPort, "  User root", "  HostKeyAlias bastion",
                "  IdentityFile " + dir.resolve("id_ed25519"), "  IdentitiesOnly yes", extra) + "\n");
    }

    static void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException e) {
                        // The client went away.
                    }
                }, "it-echo-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (http != null) {
            http.stop(0);
        }
        if (echo != null) {
            echo.close();
        }
        if (sshd != null) {
            sshd.destroy();
            if (!sshd.waitFor(10, TimeUnit.SECONDS)) {
                sshd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    /** Is a command running in this JVM until {@code stop} completes. */
    record Running(CompletableFuture<Integer> exit, CompletableFuture<Void> stop,
            CompletableFuture<FumidaiCli.Listening> ready, ByteArrayOutputStream err) {

        String errText() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    static Running start(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<FumidaiCli.Listening> ready = new CompletableFuture<>();
        FumidaiCli cli = new FumidaiCli(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            int status = cli.runListening(args, stop, ready::complete);
            ready.completeExceptionally(new AssertionError("exited " + status + " before listening: "
                    + err.toString(StandardCharsets.UTF_8)));
            return status;
        });
        return new Running(exit, stop, ready, err);
    }

    static String curl(int socksPort, String url) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/curl", "-sS", "--max-time", "30", "--socks5-hostname",
                "127.0.0.1:" + socksPort, url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl finished");
        assertEquals(0, p.exitValue(), "curl: " + out);
        return out;
    }

    /** Sends 1 MiB of seeded random bytes through host:port and checks the echo by digest. */
    static void roundTrip(int port) throws Exception {
        long seed = System.nanoTime();
        byte[] data = new byte[1 << 20];
        new Random(seed).nextBytes(data);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.getInputStream().readNBytes(data.length);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            s.getOutputStream().write(data);
            s.getOutputStream().flush();
            byte[] got = back.get(60, TimeUnit.SECONDS);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data),
                    MessageDigest.getInstance("SHA-256").digest(got), "echo through port " + port + ", seed " + seed);
        }
    }

    static String[] base(Path cfg, String... more) {
        List<String> a = new ArrayList<>(List.of("-F", cfg.toString(), "--known-hosts", knownHosts.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void dynamicForwardCarriesCurlToAServerBehindTheBastion() throws Exception {
        Running r = start(base(config, "-N", "-D", "0", "bastion"));
        FumidaiCli.Listening l = r.ready().get(60, TimeUnit.SECONDS);
        assertEquals(1, l.dynamic().size(), r.errText());
        int socks = l.dynamic().get(0).localPort();
        assertTrue(r.errText().contains("fumidai: SOCKS proxy on 127.0.0.1:" + socks), r.errText());
        // "localhost" is resolved by the bastion, not here.
        assertEquals("behind the bastion\n", curl(socks, "http://localhost:" + http.getAddress().getPort() + "/hello"));
        r.stop().complete(null);
        assertEquals(0, r.exit().get(30, TimeUnit.SECONDS));
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), socks).close());
    }

    @Test
    void remoteForwardsCarryDataBothWaysAndAreGoneAfterSigterm() throws Exception {
        int fixed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fixed = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "fumidai-demo-cli.jar").toString()));
        cmd.addAll(List.of(base(config, "-R", "0:127.0.0.1:" + echo.getLocalPort(), "-R",
                fixed + ":127.0.0.1:" + echo.getLocalPort(), "bastion")));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        List<Integer> ports = new ArrayList<>();
        StringBuilder seen = new StringBuilder();
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        CountDownLatch both = new CountDownLatch(2);
        Pattern line = Pattern.compile("fumidai: remote forwarding localhost:(\\d+) -> 127\\.0\\.0\\.1:\\d+");
        Thread reader = new Thread(() -> {
            try (BufferedReader br = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String s;
                while ((s = br.readLine()) != null) {
                    synchronized (seen) {
                        seen.append(s).append('\n');
                    }
                    Matcher m = line.matcher(s);
                    if (m.matches()) {
                        synchronized (ports) {
                            ports.add(Integer.parseInt(m.group(1)));
                        }
                        both.countDown();
                    }
                }
            } catch (IOException e) {
                readerFailure.set(e);
            }
        }, "it-cli-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            assertTrue(both.await(90, TimeUnit.SECONDS), "both remote forwards listening: " + seen);
            int allocated;
            synchronized (ports) {
                allocated = ports.get(0);
                assertEquals(fixed, ports.get(1), seen.toString());
            }
            assertTrue(allocated > 0 && allocated != fixed, "allocated " + allocated);
            roundTrip(allocated);
            roundTrip(fixed);
        } finally {
            p.destroy();
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command ended on SIGTERM");
        assertEquals(143, p.exitValue(), seen.toString());
        // sshd closes the listeners when the session ends; wait (bounded) for both to refuse connections.
        for (int port : List.of(ports.get(0), fixed)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean gone = false;
            while (!gone && System.nanoTime() < deadline) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    Thread.onSpinWait();
                    TimeUnit.MILLISECONDS.sleep(100);
                } catch (ConnectException e) {
                    gone = true;
                }
            }
            assertTrue(gone, "port " + port + " still listens after the command ended; sshd: " + sshdLog);
        }
        assertEquals(null, readerFailure.get());
    }

    @Test
    void aRemoteForwardTheBastionCannotBindExitsTwelve() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Running r = start(base(config, "-R", "127.0.0.1:" + taken.getLocalPort() + ":127.0.0.1:1", "bastion"));
            assertEquals(12, r.exit().get(60, TimeUnit.SECONDS), r.errText());
            assertTrue(r.errText().contains("fumidai: -R 127.0.0.1:" + taken.getLocalPort() + ":127.0.0.1:1: "),
                    r.errText());
        }
    }

    @Test
    void sshConfigLocalAndDynamicForwardsApplyAsIfGivenOnTheCommandLine() throws Exception {
        Path withForwards = writeConfig("config-forwards", String.join("\n",
                "  LocalForward 127.0.0.1:0 127.0.0.1:" + echo.getLocalPort(),
                "  DynamicForward 0"));
        // The destination alone: its ssh_config lines are all there is to do. -o adds a RemoteForward line.
        Running r = start(base(withForwards, "-o", "RemoteForward 0 127.0.0.1:" + echo.getLocalPort(), "bastion"));
        FumidaiCli.Listening l = r.ready().get(60, TimeUnit.SECONDS);
        assertEquals(1, l.local().size(), r.errText());
        assertEquals(1, l.dynamic().size(), r.errText());
        assertEquals(1, l.remote().size(), r.errText());
        roundTrip(l.local().get(0).localPort());
        roundTrip(l.remote().get(0).remotePort());
        assertEquals("behind the bastion\n", curl(l.dynamic().get(0).localPort(),
                "http://localhost:" + http.getAddress().getPort() + "/hello"));
        r.stop().complete(null);
        assertEquals(0, r.exit().get(30, TimeUnit.SECONDS));
        assertFalse(l.local().get(0).isOpen());
        assertFalse(l.remote().get(0).isOpen());
    }

    @Test
    void aDestinationWithoutForwardsIsNothingToDo() throws Exception {
        Running r = start(base(config, "bastion"));
        assertEquals(2, r.exit().get(30, TimeUnit.SECONDS), r.errText());
        assertTrue(r.errText().contains("nothing to do"), r.errText());
    }
}
