// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks the built distribution of the {@code fumidai} command ({@code target/fumidai-VERSION.tar.gz}, with
 * {@code tar}) and runs it as a user would: {@code bin/fumidai --version}, a real {@code -W} tunnel through an
 * embedded MINA bastion, the class-data archive step; and checks what it carries: only the libraries the command
 * loads (no H2, no MINA SSHD, no test libraries), the man page and a completion script bash accepts. The
 * {@code .zip} must hold the same files.
 */
class CliDistributionIT {

    @TempDir
    static Path work;

    static Path home;
    static Path tarball;
    static ServerSocket service;
    static final List<Socket> serviceConnections = new CopyOnWriteArrayList<>();
    static EmbeddedBastion bastion;
    static Path key;
    static Path config;

    record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void unpackAndStart() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> archives = files.filter(f -> f.getFileName().toString().matches("fumidai-\\d.*\\.tar\\.gz"))
                    .toList();
            assertEquals(1, archives.size(), "one distribution tarball in target/: " + archives);
            tarball = archives.get(0);
        }
        Result untar = exec(List.of("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", work.toString()), "");
        assertEquals(0, untar.exit(), "tar (Debian package tar) failed: " + untar.err());
        String dir = tarball.getFileName().toString().replace(".tar.gz", "");
        home = work.resolve(dir);
        assertTrue(Files.isDirectory(home), "the tarball unpacks to " + dir + "/");

        service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(CliDistributionIT::serve, "it-service");
        t.setDaemon(true);
        t.start();
        KeyPair user = KeyPairGenerator.getInstance("EC").generateKeyPair();
        key = Files.writeString(work.resolve("id_ecdsa"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(user.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        // Owner-only, as ssh-keygen writes keys: a key file open to others is refused, as OpenSSH refuses it.
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        bastion = new EmbeddedBastion("bastion-d", user.getPublic(), Set.of(svc()));
        Path knownHosts = Files.write(work.resolve("known_hosts"),
                List.of(bastion.knownHostsLine(), bastion.aliasKnownHostsLine()));
        config = Files.writeString(work.resolve("ssh_config"), String.join("\n",
                "Host bastion-d",
                "  HostName 127.0.0.1",
                "  Port " + bastion.port(),
                "  User ops",
                "  HostKeyAlias bastion-d",
                "  UserKnownHostsFile " + knownHosts,
                "  GlobalKnownHostsFile none",
                "  IdentityAgent none",
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
            if (service != null) {
                service.close();
            }
            for (Socket s : serviceConnections) {
                s.close();
            }
        }
    }

    static void serve() {
        while (!service.isClosed()) {
            try {
                Socket s = service.accept();
                serviceConnections.add(s);
                Thread t = new Thread(() -> {
                    try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            out.println(line.toUpperCase(Locale.ROOT));
                        }
                    } catch (IOException e) {
                        // The client went away.
                    }
                }, "it-service-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    static String svc() {
        return "127.0.0.1:" + service.getLocalPort();
    }

    static Result exec(List<String> cmd, String input) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("FUMIDAI_CDS");
        pb.environment().remove("FUMIDAI_JAVA_OPTS");
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished in time: " + cmd);
        return new Result(p.exitValue(), out, new String(err.get(120, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    static Result fumidai(String input, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin").resolve("fumidai").toString());
        cmd.addAll(List.of(args));
        return exec(cmd, input);
    }

    @Test
    void versionRunsFromTheUnpackedDistribution() throws Exception {
        assertTrue(Files.isExecutable(home.resolve("bin/fumidai")), "bin/fumidai is executable");
        Result v = fumidai("", "--version");
        assertEquals(0, v.exit(), v.err());
        String expected = "fumidai " + home.getFileName().toString().substring("fumidai-".length()) + " (Java ";
        assertTrue(v.out().startsWith(expected), v.out());
        Result dashV = fumidai("", "-V");
        assertEquals(v.out(), dashV.out());
    }

    @Test
    void aTunnelRunsFromTheUnpackedDistribution() throws Exception {
        Result r = fumidai("from the distribution\n", "-F", config.toString(), "-N", "-W", svc(), "bastion-d");
        assertEquals(0, r.exit(), r.err());
        assertEquals("FROM THE DISTRIBUTION\n", r.out());
        Result bad = fumidai("", "-F", config.toString(), "-W", svc(), "-x", "bastion-d");
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("unknown flag -x"), bad.err());
    }

    @Test
    void libHoldsOnlyWhatTheCommandLoads() throws Exception {
        Set<String> jars = new TreeSet<>();
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            lib.forEach(f -> jars.add(f.getFileName().toString()));
        }
        assertTrue(jars.contains("fumidai-cli.jar"), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("picocli-")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("fumidai-transport-ssh-")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("slf4j-simple-")), jars.toString());
        for (String j : jars) {
            String n = j.toLowerCase(Locale.ROOT);
            assertFalse(n.startsWith("h2-") || n.startsWith("sshd-") || n.startsWith("junit") || n.startsWith("jqwik")
                    || n.startsWith("opentest4j") || n.startsWith("apiguardian") || n.contains("-tests")
                    || n.startsWith("fumidai-examples") || n.startsWith("awaitility") || n.startsWith("jcl-over-slf4j"),
                    "lib/ carries " + j);
        }
        // The command's jar holds the command only, not the demo and its embedded bastions.
        try (ZipFile cli = new ZipFile(home.resolve("lib/fumidai-cli.jar").toFile())) {
            assertTrue(cli.stream().allMatch(e -> e.getName().startsWith("META-INF")
                    || e.getName().startsWith("dev/fumidai/examples/cli/") || e.getName().equals("dev/")
                    || e.getName().equals("dev/fumidai/") || e.getName().equals("dev/fumidai/examples/")
                    || e.getName().equals("simplelogger.properties")), "only the cli package");
        }
    }

    @Test
    void theZipHoldsTheSameFilesAsTheTarball() throws Exception {
        Path zip = Path.of(tarball.toString().replace(".tar.gz", ".zip"));
        Set<String> inZip = new TreeSet<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            z.stream().filter(e -> !e.isDirectory()).forEach(e -> inZip.add(e.getName()));
        }
        Set<String> unpacked = new TreeSet<>();
        try (Stream<Path> all = Files.walk(home)) {
            all.filter(Files::isRegularFile).forEach(f -> unpacked.add(home.getFileName() + "/"
                    + home.relativize(f).toString().replace('\\', '/')));
        }
        unpacked.removeIf(f -> f.endsWith(".jsa")); // written by the class-data archive test, if it ran first
        assertEquals(unpacked, inZip);
    }

    @Test
    void theManPageAndTheCompletionScriptAreShipped() throws Exception {
        Path man = home.resolve("share/man/man1/fumidai.1");
        assertTrue(Files.readString(man).startsWith(".\\\" SPDX"), "troff man page");
        Path completion = home.resolve("share/bash-completion/completions/fumidai");
        Result bash = exec(List.of("bash", "-c", "source '" + completion + "' && complete -p fumidai"), "");
        assertEquals(0, bash.exit(), "bash (Debian package bash) rejected the completion script: " + bash.err());
        assertTrue(bash.out().contains("fumidai"), bash.out());
    }

    @Test
    void aClassDataArchiveIsWrittenAndUsed() throws Exception {
        Path jsa = work.resolve("fumidai-test.jsa");
        List<String> gen = new ArrayList<>(List.of(home.resolve("bin/fumidai").toString(), "--generate-cds", "-F",
                config.toString(), "-W", svc(), "bastion-d"));
        ProcessBuilder pb = new ProcessBuilder(gen);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("FUMIDAI_CDS", jsa.toString());
        pb.redirectErrorStream(false);
        Process p = pb.start();
        p.getOutputStream().write("train\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertEquals("TRAIN\n", out, "standard output carries only the -W data");
        assertTrue(Files.size(jsa) > 0, "archive written");
        ProcessBuilder use = new ProcessBuilder(home.resolve("bin/fumidai").toString(), "-F", config.toString(),
                "-W", svc(), "bastion-d");
        use.environment().put("JAVA_HOME", System.getProperty("java.home"));
        use.environment().put("FUMIDAI_CDS", jsa.toString());
        use.environment().put("FUMIDAI_JAVA_OPTS", "-Xshare:on");
        Process q = use.start();
        q.getOutputStream().write("mapped\n".getBytes(StandardCharsets.UTF_8));
        q.getOutputStream().close();
        String out2 = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err2 = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(q.waitFor(120, TimeUnit.SECONDS));
        // -Xshare:on makes the JVM fail at start if the archive cannot be mapped, so exit 0 proves it was used.
        assertEquals(0, q.exitValue(), err2);
        assertEquals("MAPPED\n", out2);
    }
}
