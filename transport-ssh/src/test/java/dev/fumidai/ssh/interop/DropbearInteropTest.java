// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerdict;
import dev.fumidai.ssh.HostKeyVerificationException;
import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.message.KexInitMessage;
import dev.fumidai.ssh.internal.transport.NegotiatedAlgorithms;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs our client transport against the system's Dropbear on 127.0.0.1: one handshake per key exchange,
 * cipher, MAC and host-key algorithm that Dropbear offers in its KEXINIT (read by {@link ServerKexInitProbe})
 * and we implement; each ends with {@code ssh-userauth} accepted and a {@code none} authentication answered.
 */
@Tag("interop")
class DropbearInteropTest {

    static final String DROPBEAR = "/usr/sbin/dropbear";
    @TempDir
    static Path dir;
    static ExternalServer server;
    static KexInitMessage offer;
    static final Set<String> hostKeys = new HashSet<>();

    @BeforeAll
    static void start() throws Exception {
        ExternalServer.requireExecutable(DROPBEAR);
        List<String> cmd = new ArrayList<>(List.of(DROPBEAR, "-F", "-E", "-s"));
        for (String[] t : new String[][] {{"ed25519"}, {"ecdsa", "-s", "256"}, {"rsa", "-s", "2048"}}) {
            Path key = dir.resolve("dropbear_" + t[0]);
            List<String> gen = new ArrayList<>(List.of("dropbearkey", "-t", t[0], "-f", key.toString()));
            gen.addAll(List.of(t).subList(1, t.length));
            ExternalServer.run(dir, gen.toArray(String[]::new));
            Process p = new ProcessBuilder("dropbearkey", "-y", "-f", key.toString()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            p.waitFor();
            String line = out.lines().filter(l -> l.startsWith("ssh-") || l.startsWith("ecdsa-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no public key from dropbearkey: " + out));
            hostKeys.add(SshPublicKeys.parseText(line).fingerprint());
            cmd.addAll(List.of("-r", key.toString()));
        }
        int port = ExternalServer.freePort();
        cmd.addAll(List.of("-p", "127.0.0.1:" + port));
        server = ExternalServer.start(dir, port, "Not backgrounding", cmd);
        offer = ServerKexInitProbe.probe(port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static HostKeyVerifier pinned() {
        return check -> {
            String fp = SshPublicKeys.fingerprint(check.hostKeyBlob());
            if (!hostKeys.contains(fp)) {
                throw new HostKeyVerificationException(HostKeyVerificationException.Kind.UNKNOWN, "not pinned " + fp);
            }
            return new HostKeyVerdict(VerifiedBy.PINNED, fp, false);
        };
    }

    static void handshake(SshTransportConfig config) throws Exception {
        try (SshTestClient client = new SshTestClient().connect("127.0.0.1", server.port, config, pinned())) {
            SshTransportReadyEvent ready = client.awaitReady();
            assertEquals(config.kexAlgorithms().get(0), ready.algorithms().kex());
            assertEquals(config.ciphers().get(0), ready.algorithms().cipherClientToServer());
            assertEquals(config.hostKeyAlgorithms().get(0), ready.hostKeyAlgorithm());
            assertEquals(51, client.tryNoneAuth("nobody"), "USERAUTH_FAILURE");
        }
    }

    static Stream<String> kexAlgorithms() {
        List<String> list = KexAlgorithms.DEFAULT.stream().filter(offer.kexAlgorithms()::contains).toList();
        assertFalse(list.isEmpty(), "no common kex with " + offer.kexAlgorithms());
        return list.stream();
    }

    @ParameterizedTest
    @MethodSource("kexAlgorithms")
    void everyKeyExchange(String kex) throws Exception {
        handshake(SshTransportConfig.builder().kexAlgorithms(List.of(kex)).build().toBuilder()
                .ciphers(List.of(firstCommon(CipherAlgorithms.DEFAULT_CIPHERS, offer.encryptionServerToClient())))
                .hostKeyAlgorithms(List.of(KeyAlgorithms.SSH_ED25519)).build());
    }

    static String firstCommon(List<String> ours, List<String> theirs) {
        return ours.stream().filter(theirs::contains).findFirst().orElseThrow();
    }

    static Stream<List<String>> cipherAndMac() {
        List<List<String>> list = new ArrayList<>();
        for (String c : CipherAlgorithms.DEFAULT_CIPHERS) {
            if (!offer.encryptionServerToClient().contains(c)) {
                continue;
            }
            if (CipherAlgorithms.cipher(c).orElseThrow().aead()) {
                list.add(List.of(c, CipherAlgorithms.HMAC_SHA2_256));
            } else {
                CipherAlgorithms.SUPPORTED_MACS.stream().filter(offer.macServerToClient()::contains)
                        .forEach(m -> list.add(List.of(c, m)));
            }
        }
        return list.stream();
    }

    @ParameterizedTest
    @MethodSource("cipherAndMac")
    void everyCipherAndMac(List<String> cipherAndMac) throws Exception {
        handshake(SshTransportConfig.builder().kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256))
                .ciphers(List.of(cipherAndMac.get(0))).macs(List.of(cipherAndMac.get(1)))
                .hostKeyAlgorithms(List.of(KeyAlgorithms.SSH_ED25519)).build());
    }

    static Stream<String> hostKeyAlgorithms() {
        return SshTransportConfig.DEFAULT_HOST_KEY_ALGORITHMS.stream()
                .filter(offer.serverHostKeyAlgorithms()::contains);
    }

    @ParameterizedTest
    @MethodSource("hostKeyAlgorithms")
    void everyHostKeyAlgorithm(String alg) throws Exception {
        handshake(SshTransportConfig.builder().kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256))
                .hostKeyAlgorithms(List.of(alg)).build().toBuilder()
                .ciphers(List.of(firstCommon(CipherAlgorithms.DEFAULT_CIPHERS, offer.encryptionServerToClient())))
                .build());
    }

    @Test
    void theDefaultConfigurationConnects() throws Exception {
        // The default MACs are encrypt-then-MAC only (issue 10 item 7) and Dropbear 2022.83 has none (it offers
        // hmac-sha1 and hmac-sha2-256); the default AEAD ciphers need no MAC, so the defaults still connect.
        try (SshTestClient client = new SshTestClient().connect("127.0.0.1", server.port, SshTransportConfig.defaults(),
                pinned())) {
            SshTransportReadyEvent ready = client.awaitReady();
            for (String mac : List.of(ready.algorithms().macClientToServer(), ready.algorithms().macServerToClient())) {
                assertTrue(mac.equals(NegotiatedAlgorithms.IMPLICIT_MAC) || CipherAlgorithms.isEtm(mac),
                        () -> "negotiated " + ready.algorithms() + "; Dropbear offers MACs " + offer.macServerToClient());
            }
            assertEquals(51, client.tryNoneAuth("nobody"), "USERAUTH_FAILURE");
        }
    }

    @Test
    void keyExchangeGuessesRightAndWrongConnect() throws Exception {
        KexGuessChecks.rightAndWrongGuessesConnect(server.port, pinned(), true);
    }
}
