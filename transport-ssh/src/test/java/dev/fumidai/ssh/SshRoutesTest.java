package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fumidai.Target;
import dev.fumidai.ssh.config.ResolvedSshConfig;
import dev.fumidai.ssh.config.SshConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks that an ssh_config ProxyJump chain becomes SSH hops with the configured addresses and settings. */
class SshRoutesTest {

    @Test
    void buildsOneHopPerJumpAndTheHostLast() {
        SshConfig c = SshConfig.parse("""
                Host db
                  HostName 10.0.0.9
                  Port 5022
                  User dbadmin
                  ProxyJump ops@bastion
                  IdentityFile /keys/db
                  UserKnownHostsFile /kh/db
                  KexAlgorithms curve25519-sha256
                Host bastion
                  HostName bastion.example
                  HostKeyAlias bastion-key
                  StrictHostKeyChecking accept-new
                  UserKnownHostsFile /kh/bastion
                """, Path.of("."));
        List<ResolvedSshConfig> chain = c.resolveChain("db", "alice");
        List<SshHop> hops = SshRoutes.fromSshConfig(chain.toArray(ResolvedSshConfig[]::new));
        assertEquals(2, hops.size());
        assertEquals(Target.of("bastion.example", 22), hops.get(0).address());
        assertEquals("bastion-key", hops.get(0).name());
        assertEquals("ops", hops.get(0).user());
        assertInstanceOf(TrustOnFirstUseVerifier.class, hops.get(0).hostKeyVerifier());
        assertEquals(Target.of("10.0.0.9", 5022), hops.get(1).address());
        assertEquals("dbadmin", hops.get(1).user());
        assertEquals(List.of(Path.of("/keys/db")), hops.get(1).identityFiles());
        KnownHostsVerifier v = assertInstanceOf(KnownHostsVerifier.class, hops.get(1).hostKeyVerifier());
        assertEquals(Path.of("/kh/db"), v.files().get(0));
    }

    @Test
    void refusesProxyCommandRatherThanRunningIt() {
        SshConfig c = SshConfig.parse("Host p\n ProxyCommand nc %h %p\n", Path.of("."));
        assertThrows(IllegalArgumentException.class, () -> SshRoutes.fromSshConfig(c.resolve("p", "alice")));
    }
}
