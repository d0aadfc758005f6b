// SPDX-License-Identifier: Apache-2.0
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
    void keepsEveryForwardingLineOfTheHostInOrderAndNoneAsUnknown() {
        ResolvedSshConfig r = resolve("""
                Host h
                  LocalForward 5432 db:5432
                  RemoteForward 8080 localhost:80
                  DynamicForward 127.0.0.1:1080
                  RemoteForward /run/remote.sock /run/local.sock
                  DynamicForward 1081
                Host other
                  RemoteForward 9999 elsewhere:1
                  DynamicForward 9998
                """, "h");
        assertEquals(List.of("5432 db:5432"), r.localForwards());
        assertEquals(List.of("8080 localhost:80", "/run/remote.sock /run/local.sock"), r.remoteForwards());
        assertEquals(List.of("127.0.0.1:1080", "1081"), r.dynamicForwards());
        assertEquals(List.of(), r.unknownKeywords());
        assertTrue(r.isSet("RemoteForward") && r.isSet("DynamicForward"));
        ResolvedSshConfig none = resolve("Host h\n  User u\n", "h");
        assertEquals(List.of(), none.remoteForwards());
        assertEquals(List.of(), none.dynamicForwards());
    }

    @Test
    void appliesAlgorithmModifiersToOurDefaults() {
        List<String> kex = SshTransportConfig.defaults().kexAlgorithms();
        ResolvedSshConfig r = resolve("KexAlgorithms -ecdh-*\nCiphers ^aes256-ctr\nMACs +hmac-sha2-512-etm@openssh.com\n",
                "x");
        List<String> want = new ArrayList<>(kex);
        want.removeIf(k -> k.startsWith("ecdh-"));
        assertEquals(want, r.kexAlgorithms());
        List<String> ciphers = new ArrayList<>(SshTransportConfig.defaults().ciphers());
        ciphers.remove("aes256-ctr");
        ciphers.add(0, "aes256-ctr");
        assertEquals(ciphers, r.ciphers());
        assertEquals(SshTransportConfig.defaults().macs(), r.macs(), "+ of a present name changes nothing");
        List<String> macs = new ArrayList<>(SshTransportConfig.defaults().macs());
        macs.add("hmac-sha2-256");
        assertEquals(macs, resolve("MACs +hmac-sha2-256\n", "x").macs(), "a MAC-then-encrypt MAC only when named");
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

    @Test
    void ignoreUnknownSilencesOnlyTheKeywordsItListsAfterIt() {
        ResolvedSshConfig r = resolve("""
                Host h
                  EarlyFuture yes
                  IgnoreUnknown Later*,other
                  LaterKeyword 1
                  UnlistedKeyword 2
                  Other 3
                """, "h");
        assertEquals(List.of("<config>:2 earlyfuture", "<config>:5 unlistedkeyword"), r.unknownKeywords(),
                "IgnoreUnknown takes effect from its own line on, as OpenSSH reads it");
    }

    @Test
    void proxyCommandAndProxyJumpFirstObtainedWinsAsInOpenSsh() {
        ResolvedSshConfig pc = resolve("Host h\n ProxyCommand nc %h %p\n ProxyJump j\n", "h");
        assertEquals(Optional.of("nc h 22"), pc.proxyCommand());
        assertTrue(pc.proxyJump().isEmpty());
        ResolvedSshConfig pj = resolve("Host h\n ProxyJump j\n ProxyCommand nc %h %p\n", "h");
        assertEquals(Optional.empty(), pj.proxyCommand());
        assertEquals("j", pj.proxyJump().get(0).host());
        ResolvedSshConfig none = resolve("Host h\n ProxyCommand none\n ProxyJump j\n", "h");
        assertEquals(Optional.empty(), none.proxyCommand(), "ProxyCommand none is honoured");
        assertTrue(none.proxyJump().isEmpty(), "and blocks a later ProxyJump (ssh -G agrees)");
        ResolvedSshConfig jumpNone = resolve("Host h\n ProxyJump none\n ProxyCommand nc %h\n ProxyJump j\n", "h");
        assertEquals(Optional.of("nc h"), jumpNone.proxyCommand(), "ProxyJump none lets a ProxyCommand through");
        assertTrue(jumpNone.proxyJump().isEmpty());
    }

    @Test
    void proxyCommandExpandsItsTokensFromCheckedValuesOnly() {
        ResolvedSshConfig r = resolve("Host h\n HostName 10.0.0.7\n Port 2222\n User ops\n"
                + " ProxyCommand socat - TCP:%h:%p,%%n=%n,%%r=%r\n", "h");
        assertEquals(Optional.of("socat - TCP:10.0.0.7:2222,%n=h,%r=ops"), r.proxyCommand());
        assertThrows(SshConfigException.class, () -> resolve("Host h\n ProxyCommand nc %d\n", "h"),
                "%d is not a ProxyCommand token");
        assertThrows(SshConfigException.class, () -> resolve("Host h\n User \"a b\"\n ProxyCommand nc %r\n", "h"),
                "a user with white space never reaches the command line");
    }

    @Test
    void namesTellsAConfiguredAliasFromACatchAll() {
        SshConfig c = SshConfig.parse("""
                Host web !web-old
                  User w
                Host *.internal
                  User i
                Match originalhost db
                  User d
                Host *
                  User any
                """, Path.of("."));
        assertTrue(c.names("web", "alice"));
        assertTrue(c.names("x.internal", "alice"));
        assertTrue(c.names("db", "alice"));
        assertTrue(!c.names("web-old", "alice"), "negated");
        assertTrue(!c.names("typo", "alice"), "only Host * applies");
    }

    @Test
    void defaultsReadTheUserFileThenTheSystemFileEachFromTheTop() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path user = home.resolve("config");
        Path system = dir.resolve("ssh_config");
        Files.writeString(user, "Host a\n  User from-user\nHost other\n  Port 1\n");
        Files.writeString(system, "Port 2200\nHost *\n  User from-system\n  Port 9\n");
        Files.setPosixFilePermissions(user, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ResolvedSshConfig r = SshConfig.of(home, user, system).resolve("a", "alice");
        assertEquals("from-user", r.user());
        assertEquals(2200, r.port(), "the system file starts active even after the user file's last Host");
        assertEquals("from-system", SshConfig.of(home, user, system).resolve("b", "alice").user());
        assertEquals("alice", SshConfig.of(home, dir.resolve("missing"), dir.resolve("missing2"))
                .resolve("a", "alice").user(), "missing files count as empty");
    }

    @Test
    void refusesAUserFileOthersMayWrite() throws IOException {
        Path user = dir.resolve("config");
        Files.writeString(user, "Host a\n  ProxyCommand touch /tmp/pwned\n");
        Files.setPosixFilePermissions(user, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        SshConfigException e = assertThrows(SshConfigException.class,
                () -> SshConfig.of(dir, user, dir.resolve("none")));
        assertTrue(e.getMessage().contains("bad owner or permissions"), e.getMessage());
        Path inc = dir.resolve("inc.conf");
        Files.writeString(inc, "User x\n");
        Files.setPosixFilePermissions(inc, java.nio.file.attribute.PosixFilePermissions.fromString("rw--w----"));
        Files.writeString(user, "Include " + inc + "\n");
        Files.setPosixFilePermissions(user, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(SshConfigException.class, () -> SshConfig.of(dir, user, dir.resolve("none")),
                "an Include of the user file is checked too");
        // A file named with -F is not checked, as in OpenSSH.
        assertEquals("x", SshConfig.parse(user).resolve("a", "alice").user());
    }

    @Test
    void commandLineOptionsWinAndReachTheDestinationOnly() {
        SshConfig c = SshConfig.parse("""
                Host db
                  User from-file
                  Port 2200
                  ProxyJump bastion
                Host bastion
                  ConnectTimeout 30
                """, Path.of("."));
        List<ResolvedSshConfig> chain = c.resolveChain("db", "alice",
                List.of("User=cli", "ConnectTimeout 5", "ProxyJump other,bastion"));
        assertEquals(List.of("other", "bastion", "db"), chain.stream().map(ResolvedSshConfig::originalHost).toList(),
                "a ProxyJump option replaces the alias's own, as ssh -J does");
        ResolvedSshConfig db = chain.get(2);
        assertEquals("cli", db.user());
        assertEquals(2200, db.port(), "keywords no option sets still come from the file");
        assertEquals(Optional.of(java.time.Duration.ofSeconds(5)), db.connectTimeout());
        assertEquals("alice", chain.get(1).user(), "options do not reach the jump hosts");
        assertEquals(Optional.of(java.time.Duration.ofSeconds(30)), chain.get(1).connectTimeout());
        assertEquals("cli", c.resolve("db", "alice", List.of("User cli")).user());
        for (String bad : List.of("Host x", "Match all", "Include /etc/passwd", "User a\nProxyCommand x", "User")) {
            assertThrows(SshConfigException.class, () -> c.resolve("db", "alice", List.of(bad)), bad);
        }
    }
}
