// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.CommandHop;
import dev.fumidai.HopAuthenticationException;
import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.ssh.PinnedFingerprintVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authenticates {@link SshHop} to OpenSSH's {@code sshd -i} (run through core's {@link CommandHop}, no port)
 * with a key listed in a test {@code AuthorizedKeysFile}, then relays data to an echo server through the
 * server's {@code direct-tcpip}; and shows that a key not listed fails with the methods tried.
 */
@Tag("interop")
class SshHopOpenSshInteropTest {

    static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    SshHop hopFor(String keyResource) throws Exception {
        return hopFor(List.of(keyResource), List.of(), "ed25519.pub");
    }

    /** Writes the sshd configuration once (authorizing the given public keys) and returns a hop offering the keys. */
    SshHop hopFor(List<String> keyResources, List<String> extraConfig, String... authorizedPubs) throws Exception {
        ExternalServer.requireExecutable(OpenSshInteropTest.SSHD);
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        if (!Files.exists(hostKey)) {
            ExternalServer.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
            Path authorized = dir.resolve("authorized_keys");
            StringBuilder keys = new StringBuilder();
            for (String pub : authorizedPubs) {
                try (InputStream in = getClass().getResourceAsStream("/dev/fumidai/ssh/privkeys/" + pub)) {
                    keys.append(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim())
                            .append('\n');
                }
            }
            Files.writeString(authorized, keys);
            List<String> config = new ArrayList<>(List.of("HostKey " + hostKey,
                    "UsePAM no", "StrictModes no", "PidFile none", "LogLevel ERROR",
                    "AuthorizedKeysFile " + authorized, "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no", "AllowTcpForwarding yes", "AllowStreamLocalForwarding yes"));
            config.addAll(extraConfig);
            Files.writeString(dir.resolve("sshd_config"), String.join("\n", config) + "\n");
        }
        String fingerprint = SshPublicKeys.parseText(Files.readString(dir.resolve("ssh_host_ed25519_key.pub")))
                .fingerprint();
        SshHop.Builder b = SshHop.builder().address(Target.of("inetd", 22))
                .hostKeyVerifier(PinnedFingerprintVerifier.of(fingerprint)).name("openssh")
                .user(System.getProperty("user.name"));
        for (String keyResource : keyResources) {
            Path key = dir.resolve(keyResource);
            if (!Files.exists(key)) {
                try (InputStream in = getClass().getResourceAsStream("/dev/fumidai/ssh/privkeys/" + keyResource)) {
                    Files.write(key, in.readAllBytes());
                }
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            }
            b.identity(key);
        }
        return b.build();
    }

    CommandHop sshd() {
        List<String> argv = new ArrayList<>(OpenSshInteropTest.sshdCommand(OpenSshInteropTest.SSHD + " -i -f "
                + dir.resolve("sshd_config")));
        return CommandHop.of(argv).named("sshd-i");
    }

    @Test
    void publickeyThenDirectTcpipThroughOpenSsh() throws Exception {
        SshHop hop = hopFor("ed25519_openssh");
        EchoServer echo = EchoServer.start();
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        try (JumpHost jh = JumpHost.builder().route(Route.of(sshd(), hop)).actor("test:openssh").auditSink(sink)
                .build()) {
            byte[] data = new byte[300_000];
            new Random(7).nextBytes(data);
            try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                Thread writer = new Thread(() -> {
                    try {
                        c.outputStream().write(data);
                        c.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                c.inputStream().transferTo(back);
                writer.join();
                assertArrayEquals(data, back.toByteArray());
            }
            assertTrue(sink.events(AuthAttempted.class).stream().anyMatch(a -> a.outcome() == Outcome.SUCCESS
                    && "publickey".equals(a.credential().type().wireName())));
        } finally {
            echo.close();
        }
    }

    @Test
    void partialSuccessWithTwoRequiredKeys() throws Exception {
        SshHop hop = hopFor(List.of("ed25519_openssh", "ecdsa256_openssh"),
                List.of("AuthenticationMethods publickey,publickey"), "ed25519.pub", "ecdsa256.pub");
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        Path socket = dir.resolve("echo.sock");
        EchoServer echo = EchoServer.startUnix(socket);
        try (JumpHost jh = JumpHost.builder().route(Route.of(sshd(), hop)).actor("test:openssh").auditSink(sink)
                .build()) {
            // The target is a Unix socket on the far side: direct-streamlocal@openssh.com.
            try (TunnelConnection c = jh.connect(Target.unixSocket(socket.toString()), T)) {
                c.outputStream().write("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                c.outputStream().flush();
                byte[] back = c.inputStream().readNBytes(4);
                assertEquals("ping", new String(back, java.nio.charset.StandardCharsets.US_ASCII));
            }
            List<AuthAttempted> attempts = sink.events(AuthAttempted.class);
            assertTrue(attempts.stream().anyMatch(a -> a.outcome() == Outcome.FAILURE
                    && a.reason().detail() != null && a.reason().detail().startsWith("partial success")),
                    "the first key was a partial success: " + attempts);
            assertEquals(1, attempts.stream().filter(a -> a.outcome() == Outcome.SUCCESS).count());
        } finally {
            echo.close();
        }
    }

    @Test
    void unlistedKeyFailsWithTheMethodsTried() throws Exception {
        SshHop hop = hopFor("ecdsa256_openssh");
        try (JumpHost jh = JumpHost.builder().route(Route.of(sshd(), hop)).actor("test:openssh").build()) {
            Exception e = assertThrows(Exception.class, () -> jh.connect(Target.of("127.0.0.1", 9), T));
            Throwable cause = e;
            while (!(cause instanceof HopAuthenticationException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            HopAuthenticationException auth = assertInstanceOf(HopAuthenticationException.class, cause, e::toString);
            assertTrue(auth.getMessage().startsWith("ssh hop \"openssh\" inetd:22"), auth.getMessage());
            // The key went first, signed: no none probe, no query (docs/transport-ssh.md, Handshake).
            assertTrue(auth.getMessage().contains("tried [publickey SHA256:"), auth.getMessage());
            assertTrue(auth.getMessage().contains("the server allows [publickey]"), auth.getMessage());
        }
    }
}
