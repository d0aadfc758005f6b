// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.internal.keys.PlainSshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.knownhosts.HostPatterns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import dev.fumidai.ssh.internal.keys.TestCertificates;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security checklist R16 as a differential test: for each known_hosts file, the OpenSSH {@code ssh} client
 * (StrictHostKeyChecking yes) and our {@link KnownHostsVerifier} must both accept or both refuse the same
 * server key. The server is Apache MINA SSHD in this JVM on 127.0.0.1 and refuses every login, so an
 * accepted host key shows as "Permission denied" and a refused one as "Host key verification failed".
 */
@Tag("interop")
class KnownHostsOpenSshOracleTest {

    @TempDir
    Path dir;

    private record Scenario(String name, String knownHosts, boolean expectAccept) {
    }

    @Test
    void ourDecisionMatchesTheOpenSshClientForEachKnownHostsCase() throws Exception {
        KeyPair server = ec();
        String k = text(server);
        String k2 = text(ec());
        String rsa = text(rsa());
        String hashed = HostPatterns.hash("host1", new byte[20]);
        List<Scenario> scenarios = List.of(
                new Scenario("plain entry", "host1 " + k + "\n", true),
                new Scenario("hashed entry", hashed + " " + k + "\n", true),
                new Scenario("same type, other key", "host1 " + k2 + "\n", false),
                new Scenario("only another key type", "host1 " + rsa + "\n", false),
                new Scenario("revoked", "host1 " + k + "\n@revoked * " + k + "\n", false),
                new Scenario("negated", "*,!host1 " + k + "\n", false),
                new Scenario("wildcard", "host? " + k + "\n", true),
                new Scenario("comma list", "hostx,host1 " + k + "\n", true),
                new Scenario("two keys, second matches", "host1 " + k2 + "\nhost1 " + k + "\n", true),
                new Scenario("no trailing newline", "# comment\n\nhost1 " + k, true),
                new Scenario("port entry for another port", "[host1]:2222 " + k + "\n", false),
                new Scenario("empty file", "", false),
                new Scenario("key listed only as a CA", "@cert-authority * " + k + "\n", false));

        PlainSshPublicKey key = SshPublicKeys.fromJavaKey(server.getPublic());
        List<String> disagreements = run(server, null, key.keyType(), key.encoded(), scenarios);
        assertEquals(List.of(), disagreements);
    }

    @Test
    void hostCertificateDecisionsMatchTheOpenSshClient() throws Exception {
        KeyPair server = ec();
        KeyPair ca = ec();
        String caText = text(ca);
        String k = text(server);
        long now = System.currentTimeMillis() / 1000;
        java.util.function.Function<String[], byte[]> cert = principals -> signed(TestCertificates.forKey(server)
                .principals(principals).validity(now - 3600, now + 3600), ca);
        byte[] good = cert.apply(new String[] {"host1"});
        String certAlgorithm = "ecdsa-sha2-nistp256-cert-v01@openssh.com";

        List<String> disagreements = new ArrayList<>(run(server, good, certAlgorithm, good, List.of(
                new Scenario("CA for the host", "@cert-authority host1 " + caText + "\n", true),
                new Scenario("CA for other hosts only", "@cert-authority other* " + caText + "\n", false),
                new Scenario("revoked CA", "@cert-authority * " + caText + "\n@revoked * " + caText + "\n", false),
                new Scenario("revoked host key", "@cert-authority * " + caText + "\n@revoked * " + k + "\n", false),
                new Scenario("unknown CA, plain key known (fallback)", "host1 " + k + "\n", true),
                new Scenario("unknown CA, nothing known", "host2 " + k + "\n", false))));
        String trusted = "@cert-authority * " + caText + "\n";
        byte[] wrong = cert.apply(new String[] {"host2"});
        disagreements.addAll(run(server, wrong, certAlgorithm, wrong,
                List.of(new Scenario("wrong principal", trusted, false))));
        byte[] expired = signed(TestCertificates.forKey(server).validity(now - 7200, now - 3600), ca);
        disagreements.addAll(run(server, expired, certAlgorithm, expired,
                List.of(new Scenario("expired", trusted, false))));
        // A user certificate as host key is not covered here: MINA refuses to offer one ("not a host
        // certificate"); KnownHostsVerifierTest checks that case with an ssh-keygen certificate.
        assertEquals(List.of(), disagreements);
    }

    private static byte[] signed(TestCertificates builder, KeyPair ca) {
        try {
            return builder.caSignatureAlgorithm("ecdsa-sha2-nistp256").signedBy(ca);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a server with the key (and certificate), runs each scenario with both clients, lists disagreements. */
    private List<String> run(KeyPair server, byte[] certificate, String algorithm, byte[] presentedBlob,
            List<Scenario> scenarios) throws Exception {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(server));
        if (certificate != null) {
            org.apache.sshd.common.config.keys.OpenSshCertificate minaCert =
                    (org.apache.sshd.common.config.keys.OpenSshCertificate) org.apache.sshd.common.config.keys
                            .PublicKeyEntry.parsePublicKeyEntry(algorithm + " "
                                    + java.util.Base64.getEncoder().encodeToString(certificate))
                            .resolvePublicKey(null, null, null);
            sshd.setHostKeyCertificateProvider(session -> List.of(minaCert));
        }
        sshd.setPasswordAuthenticator((user, password, session) -> false);
        sshd.setPublickeyAuthenticator((user, key, session) -> false);
        sshd.start();
        List<String> disagreements = new ArrayList<>();
        try {
            for (Scenario s : scenarios) {
                Path kh = dir.resolve("kh-" + s.name().replaceAll("[^a-z0-9]", "_"));
                Files.writeString(kh, s.knownHosts());
                boolean openssh = openSshAccepts(kh, sshd.getPort(), algorithm);
                boolean ours;
                try {
                    KnownHostsVerifier.of(kh).verify(new HostKeyCheck("host1", 22, algorithm, presentedBlob));
                    ours = true;
                } catch (HostKeyVerificationException e) {
                    ours = false;
                }
                if (openssh != ours || ours != s.expectAccept()) {
                    disagreements.add(s.name() + ": openssh=" + openssh + " ours=" + ours + " expected="
                            + s.expectAccept());
                }
            }
        } finally {
            sshd.stop(true);
        }
        return disagreements;
    }

    /** Runs the OpenSSH client with HostKeyAlias host1 (so the name looked up is "host1", port ignored). */
    private boolean openSshAccepts(Path knownHosts, int port, String algorithm) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null", "-o",
                "HostKeyAlias=host1", "-o", "HostKeyAlgorithms=" + algorithm, "-o", "CheckHostIP=no", "-o",
                "UpdateHostKeys=no", "-o", "IdentitiesOnly=yes", "-o", "IdentityFile=/dev/null", "-o",
                "PreferredAuthentications=password", "-o", "ConnectTimeout=20", "-p", Integer.toString(port),
                "nobody@127.0.0.1", "true").redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                        new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ssh did not finish");
        if (out.contains("Host key verification failed")) {
            return false;
        }
        assertTrue(out.contains("Permission denied"), "ssh ended neither in host key failure nor in auth: " + out);
        return true;
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static String text(KeyPair pair) throws Exception {
        return SshPublicKeys.toText(SshPublicKeys.fromJavaKey(pair.getPublic()));
    }
}
