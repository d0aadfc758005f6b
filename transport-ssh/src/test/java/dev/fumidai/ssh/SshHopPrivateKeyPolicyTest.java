// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.testing.EchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connects through an in-JVM MINA SSHD bastion with a key file that others may read: the hop skips it as
 * OpenSSH does, so authentication fails naming publickey with no key tried; with
 * {@code PrivateKeyPolicy.strictKeyFileModes(false)} given to the hop the same file authenticates.
 */
class SshHopPrivateKeyPolicyTest {

    @TempDir
    Path dir;

    EchoServer echo;
    SshHopMinaTest.Bastion bastion;
    JumpHost jumpHost;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        bastion = new SshHopMinaTest.Bastion(SshHopMinaTest.fingerprintOf("ed25519_openssh"));
    }

    @AfterEach
    void stop() throws Exception {
        if (jumpHost != null) {
            jumpHost.close();
        }
        bastion.close();
        echo.close();
    }

    private Path worldReadableKey() throws Exception {
        Path key = dir.resolve("id_ed25519");
        Files.copy(SshHopMinaTest.fixture("ed25519_openssh"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        return key;
    }

    private JumpHost through(SshHop hop) {
        jumpHost = JumpHost.builder().route(Route.of(hop)).actor("test:ssh").auditSink(InMemoryAuditSink.create())
                .handshakeTimeout(SshHopMinaTest.T).build();
        return jumpHost;
    }

    private SshHop.Builder hop(Path key) {
        return SshHop.builder().address(Target.of("127.0.0.1", bastion.port())).hostKeyVerifier(bastion.pinned())
                .name("bastion").user("ops").identity(key);
    }

    @Test
    void aKeyFileOthersMayReadIsNotOffered() throws Exception {
        JumpHost jh = through(hop(worldReadableKey()).build());
        HopAuthenticationException e = assertThrows(HopAuthenticationException.class,
                () -> jh.connect(Target.of("127.0.0.1", echo.port()), SshHopMinaTest.T));
        assertTrue(e.getMessage().contains("tried [none]"), e.getMessage());
    }

    @Test
    void theHopCanTurnTheFileModeCheckOff() throws Exception {
        SshHop hop = hop(worldReadableKey())
                .privateKeyPolicy(PrivateKeyPolicy.builder().strictKeyFileModes(false).build()).build();
        assertEquals(false, hop.privateKeyPolicy().isStrictKeyFileModes());
        assertEquals(hop.privateKeyPolicy(), hop.toBuilder().build().privateKeyPolicy());
        try (TunnelConnection c = through(hop).connect(Target.of("127.0.0.1", echo.port()), SshHopMinaTest.T)) {
            c.outputStream().write(new byte[] {42});
            c.outputStream().flush();
            assertEquals(42, c.inputStream().read());
        }
    }
}
