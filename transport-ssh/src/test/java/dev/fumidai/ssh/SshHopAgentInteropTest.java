// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.Target;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.Outcome;
import dev.fumidai.spi.HopSession;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authenticates an {@link SshHop} to MINA SSHD with a key held by a real OpenSSH {@code ssh-agent} that the
 * test starts (keys added with {@code ssh-add}) and stops: the private key never enters this JVM, and the
 * hop is given no key file at all.
 */
@Tag("interop")
class SshHopAgentInteropTest extends SshHopSessionTest {

    @TempDir
    Path dir;

    private Process agent;
    private Path socket;

    @BeforeEach
    void startAgent() throws Exception {
        socket = dir.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket)) {
            if (!agent.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("ssh-agent did not create its socket: "
                        + Files.readString(dir.resolve("agent.log")));
            }
            Thread.sleep(20);
        }
        Path key = dir.resolve("id_ed25519");
        try (InputStream in = getClass().getResourceAsStream("/dev/fumidai/ssh/privkeys/ed25519_openssh")) {
            Files.copy(in, key);
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        ProcessBuilder pb = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
        pb.environment().put("SSH_AUTH_SOCK", socket.toString());
        pb.environment().remove("SSH_ASKPASS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "ssh-add failed: " + out);
    }

    @AfterEach
    void stopAgent() throws Exception {
        agent.destroy();
        assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
    }

    @Override
    SshHop hop() throws Exception {
        return SshHop.builder().address(Target.of("127.0.0.1", bastion.port())).hostKeyVerifier(bastion.pinned())
                .name("bastion").user("ops").agent(socket).build();
    }

    @Test
    void authenticatesWithTheAgentsKey() throws Exception {
        HopSession session = hop().connect(context()).get(30, TimeUnit.SECONDS);
        try {
            AuthAttempted ok = null;
            for (AuditEvent e : events) {
                if (e instanceof AuthAttempted a && a.outcome() == Outcome.SUCCESS) {
                    ok = a;
                }
            }
            assertEquals(SshHopMinaTest.fingerprintOf("ed25519_openssh"), ok.credential().fingerprint());
        } finally {
            session.close().get(10, TimeUnit.SECONDS);
        }
    }
}
