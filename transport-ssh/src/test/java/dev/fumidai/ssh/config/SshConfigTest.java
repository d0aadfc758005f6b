package dev.fumidai.ssh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.SshTransportConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the parts of ssh_config handling that the corpus does not show: refusals, guards, modifiers. */
class SshConfigTest {

    @TempDir
    Path dir;

    private static ResolvedSshConfig resolve(String text, String alias) {
        return SshConfig.parse(text, Path.of(".")).resolve(alias, "alice");
    }

    @Test
    void refusesMatchExecWithoutRunningIt() {
        SshConfigException e = assertThrows(SshConfigException.class,
                () -> resolve("Match exec \"touch /tmp/pwned\"\n  User x\n", "h"));
        assertTrue(e.getMessage().contains("Match exec is refused"), e.getMessage());
    }

    @Test
    void refusesUnsafeAliasesUsersAndJumpSpecs() {
        assertThrows(SshConfigException.class, () -> resolve("", "-oProxyCommand=x"));
        assertThrows(SshConfigException.class, () -> resolve("", "host;id"));
        assertThrows(SshConfigException.class, () -> resolve("Host h\n User \"a$(id)\"\n", "h"));
        assertThrows(SshConfigException.class, () -> resolve("Host h\n ProxyJump -oProxyCommand=x\n", "h"));
        assertThrows(SshConfigException.class, () -> resolve("Host h\n ProxyJump `id`@j\n", "h"));
        assertThrows(SshConfigException.class, () -> resolve("Host h\n HostName a|b\n", "h"));
    }

    @Test
    void appliesAlgorithmModifiersToOurDefaults() {
        List<String> kex = SshTransportConfig.defaults().kexAlgorithms();
        ResolvedSshConfig r = resolve("KexAlgorithms -ecdh-*\nCiphers ^aes256-ctr\nMACs +hmac-sha2-512\n", "x");
        List<String> want = new ArrayList<>(kex);
        want.removeIf(k -> k.startsWith("ecdh-"));
        assertEquals(want, r.kexAlgorithms());
        List<String> ciphers = new ArrayList<>(SshTransportConfig.defaults().ciphers());
        ciphers.remove("aes256-ctr");
        ciphers.add(0, "aes256-ctr");
        assertEquals(ciphers, r.ciphers());
        assertEquals(SshTransportConfig.defaults().macs(), r.macs(), "+ of a present name changes nothing");
        assertEquals(List.of("a", "b"), resolve("HostKeyAlgorithms a,b\n", "x").hostKeyAlgorithms());
    }

    @Test
    void resolvesProxyJumpChainsRecursivelyInConnectOrder() {
        SshConfig c = SshConfig.parse("""
                Host target
                  ProxyJump ops@mid:2222,last
                Host mid
                  HostName mid.example
                  User ignored-by-spec
                  ProxyJump first
                Host last
                  ProxyJump never-followed
                Host first
                  Port 2200
                """, Path.of("."));
        List<ResolvedSshConfig> chain = c.resolveChain("target", "alice");
        assertEquals(List.of("first", "mid.example", "last", "target"),
                chain.stream().map(ResolvedSshConfig::hostName).toList());
        assertEquals("ops", chain.get(1).user());
        assertEquals(2222, chain.get(1).port());
        assertEquals(2200, chain.get(0).port());
    }

    @Test
    void refusesProxyJumpLoopsAndOverlongChains() {
        SshConfig loop = SshConfig.parse("Host a\n ProxyJump b\nHost b\n ProxyJump a\n", Path.of("."));
        SshConfigException e = assertThrows(SshConfigException.class, () -> loop.resolveChain("a", "alice"));
        assertTrue(e.getMessage().contains("loop"), e.getMessage());
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append("Host h").append(i).append("\n ProxyJump h").append(i + 1).append('\n');
        }
        SshConfig deep = SshConfig.parse(sb.toString(), Path.of("."));
        e = assertThrows(SshConfigException.class, () -> deep.resolveChain("h0", "alice"));
        assertTrue(e.getMessage().contains("deeper than 16"), e.getMessage());
    }

    @Test
    void parsesJumpSpecForms() {
        assertEquals(new JumpSpec(Optional.of("u"), "h", 22), JumpSpec.parse("u@h:22"));
        assertEquals(new JumpSpec(Optional.empty(), "::1", 2200), JumpSpec.parse("[::1]:2200"));
        assertEquals(new JumpSpec(Optional.of("u"), "h", -1), JumpSpec.parse("ssh://u@h"));
        assertThrows(SshConfigException.class, () -> JumpSpec.parse("h:99999"));
    }

    @Test
    void boundsIncludeDepth() throws IOException {
        Files.writeString(dir.resolve("self.conf"), "Include self.conf\n");
        SshConfigException e = assertThrows(SshConfigException.class,
                () -> SshConfig.parse("Include self.conf\n", dir));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    @Test
    void splitsQuotedArgumentsAndStopsAtComments() {
        assertEquals(List.of("a b", "c", "d'e"), SshConfig.split("\"a b\" c \"d'e\" # comment", "t"));
        assertEquals(List.of("x\"y"), SshConfig.split("'x\"y'", "t"));
        assertThrows(SshConfigException.class, () -> SshConfig.split("\"open", "t"));
    }

    @Test
    void rejectsUnknownTokensAndKeepsUnknownKeywords() {
        assertThrows(SshConfigException.class, () -> resolve("IdentityFile ~/.ssh/%Z\n", "h"));
        ResolvedSshConfig r = resolve("Frobnicate on\nGSSAPIAuthentication no\n", "h");
        assertEquals(2, r.unknownKeywords().size());
        assertEquals("echo 100%", resolve("ProxyCommand echo 100%%\n", "h").proxyCommand().orElseThrow());
    }
}
