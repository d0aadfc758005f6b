// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.internal.keys.OpenSshCertificate;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lists and signs with keys held by a real OpenSSH {@code ssh-agent} that the test starts and stops. */
@Tag("interop")
class SshAgentClientInteropTest {

    private static final byte[] DATA = "userauth signature data".getBytes(StandardCharsets.UTF_8);

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
                throw new AssertionError("ssh-agent did not create its socket: " + Files.readString(dir.resolve("agent.log")));
            }
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stopAgent() throws Exception {
        if (agent != null) {
            agent.destroy();
            assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
        }
    }

    private Path fixture(String resource, String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/dev/fumidai/ssh/" + resource)) {
            Files.copy(in, target);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        return target;
    }

    private void sshAdd(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "ssh-add";
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("SSH_AUTH_SOCK", socket.toString());
        env.remove("DISPLAY");
        env.remove("SSH_ASKPASS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "ssh-add failed: " + out);
    }

    @Test
    void listsKeysAndCertificatesAndSignsWithEveryAlgorithm() throws Exception {
        Path ed = fixture("keys/id_ed25519", "id_ed25519");
        fixture("keys/id_ed25519-cert.pub", "id_ed25519-cert.pub"); // ssh-add loads it with the key
        Path ecdsa = fixture("privkeys/ecdsa384_openssh", "id_ecdsa");
        Path rsa = fixture("privkeys/rsa_openssh", "id_rsa");
        sshAdd(ed.toString(), ecdsa.toString(), rsa.toString());

        SshAgentClient client = SshAgentClient.of(socket);
        List<AgentIdentity> ids = client.identities();
        assertEquals(4, ids.size(), ids.toString());
        assertTrue(ids.stream().anyMatch(i -> i.key() instanceof OpenSshCertificate), ids.toString());
        SshPublicKey rsaKey = SshPublicKeys.parseText(new String(getClass()
                .getResourceAsStream("/dev/fumidai/ssh/privkeys/rsa.pub").readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(ids.stream().anyMatch(i -> i.key().equals(rsaKey)));

        for (AgentIdentity id : ids) {
            String type = id.key().keyType();
            List<String> algorithms = type.equals("ssh-rsa") ? List.of("rsa-sha2-256", "rsa-sha2-512")
                    : List.of(type);
            for (String algorithm : algorithms) {
                byte[] blob = client.sign(id.key(), algorithm, DATA);
                assertTrue(id.key().verify(algorithm, DATA, blob), type + " " + algorithm);
                assertFalse(id.key().verify(algorithm, new byte[] {1}, blob));
            }
        }
    }

    @Test
    void refusalIsReportedAsSuch() throws Exception {
        Path ed = fixture("privkeys/ed25519_openssh", "id_ed25519");
        sshAdd("-c", ed.toString()); // confirmation required, and no askpass: the agent must refuse
        SshAgentClient client = SshAgentClient.of(socket);
        AgentIdentity id = client.identities().get(0);
        SshAgentException e = assertThrows(SshAgentException.class, () -> client.sign(id.key(), "ssh-ed25519", DATA));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void missingSocketIsAClearError() {
        SshAgentException e = assertThrows(SshAgentException.class,
                () -> SshAgentClient.of(dir.resolve("nope.sock")).identities());
        assertTrue(e.getMessage().contains("nope.sock"), e.getMessage());
    }
}
