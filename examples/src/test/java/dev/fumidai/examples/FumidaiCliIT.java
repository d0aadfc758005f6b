// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.LocalForward;
import dev.fumidai.examples.cli.FumidaiCli;
import dev.fumidai.ssm.fake.FakeSsmService;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code fumidai} command end to end against two embedded MINA bastions (bastion-2 reachable only
 * through bastion-1) and a private upper-casing service, as the demo sets them up: in process for most cases,
 * and from the packaged jar through the launcher script.
 */
class FumidaiCliIT {

    @TempDir
    static Path work;

    static ServerSocket service;
    static final List<Socket> serviceConnections = new CopyOnWriteArrayList<>();
    static EmbeddedBastion b1;
    static EmbeddedBastion b2;
    static Path key;
    static Path config;
    static Path knownHosts;
    static Path knownHostsByAddress;

    record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(FumidaiCliIT::serve, "it-service");
        t.setDaemon(true);
        t.start();
        KeyPair user = KeyPairGenerator.getInstance("EC").generateKeyPair();
        key = pkcs8(user, "id_ecdsa");
        b2 = new EmbeddedBastion("bastion-2", user.getPublic(), Set.of("127.0.0.1:" + service.getLocalPort()));
        b1 = new EmbeddedBastion("bastion-1", user.getPublic(), Set.of("127.0.0.1:" + b2.port()));
        knownHosts = Files.write(work.resolve("known_hosts"), List.of(b1.knownHostsLine(),
                b1.aliasKnownHostsLine(), b2.knownHostsLine(), b2.aliasKnownHostsLine()));
        knownHostsByAddress = Files.write(work.resolve("known_hosts_by_address"), List.of(
                b1.knownHostsLine().replace("[bastion-1]", "[127.0.0.1]"),
                b2.knownHostsLine().replace("[bastion-2]", "[127.0.0.1]")));
        config = Files.writeString(work.resolve("ssh_config"), String.join("\n",
                "Host bastion-1",
                "  HostName 127.0.0.1",
                "  Port " + b1.port(),
                "  User ops",
                "  HostKeyAlias bastion-1",
                "Host bastion-2",
                "  HostName 127.0.0.1",
                "  Port " + b2.port(),
                "  User ops",
                "  HostKeyAlias bastion-2",
                "  IdentityAgent none",
                "Host b2-via-b1",
                "  HostName 127.0.0.1",
                "  Port " + b2.port(),
                "  HostKeyAlias bastion-2",
                "  ProxyJump bastion-1",
                "Host *",
                "  IdentityAgent none",
                ""));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (b1 != null) {
                b1.close();
            }
            if (b2 != null) {
                b2.close();
            }
        } finally {
            service.close();
            for (Socket s : serviceConnections) {
                s.close();
            }
        }
    }

    static Path pkcs8(KeyPair pair, String name) throws IOException {
        Path key = Files.writeString(work.resolve(name), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        // Owner-only, as ssh-keygen writes keys: a key file open to others is refused, as OpenSSH refuses it.
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return key;
    }

    static void serve() {
        while (!service.isClosed()) {
            try {
                Socket s = service.accept();
                serviceConnections.add(s);
                Thread t = new Thread(() -> upperCase(s), "it-service-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
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

    /** Runs the command in this JVM with the given standard input; {@code -L} runs are stopped by the caller. */
    static Result run(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new FumidaiCli(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args, new CompletableFuture<>(), f -> { });
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<String> viaConfig(String... rest) {
        List<String> args = new ArrayList<>(List.of("-F", config.toString(), "--known-hosts", knownHosts.toString(),
                "-i", key.toString()));
        args.addAll(List.of(rest));
        return args;
    }

    @Test
    void stdioPipesThroughTwoHopsNamedInSshConfig() {
        Result r = run("hello\nworld\n", viaConfig("-J", "bastion-1", "-W", svc(), "bastion-2")
                .toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals("HELLO\nWORLD\n", r.out());
    }

    @Test
    void stdioCarriesManyLinesInOrder() {
        StringBuilder in = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            in.append("line ").append(i).append(" of the bulk test\n");
            expected.append("LINE ").append(i).append(" OF THE BULK TEST\n");
        }
        Result r = run(in.toString(), viaConfig("-J", "bastion-1", "-W", svc(), "bastion-2").toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals(expected.toString(), r.out());
    }

    @Test
    void dashVPrintsEachHopsStatusAtExit() {
        Result r = run("status\n", viaConfig("-v", "-J", "bastion-1", "-W", svc(), "bastion-2")
                .toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals("STATUS\n", r.out());
        List<String> lines = r.err().lines().filter(l -> l.startsWith("fumidai: status ")).toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("fumidai: status hop 0 ssh:bastion-1 up since "), lines.get(0));
        assertTrue(lines.get(1).startsWith("fumidai: status hop 1 ssh:bastion-2 up since "), lines.get(1));
        // The one stream ended at the last hop: "status\n" up, "STATUS\n" down.
        assertTrue(lines.get(1).contains("0 open stream(s), 7 B up, 7 B down"), lines.get(1));
        Result quiet = run("q\n", viaConfig("-J", "bastion-1", "-W", svc(), "bastion-2").toArray(String[]::new));
        assertEquals(0, quiet.exit(), quiet.err());
        assertTrue(!quiet.err().contains("fumidai: status"), "no status without -v: " + quiet.err());
    }

    @Test
    void aDestinationFollowsItsOwnProxyJumpWithUserFromDashL() {
        // No -J: the destination's ProxyJump in ssh_config brings bastion-1 in front; -l names the user that the
        // b2-via-b1 block leaves unset; known_hosts comes from -o UserKnownHostsFile instead of --known-hosts.
        Result r = run("proxyjump\n", "-F", config.toString(), "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=none", "-i", key.toString(), "-v", "-l", "ops", "-W", svc(), "b2-via-b1");
        assertEquals(0, r.exit(), r.err());
        assertEquals("PROXYJUMP\n", r.out());
        assertTrue(r.err().contains("fumidai: route ssh hop \"bastion-1\" 127.0.0.1:" + b1.port()
                + " -> ssh hop \"bastion-2\" 127.0.0.1:" + b2.port()), r.err());
    }

    @Test
    void localForwardsRelayThroughUriHopsAndADestination() throws Exception {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<List<LocalForward>> ready = new CompletableFuture<>();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new FumidaiCli(
                new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), errStream).run(new String[] {
                    "-F", "none", "-o", "IdentityAgent=none", "--known-hosts", knownHostsByAddress.toString(),
                    "-i", key.toString(), "-J", "ssh://ops@127.0.0.1:" + b1.port(),
                    "-L", "0:" + svc(), "-L", "127.0.0.1:0:" + svc(), "-p", Integer.toString(b2.port()),
                    "ops@127.0.0.1"}, stop, ready::complete));
        try {
            List<LocalForward> forwards = ready.get(30, TimeUnit.SECONDS);
            assertEquals(2, forwards.size());
            for (LocalForward f : forwards) {
                try (Socket s = new Socket("127.0.0.1", f.localPort())) {
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                    out.println("through port " + f.localPort());
                    assertEquals("THROUGH PORT " + f.localPort(), in.readLine());
                }
            }
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("fumidai: forwarding 127.0.0.1:"
                    + forwards.get(0).localPort() + " -> " + svc()), err.toString(StandardCharsets.UTF_8));
        } finally {
            stop.complete(null);
        }
        assertEquals(0, exit.get(30, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aListenerThatCannotBindGivesItsExitCode() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result r = run("", viaConfig("-J", "bastion-1", "-L", taken.getLocalPort() + ":" + svc(), "bastion-2")
                    .toArray(String[]::new));
            assertEquals(12, r.exit(), r.err());
            assertTrue(r.err().contains("cannot listen"), r.err());
        }
    }

    @Test
    void aWrongHostKeyAtHopTwoGivesExitFiveAndNamesHopTwo() throws Exception {
        KeyPair other = KeyPairGenerator.getInstance("EC").generateKeyPair();
        Path bad = Files.write(work.resolve("known_hosts_bad"), List.of(b1.knownHostsLine(),
                b1.aliasKnownHostsLine(), "bastion-2 " + EmbeddedBastion.openSshPublicKey(other.getPublic())));
        Result r = run("", "-F", config.toString(), "--known-hosts", bad.toString(), "-i", key.toString(),
                "-J", "bastion-1", "-W", svc(), "bastion-2");
        assertEquals(5, r.exit(), r.err());
        assertTrue(r.err().contains("\"bastion-2\""), r.err());
        assertFalse(r.err().contains("\"bastion-1\""), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anUnknownHostGivesExitFive() throws Exception {
        Path onlyOne = Files.write(work.resolve("known_hosts_one"), List.of(b1.knownHostsLine(),
                b1.aliasKnownHostsLine()));
        Result r = run("", "-F", config.toString(), "--known-hosts", onlyOne.toString(), "-i", key.toString(),
                "-J", "bastion-1", "-W", svc(), "bastion-2");
        assertEquals(5, r.exit(), r.err());
        assertTrue(r.err().contains("\"bastion-2\""), r.err());
    }

    @Test
    void aRefusedKeyGivesExitSevenAndNamesTheHop() throws Exception {
        Path wrong = pkcs8(KeyPairGenerator.getInstance("EC").generateKeyPair(), "id_wrong");
        Result r = run("", "-F", config.toString(), "--known-hosts", knownHosts.toString(), "-i", wrong.toString(),
                "-J", "bastion-1", "-W", svc(), "bastion-2");
        assertEquals(7, r.exit(), r.err());
        assertTrue(r.err().contains("\"bastion-1\""), r.err());
    }

    @Test
    void aTargetTheLastHopMayNotOpenGivesExitEight() {
        Result r = run("", viaConfig("-J", "bastion-1", "-W", "127.0.0.1:1", "bastion-2").toArray(String[]::new));
        assertEquals(8, r.exit(), r.err());
        assertTrue(r.err().contains("bastion-2"), r.err());
    }

    @Test
    void aClosedPortAtTheFirstHopGivesExitFour() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Result r = run("", "-F", "none", "--known-hosts", knownHostsByAddress.toString(), "-i", key.toString(),
                "-J", "ssh://ops@127.0.0.1:" + closed, "-W", svc());
        assertEquals(4, r.exit(), r.err());
        assertTrue(r.err().startsWith("fumidai: ssh hop \"127.0.0.1\" 127.0.0.1:" + closed + ": cannot connect"),
                r.err());
        assertFalse(r.err().contains("direct =>"), r.err());
    }

    @Test
    void aHopThePreviousHopMayNotReachGivesExitFourNamingThatHop() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        // bastion-1 opens channels only to bastion-2's port, so it refuses the stream to the destination.
        Result r = run("", viaConfig("-J", "bastion-1", "-p", Integer.toString(closed), "-W", svc(),
                "ops@127.0.0.1").toArray(String[]::new));
        assertEquals(4, r.exit(), r.err());
        assertTrue(r.err().startsWith("fumidai: ssh hop \"127.0.0.1\" 127.0.0.1:" + closed
                + ": unreachable through ssh hop \"bastion-1\""), r.err());
    }

    @Test
    void dashLConnectsTheRouteBeforeListeningAndExitsWithTheHopsStatus() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        List<List<LocalForward>> listened = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new FumidaiCli(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(viaConfig("-J", "bastion-1", "-p",
                        Integer.toString(closed), "-L", "0:" + svc(), "ops@127.0.0.1").toArray(String[]::new),
                new CompletableFuture<>(), listened::add);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(4, exit, e);
        assertTrue(listened.isEmpty(), "nothing listened");
        assertFalse(e.contains("forwarding"), e);
        assertTrue(e.contains("ssh hop \"127.0.0.1\" 127.0.0.1:" + closed), e);
    }

    @Test
    void dashLWithAWrongHostKeyExitsFiveAtStartup() throws Exception {
        Path onlyOne = Files.write(work.resolve("known_hosts_only_b1"), List.of(b1.knownHostsLine(),
                b1.aliasKnownHostsLine()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<List<LocalForward>> listened = new CopyOnWriteArrayList<>();
        int exit = new FumidaiCli(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {"-F", config.toString(),
                    "--known-hosts", onlyOne.toString(), "-i", key.toString(), "-J", "bastion-1", "-L",
                    "0:" + svc(), "bastion-2"}, new CompletableFuture<>(), listened::add);
        assertEquals(5, exit, err.toString(StandardCharsets.UTF_8));
        assertTrue(listened.isEmpty(), "nothing listened");
    }

    @Test
    void aProxyCommandInTheConfigCarriesTheFirstHop() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Path.of(dev.fumidai.testing.TcpPipe.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()).toString();
        Path withProxy = Files.writeString(work.resolve("ssh_config_proxycommand"), String.join("\n",
                "Host piped-bastion-1",
                "  HostName 127.0.0.1",
                "  Port " + b1.port(),
                "  User ops",
                "  HostKeyAlias bastion-1",
                "  ProxyCommand " + java + " -cp " + cp + " " + dev.fumidai.testing.TcpPipe.class.getName() + " %h %p",
                "") + Files.readString(config));
        Result r = run("piped\n", "-F", withProxy.toString(), "--known-hosts", knownHosts.toString(),
                "-i", key.toString(), "-v", "-J", "piped-bastion-1", "-W", svc(), "bastion-2");
        assertEquals(0, r.exit(), r.err());
        assertEquals("PIPED\n", r.out());
        assertTrue(r.err().contains("fumidai: route command hop \"ProxyCommand of piped-bastion-1\" -> ssh hop"
                + " \"bastion-1\""), r.err());
    }

    @Test
    void preferredAuthenticationsInTheConfigIsApplied() throws Exception {
        // The key would be accepted, but the config allows bastion-2 only password, and the CLI has none to give.
        Path passwordOnly = Files.writeString(work.resolve("ssh_config_password_only"), String.join("\n",
                "Host bastion-2",
                "  PreferredAuthentications password",
                "") + Files.readString(config));
        Result r = run("", "-F", passwordOnly.toString(), "--known-hosts", knownHosts.toString(),
                "-i", key.toString(), "-J", "bastion-1", "-W", svc(), "bastion-2");
        assertEquals(7, r.exit(), r.err());
        assertTrue(r.err().contains("\"bastion-2\""), r.err());
        assertFalse(r.err().contains("\"bastion-1\""), r.err());
        Result ok = run("pubkey\n", "-F", passwordOnly.toString(), "--known-hosts", knownHosts.toString(),
                "-i", key.toString(), "-o", "PreferredAuthentications=publickey", "-J", "bastion-1", "-W", svc(),
                "bastion-2");
        assertEquals(0, ok.exit(), ok.err());
        assertEquals("PUBKEY\n", ok.out());
    }

    @Test
    void aHopThatNeverSpeaksGivesExitNine() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().read(new byte[1 << 16]);
                } catch (IOException e) {
                    // Closed at the end of the test.
                }
            }, "it-silent");
            acceptor.setDaemon(true);
            acceptor.start();
            Result r = run("", "-F", "none", "--known-hosts", knownHostsByAddress.toString(), "-i", key.toString(),
                    "--connect-timeout", "2", "-J", "ssh://ops@127.0.0.1:" + silent.getLocalPort(), "-W", svc());
            assertEquals(9, r.exit(), r.err());
            assertTrue(r.err().contains("127.0.0.1:" + silent.getLocalPort()), r.err());
        }
    }

    @Test
    void theAuditFileIsASignedLogTheVerifierAccepts() throws Exception {
        KeyPair signing = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path signingKey = pkcs8(signing, "audit_ed25519");
        Path publicKey = Files.writeString(work.resolve("audit_ed25519.pub.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(signing.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        Path dir = work.resolve("audit");
        Result r = run("audited\n", viaConfig("--audit-file", dir.toString(), "--audit-key", signingKey.toString(),
                "--actor", "ci:job-7", "-J", "bastion-1", "-W", svc(), "bastion-2").toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals("AUDITED\n", r.out());
        String log;
        try (var files = Files.list(dir)) {
            log = String.join("\n", files.filter(f -> f.toString().endsWith(".jsonl")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList());
        }
        assertTrue(log.contains("\"forward.open\""), log);
        assertTrue(log.contains("\"forward.close\""), log);
        assertTrue(log.contains("ci:job-7"), log);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int verified = dev.fumidai.audit.verify.VerifyCommand.run(new String[] {dir.toString(),
            dir.resolve("checkpoints").toString(), "--public-key", publicKey.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, verified, out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("INTACT"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anSsmHopThenAnSshHopThroughTheFakeSessionManager() throws Exception {
        // The AWS SDK's default credential chain reads these system properties before anything else (no IMDS).
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "example");
        try (FakeSsmService ssm = FakeSsmService.builder().start()) {
            String hop = "ssm://i-0123456789abcdef0?region=us-east-1&insecurePlaintextWebSocketForTesting=true&endpoint="
                    + ssm.endpoint();
            Result r = run("via ssm\n", viaConfig("-v", "-J", hop + ",bastion-2", "-W", svc())
                    .toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            assertEquals("VIA SSM\n", r.out());
            assertTrue(r.err().contains("fumidai: audit hop.connect success hop=i-0123456789abcdef0")
                    || r.err().contains("fumidai: audit hop.connect success hop="), r.err());
            assertEquals(1, ssm.sessions().size(), "one Session Manager session carried the SSH hop");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void profileAndRegionFlagsReachAnSsmHop() throws Exception {
        // The SDK reads the shared config and credentials files from these properties (as from AWS_CONFIG_FILE
        // and AWS_SHARED_CREDENTIALS_FILE); the fake accepts only the profile's key, signed for --region.
        Path awsConfig = Files.writeString(work.resolve("aws-config"), String.join("\n",
                "[profile fumidai-it]", "aws_access_key_id = AKIDPROFILEIT0001",
                "aws_secret_access_key = profile-secret-it", "region = ap-south-1", ""));
        Path awsCredentials = Files.writeString(work.resolve("aws-credentials"), "");
        System.setProperty("aws.configFile", awsConfig.toString());
        System.setProperty("aws.sharedCredentialsFile", awsCredentials.toString());
        try (FakeSsmService ssm = FakeSsmService.builder().verifySignatures(java.util.Map.of("AKIDPROFILEIT0001",
                new dev.fumidai.ssm.fake.SigV4Verifier.Issued("profile-secret-it", null))).start()) {
            String hop = "ssm://i-0123456789abcdef0?insecurePlaintextWebSocketForTesting=true&endpoint="
                    + ssm.endpoint();
            Result r = run("by profile\n", viaConfig("--profile", "fumidai-it", "--region", "eu-central-1",
                    "-J", hop + ",bastion-2", "-W", svc()).toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            assertEquals("BY PROFILE\n", r.out());
            assertTrue(ssm.signedBy().contains("AKIDPROFILEIT0001"), ssm.signedBy().toString());
            assertTrue(ssm.signingRegions().contains("eu-central-1"), ssm.signingRegions().toString());
            assertFalse(ssm.signingRegions().contains("ap-south-1"), "--region wins over the profile's region");
        } finally {
            System.clearProperty("aws.configFile");
            System.clearProperty("aws.sharedCredentialsFile");
        }
    }

    @Test
    void dashOOptionsReachEveryHop() throws Exception {
        Path dir = work.resolve("audit-ciphers");
        Result r = run("x\n", viaConfig("-o", "Ciphers=aes128-ctr", "-o", "MACs hmac-sha2-256-etm@openssh.com",
                "--audit-file", dir.toString(), "-J", "bastion-1", "-W", svc(), "bastion-2").toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals("X\n", r.out());
        String log;
        try (var files = Files.list(dir)) {
            List<String> all = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                all.add(Files.readString(f));
            }
            log = String.join("\n", all);
        }
        List<String> connects = log.lines().filter(l -> l.contains("\"hop.connect\"")).toList();
        assertEquals(2, connects.size(), log);
        for (String c : connects) {
            assertTrue(c.contains("aes128-ctr") && c.contains("hmac-sha2-256-etm@openssh.com"), c);
        }
    }

    @Test
    void verbosePrintsTheRouteAndAuditEventsOnStderrOnly() {
        Result r = run("v\n", viaConfig("-v", "-J", "bastion-1", "-W", svc(), "bastion-2").toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals("V\n", r.out());
        assertTrue(r.err().contains("fumidai: route"), r.err());
        assertTrue(r.err().contains("fumidai: audit hop.hostkey success hop=bastion-2"), r.err());
    }

    // ------------------------------------------------------------------ the packaged command

    static Process launcher(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of("bin", "fumidai").toAbsolutePath().toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    static Result finish(Process p, String input) throws Exception {
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
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished in time");
        return new Result(p.exitValue(), out, new String(err.get(120, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    @Test
    void theLauncherRunsThePackagedJarWithStdio() throws Exception {
        Result r = finish(launcher(viaConfig("-J", "bastion-1", "-W", svc(), "bastion-2")), "from the launcher\n");
        assertEquals(0, r.exit(), r.err());
        assertEquals("FROM THE LAUNCHER\n", r.out());
    }

    @Test
    void thePackagedJarReportsAWrongHostKeyWithItsExitCode() throws Exception {
        Path onlyOne = Files.write(work.resolve("known_hosts_packaged"), List.of(b1.knownHostsLine(),
                b1.aliasKnownHostsLine()));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "fumidai-demo-cli.jar").toString(), "-F", config.toString(),
                "--known-hosts", onlyOne.toString(), "-i", key.toString(), "-J", "bastion-1", "-W", svc(),
                "bastion-2"));
        Result r = finish(new ProcessBuilder(cmd).start(), "");
        assertEquals(5, r.exit(), r.err());
        // The command's own message is one line starting "fumidai: "; library warnings (slf4j-simple) may precede it.
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("fumidai: ssh hop \"bastion-2\"")), r.err());
        assertEquals("", r.out());
        Result help = finish(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "fumidai-demo-cli.jar").toString(), "--help").start(), "");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().contains("exit status:"), help.out());
    }
}
