// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.CommandHop;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.spi.ConfiguredHost;
import dev.fumidai.spi.Hop;
import dev.fumidai.ssh.config.ResolvedSshConfig;
import dev.fumidai.ssh.config.SshConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void theSshHopListRefusesAProxyCommandAndPointsToTheRoute() {
        SshConfig c = SshConfig.parse("Host p\n ProxyCommand nc %h %p\n", Path.of("."));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SshRoutes.fromSshConfig(c.resolve("p", "alice")));
        assertTrue(e.getMessage().contains("SshRoutes.route"), e.getMessage());
    }

    @Test
    void aProxyCommandBecomesAShellCommandHopBeforeTheHost() {
        SshConfig c = SshConfig.parse("""
                Host p
                  HostName 10.0.0.5
                  Port 2022
                  User ops
                  ProxyCommand socat - TCP:%h:%p,keepalive
                  UserKnownHostsFile /kh
                """, Path.of("."));
        Route r = SshRoutes.route(c.resolveChain("p", "alice"));
        assertEquals(2, r.hops().size());
        CommandHop proxy = assertInstanceOf(CommandHop.class, r.hops().get(0));
        assertEquals("ProxyCommand of p", proxy.name());
        // The command line is the resolver's, % signs left alone: CommandHop must not expand it a second time.
        assertEquals(List.of("/bin/sh", "-c", "exec socat - TCP:10.0.0.5:2022,keepalive"),
                proxy.commandFor(Target.of("10.0.0.5", 2022)));
        SshHop hop = assertInstanceOf(SshHop.class, r.hops().get(1));
        assertEquals(Target.of("10.0.0.5", 2022), hop.address());
        SshConfig literal = SshConfig.parse("Host q\n ProxyCommand printf %%s x\n UserKnownHostsFile /kh\n",
                Path.of("."));
        assertEquals(List.of("/bin/sh", "-c", "exec printf %s x"), ((CommandHop) SshRoutes.route(
                literal.resolveChain("q", "alice")).hops().get(0)).commandFor(Target.of("q", 22)));
    }

    @Test
    void onlyTheFirstHostOfAChainUsesItsProxyCommand() {
        SshConfig c = SshConfig.parse("""
                Host target
                  ProxyJump entry,second
                Host entry
                  ProxyCommand nc %h %p
                Host second
                  ProxyCommand never-run %h
                Host *
                  UserKnownHostsFile /kh
                """, Path.of("."));
        Route r = SshRoutes.route(c.resolveChain("target", "alice"));
        assertEquals(List.of("ProxyCommand of entry", "entry", "second", "target"),
                r.hops().stream().map(Hop::name).toList());
        assertEquals(List.of("/bin/sh", "-c", "exec nc entry 22"),
                ((CommandHop) r.hops().get(0)).commandFor(Target.of("entry", 22)));
    }

    @Test
    void appliesTimeoutsLivenessAuthOrderCertificatesAndRekeyLimits() {
        SshConfig c = SshConfig.parse("""
                Host h
                  ConnectTimeout 7
                  ServerAliveInterval 1m
                  ServerAliveCountMax 5
                  PreferredAuthentications keyboard-interactive,publickey
                  NumberOfPasswordPrompts 1
                  IdentityFile /keys/id
                  CertificateFile /keys/id-cert.pub
                  CertificateFile none
                  RekeyLimit 64M 30m
                  UserKnownHostsFile /kh
                Host plain
                  UserKnownHostsFile /kh
                """, Path.of("."));
        SshHop h = SshRoutes.hop(c.resolve("h", "alice"));
        assertEquals(java.util.Optional.of(Duration.ofSeconds(7)), h.connectTimeout());
        assertEquals(Duration.ofMinutes(1), h.serverAliveInterval());
        assertEquals(5, h.serverAliveCountMax());
        assertEquals(List.of("keyboard-interactive", "publickey"), h.preferredAuthentications());
        assertEquals(1, h.numberOfPasswordPrompts());
        assertEquals(List.of(Path.of("/keys/id-cert.pub")), h.certificateFiles());
        assertEquals(64L << 20, h.transportConfig().rekeyBytes());
        assertEquals(Duration.ofMinutes(30), h.transportConfig().rekeyInterval());

        SshHop p = SshRoutes.hop(c.resolve("plain", "alice"));
        assertEquals(java.util.Optional.empty(), p.connectTimeout());
        assertEquals(Duration.ZERO, p.serverAliveInterval(), "no probes unless configured, as OpenSSH");
        assertEquals(List.of("publickey", "keyboard-interactive", "password"), p.preferredAuthentications());
        assertEquals(3, p.numberOfPasswordPrompts(), "OpenSSH's default NumberOfPasswordPrompts");
        assertEquals(List.of(), p.certificateFiles());
        assertEquals(SshTransportConfig.DEFAULT_REKEY_BYTES, p.transportConfig().rekeyBytes());
    }

    @Test
    void hashKnownHostsDecidesHowTrustOnFirstUseRecords() {
        SshConfig c = SshConfig.parse("""
                Host plain
                  HashKnownHosts no
                Host hashed
                  HashKnownHosts yes
                Host *
                  StrictHostKeyChecking accept-new
                  UserKnownHostsFile /kh
                """, Path.of("."));
        assertFalse(((TrustOnFirstUseVerifier) SshRoutes.verifierFor(c.resolve("plain", "alice")))
                .isHashingHostNames());
        assertTrue(((TrustOnFirstUseVerifier) SshRoutes.verifierFor(c.resolve("hashed", "alice")))
                .isHashingHostNames());
        assertTrue(((TrustOnFirstUseVerifier) SshRoutes.verifierFor(c.resolve("unset", "alice")))
                .isHashingHostNames(), "unset keeps our hashed default");
    }

    @Test
    void coreFindsTheResolverAndBuildsRoutesAndTargetsFromAnAlias(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config");
        Files.writeString(file, """
                Host db
                  HostName 10.0.0.9
                  Port 5022
                  ProxyJump ops@bastion
                Host bastion
                  HostName bastion.example
                Host evil
                  HostName "a;id"
                Host *
                  UserKnownHostsFile /kh
                """);
        Route through = Route.fromSshConfig("db", file);
        assertEquals(List.of(Target.of("bastion.example", 22), Target.of("10.0.0.9", 5022)),
                through.hops().stream().map(Hop::address).toList(), "the alias is the last hop");
        Route to = Route.toSshConfigHost("db", file);
        assertEquals(List.of(Target.of("bastion.example", 22)), to.hops().stream().map(Hop::address).toList());
        assertEquals(Target.of("10.0.0.9", 5022), Target.fromSshConfig("db", file));
        assertTrue(Route.toSshConfigHost("bastion", file).isDirect());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Route.fromSshConfig("typo", file));
        assertTrue(unknown.getMessage().contains("names \"typo\"") && unknown.getMessage().contains(file.toString()),
                unknown.getMessage());
        IllegalArgumentException unsafe = assertThrows(IllegalArgumentException.class,
                () -> Route.fromSshConfig("evil", file));
        assertTrue(unsafe.getMessage().contains("HostName"), unsafe.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Target.fromSshConfig("x", dir.resolve("missing")));
    }

    @Test
    void theHopBuilderRefusesSettingsThatCannotWork() {
        SshHop.Builder b = SshHop.builder().address(Target.of("h", 22))
                .hostKeyVerifier(KnownHostsVerifier.of(Path.of("/kh")));
        assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.serverAlive(Duration.ofSeconds(-1), 3));
        assertThrows(IllegalArgumentException.class, () -> b.serverAlive(Duration.ofSeconds(5), 0));
        assertThrows(IllegalArgumentException.class, () -> b.preferredAuthentications(List.of()));
        assertThrows(IllegalArgumentException.class, () -> b.numberOfPasswordPrompts(-1));
        SshHop h = b.connectTimeout(Duration.ofSeconds(3)).serverAlive(Duration.ofSeconds(5), 2)
                .preferredAuthentications(List.of("password")).certificate(Path.of("/c")).numberOfPasswordPrompts(5)
                .build();
        SshHop copy = h.toBuilder().build();
        assertEquals(h.connectTimeout(), copy.connectTimeout(), "toBuilder keeps every setting");
        assertEquals(h.serverAliveInterval(), copy.serverAliveInterval());
        assertEquals(h.serverAliveCountMax(), copy.serverAliveCountMax());
        assertEquals(h.preferredAuthentications(), copy.preferredAuthentications());
        assertEquals(5, copy.numberOfPasswordPrompts());
        assertEquals(h.certificateFiles(), copy.certificateFiles());
        assertEquals(java.util.Optional.empty(), h.toBuilder().connectTimeout(null).build().connectTimeout());
    }

    @Test
    void theCommandLineFormResolvesUnlistedHostsAndAppliesOptions(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config"), "Host bastion\n  HostName 10.0.0.1\n"
                + "Host *\n  UserKnownHostsFile /kh\n");
        ConfiguredHost h = SshRoutes.resolveCommandLine("db.internal", file,
                List.of("Port 5022", "User ops", "ProxyJump bastion"));
        assertEquals(Target.of("db.internal", 5022), h.address());
        assertEquals("ops", ((SshHop) h.hop()).user());
        assertEquals(List.of(Target.of("10.0.0.1", 22)), h.via().stream().map(Hop::address).toList());
        assertThrows(IllegalArgumentException.class, () -> SshRoutes.resolve("db.internal", file),
                "the strict form still wants a block that names the host");
    }
}
