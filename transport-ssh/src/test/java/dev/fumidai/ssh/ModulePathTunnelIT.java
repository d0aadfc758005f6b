// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo's tunnel, a two-hop SSH route through embedded MINA SSHD bastions to an echo service, from a
 * named application module on the <em>module path</em>: a child {@code java --module-path ... --module ...}
 * whose module path holds this module's jar and its runtime dependencies, nothing else.
 *
 * <p>What that proves, beyond the class-path tests:
 * <ul>
 *   <li>the module descriptors resolve ({@code requires transitive}: the probe module requires only
 *       {@code dev.fumidai.ssh} and {@code io.netty.transport.classes.epoll}, yet compiles against
 *       {@code dev.fumidai.core}'s API through it);</li>
 *   <li>the default cipher order is the same as on the class path (where the JDK's default root modules
 *       include {@code jdk.management}), and the negotiated cipher is its first entry;</li>
 *   <li>without Netty's native epoll jar (optional in core) the tunnel runs on NIO.</li>
 * </ul>
 * The bastions and the echo service run in this JVM (MINA splits packages between two jars and cannot be a
 * named module); the child only connects to them on 127.0.0.1. The child runs with {@code --limit-modules}, so
 * it sees only the modules that the probe's descriptors require, as an image built by jlink would.
 */
class ModulePathTunnelIT {

    private static final long CHILD_TIMEOUT_SECONDS = 120;

    private static final String PROBE_MODULE_INFO = """
            module fumidai.probe {
                requires dev.fumidai.ssh;
                requires io.netty.transport.classes.epoll;
            }
            """;

    private static final String PROBE_MAIN = """
            package probe;

            import dev.fumidai.JumpHost;
            import dev.fumidai.Route;
            import dev.fumidai.Target;
            import dev.fumidai.TunnelConnection;
            import dev.fumidai.audit.HopConnected;
            import dev.fumidai.audit.InMemoryAuditSink;
            import dev.fumidai.ssh.PinnedFingerprintVerifier;
            import dev.fumidai.ssh.SshHop;
            import dev.fumidai.ssh.SshTransportConfig;
            import io.netty.channel.epoll.Epoll;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.Path;
            import java.time.Duration;

            public final class Main {
                public static void main(String[] a) throws Exception {
                    System.out.println("module=" + Main.class.getModule().getName());
                    System.out.println("core-module=" + JumpHost.class.getModule().getName());
                    System.out.println("jdk.management=" + ModuleLayer.boot().findModule("jdk.management").isPresent());
                    System.out.println("epoll=" + Epoll.isAvailable());
                    System.out.println("default-ciphers=" + String.join(",", SshTransportConfig.defaults().ciphers()));
                    Path key = Path.of(a[4]);
                    SshHop h1 = SshHop.builder().address(Target.of("127.0.0.1", Integer.parseInt(a[0])))
                            .hostKeyVerifier(PinnedFingerprintVerifier.of(a[1])).name("bastion-1").user("ops")
                            .identity(key).build();
                    SshHop h2 = SshHop.builder().address(Target.of("127.0.0.1", Integer.parseInt(a[2])))
                            .hostKeyVerifier(PinnedFingerprintVerifier.of(a[3])).name("bastion-2").user("ops")
                            .identity(key).build();
                    InMemoryAuditSink sink = InMemoryAuditSink.create();
                    byte[] msg = "through two hops on the module path".getBytes(StandardCharsets.UTF_8);
                    try (JumpHost jh = JumpHost.builder().route(Route.of(h1, h2)).actor("test:module-path")
                            .auditSink(sink).build();
                            TunnelConnection c = jh.connect(Target.of("127.0.0.1", Integer.parseInt(a[5])),
                                    Duration.ofSeconds(60))) {
                        c.outputStream().write(msg);
                        c.outputStream().flush();
                        byte[] back = c.inputStream().readNBytes(msg.length);
                        System.out.println("echo=" + new String(back, StandardCharsets.UTF_8));
                    }
                    for (HopConnected h : sink.events(HopConnected.class)) {
                        System.out.println("hop." + h.hop().name() + "=" + h.outcome() + " "
                                + (h.hop().crypto() == null ? "none" : h.hop().crypto().cipher()));
                    }
                }
            }
            """;

    @Test
    void demoTunnelRunsOnTheModulePath(@TempDir Path tmp) throws Exception {
        List<Path> modulePath = modulePath();
        assertTrue(modulePath.stream().noneMatch(p -> p.getFileName().toString().contains("native-epoll")),
                "the native epoll jar is optional in core and must not be on this module path: " + modulePath);
        Path probe = compileProbe(tmp, modulePath);

        String key = SshHopMinaTest.fingerprintOf("ed25519_openssh");
        try (EchoServer echo = EchoServer.start();
                SshHopMinaTest.Bastion b1 = new SshHopMinaTest.Bastion(key);
                SshHopMinaTest.Bastion b2 = new SshHopMinaTest.Bastion(key)) {
            List<String> mp = new ArrayList<>();
            mp.add(probe.toString());
            modulePath.forEach(p -> mp.add(p.toString()));
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--module-path", String.join(File.pathSeparator, mp),
                    // Only the modules the probe requires, as in an image that jlink builds for it (jlink binds no
                    // services by default): without this, service binding from java.management brings in
                    // jdk.management and would hide a module that forgets to require what it reads.
                    "--limit-modules", "fumidai.probe",
                    "--module", "fumidai.probe/probe.Main",
                    String.valueOf(b1.port()), b1.hostKeyFingerprint, String.valueOf(b2.port()),
                    b2.hostKeyFingerprint, SshHopMinaTest.fixture("ed25519_openssh").toString(),
                    String.valueOf(echo.port()));
            Map<String, String> out = run(cmd);

            assertEquals("fumidai.probe", out.get("module"));
            assertEquals("dev.fumidai.core", out.get("core-module"), "fumidai-core must load as a named module");
            // The class path (this JVM) has jdk.management among its default root modules; the module path must
            // give the same default order: AES-GCM first where HotSpot has the AES and GHASH intrinsics.
            List<String> expected = SshTransportConfig.defaults().ciphers();
            assertEquals(String.join(",", expected), out.get("default-ciphers"),
                    "default cipher order on the module path");
            assertEquals("false", out.get("epoll"), "no native epoll jar on the module path: NIO must be used");
            assertEquals("through two hops on the module path", out.get("echo"));
            assertEquals("SUCCESS " + expected.get(0), out.get("hop.bastion-1"));
            assertEquals("SUCCESS " + expected.get(0), out.get("hop.bastion-2"));
            assertEquals(List.of("127.0.0.1:" + b2.port()), b1.forwardedTo, "bastion-1 opens only bastion-2");
            assertEquals(List.of("127.0.0.1:" + echo.port()), b2.forwardedTo, "bastion-2 opens the service");
        }
    }

    /** This module's jar and its runtime dependencies, as failsafe passes them (transport-ssh/pom.xml). */
    private static List<Path> modulePath() {
        String jar = System.getProperty("fumidai.moduleJar");
        String cp = System.getProperty("fumidai.runtimeClasspath");
        assertNotNull(jar, "failsafe must pass fumidai.moduleJar");
        assertNotNull(cp, "failsafe must pass fumidai.runtimeClasspath");
        assertFalse(cp.isBlank() || cp.contains("${"), "unresolved runtime class path: " + cp);
        List<Path> paths = new ArrayList<>();
        paths.add(Path.of(jar));
        Arrays.stream(cp.split(File.pathSeparator)).map(Path::of).forEach(paths::add);
        for (Path p : paths) {
            assertTrue(Files.exists(p), "missing from the module path: " + p);
        }
        return paths;
    }

    private static Path compileProbe(Path tmp, List<Path> modulePath) throws Exception {
        Path src = tmp.resolve("src");
        Path classes = tmp.resolve("probe");
        Files.createDirectories(src.resolve("probe"));
        Files.writeString(src.resolve("module-info.java"), PROBE_MODULE_INFO);
        Files.writeString(src.resolve("probe/Main.java"), PROBE_MAIN);
        // javac as a child process: this test class is compiled into dev.fumidai.ssh, which does not read
        // java.compiler.
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        assertTrue(Files.isExecutable(javac),
                "this test needs a JDK's javac at " + javac + " (Debian package openjdk-17-jdk-headless)");
        run(List.of(javac.toString(), "-d", classes.toString(), "--release", "17",
                "--module-path", modulePath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                src.resolve("module-info.java").toString(), src.resolve("probe/Main.java").toString()));
        return classes;
    }

    /** Runs a child, fails with its output if it does not exit 0 in time, and returns its key=value lines. */
    private static Map<String, String> run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        if (!p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(cmd.get(0) + " did not finish in " + CHILD_TIMEOUT_SECONDS + " s:\n"
                    + output.get(10, TimeUnit.SECONDS));
        }
        String text = output.get(10, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\nfailed:\n" + text);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Za-z0-9._-]+")) {
                values.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        System.out.println(cmd.get(0) + ":\n" + text);
        return values;
    }

    private static String readAll(InputStream in) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
