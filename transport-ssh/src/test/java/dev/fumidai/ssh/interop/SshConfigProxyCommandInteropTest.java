// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.CommandHop;
import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.spi.Hop;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.testing.EchoServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a route that {@code Route.fromSshConfig} builds from an ssh_config whose {@code ProxyCommand} is
 * {@code socat - TCP:%h:%p}, to a real OpenSSH {@code sshd} on a loopback port, and relays data to an echo server
 * through it: the command runs as {@code /bin/sh -c "exec ..."} with the tokens expanded, its stdio carries SSH.
 */
@Tag("interop")
class SshConfigProxyCommandInteropTest {

    static final Duration T = Duration.ofSeconds(30);
    static final String SOCAT = "/usr/bin/socat";

    @TempDir
    Path dir;

    @Test
    void proxyCommandSocatReachesOpenSsh() throws Exception {
        ExternalServer.requireExecutable(SOCAT);
        Path authorized = dir.resolve("authorized_keys");
        Path key = dir.resolve("id_ed25519");
        try (InputStream pub = getClass().getResourceAsStream("/dev/fumidai/ssh/privkeys/ed25519.pub");
                InputStream priv = getClass().getResourceAsStream("/dev/fumidai/ssh/privkeys/ed25519_openssh")) {
            Files.write(authorized, pub.readAllBytes());
            Files.write(key, priv.readAllBytes());
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        try (ExternalServer sshd = OpenSshInteropTest.startSshd(dir, List.of("AuthorizedKeysFile " + authorized,
                "PermitRootLogin prohibit-password", "AllowTcpForwarding yes"));
                EchoServer echo = EchoServer.start()) {
            StringBuilder kh = new StringBuilder();
            for (String t : List.of("ed25519", "ecdsa", "rsa")) {
                kh.append("[127.0.0.1]:").append(sshd.port).append(' ')
                        .append(Files.readString(dir.resolve("ssh_host_" + t + "_key.pub")).trim()).append('\n');
            }
            Path knownHosts = Files.writeString(dir.resolve("known_hosts"), kh);
            Path config = Files.writeString(dir.resolve("config"), String.join("\n",
                    "Host opensshd",
                    "  HostName 127.0.0.1",
                    "  Port " + sshd.port,
                    "  User " + System.getProperty("user.name"),
                    "  IdentityFile " + key,
                    "  IdentitiesOnly yes",
                    "  UserKnownHostsFile " + knownHosts,
                    "  StrictHostKeyChecking yes",
                    "  ProxyCommand " + SOCAT + " - TCP:%h:%p",
                    "  ProxyJump ignored-because-proxycommand-came-first",
                    ""));
            Route route = Route.fromSshConfig("opensshd", config);
            List<Hop> hops = route.hops();
            assertEquals(2, hops.size(), route::toString);
            CommandHop proxy = assertInstanceOf(CommandHop.class, hops.get(0));
            assertEquals(List.of("/bin/sh", "-c", "exec " + SOCAT + " - TCP:127.0.0.1:" + sshd.port),
                    proxy.commandFor(Target.of("127.0.0.1", sshd.port)));
            assertInstanceOf(SshHop.class, hops.get(1));
            byte[] data = new byte[200_000];
            new Random(11).nextBytes(data);
            try (JumpHost jh = JumpHost.builder().route(route).actor("test:proxycommand").build();
                    TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                Thread writer = new Thread(() -> {
                    try {
                        c.outputStream().write(data);
                        c.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                byte[] back = c.inputStream().readAllBytes();
                writer.join();
                assertArrayEquals(data, back, () -> "sshd log:\n" + OpenSshInteropTest.tail(sshd.logText()));
            }
            assertTrue(sshd.logText().contains("Accepted publickey"), () -> OpenSshInteropTest.tail(sshd.logText()));
        }
    }
}
