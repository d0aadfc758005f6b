// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerdict;
import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshAlgorithms;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs one handshake per insecure legacy algorithm against MINA SSHD 2.20 (which still offers them all), and
 * checks the refusals: a legacy-only server without the opt-in, and SHA-1 with the opt-in but the SHA-1 policy on.
 */
class MinaLegacyAlgorithmsTest {

    static SshServer server;
    static KeyPair rsa;

    @BeforeAll
    static void start() throws Exception {
        rsa = MinaInteropTest.generate("RSA", 2048);
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(List.of(rsa)));
        server.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                new ArrayList<>(BuiltinDHFactories.VALUES), ServerBuilder.DH2KEX));
        server.setCipherFactories(new ArrayList<>(BuiltinCiphers.VALUES));
        server.setMacFactories(new ArrayList<>(BuiltinMacs.VALUES));
        server.setSignatureFactories(new ArrayList<>(BuiltinSignatures.VALUES));
        server.setPasswordAuthenticator((user, password, session) -> false);
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop(true);
    }

    static int port() {
        return ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
    }

    static HostKeyVerifier pinned() throws Exception {
        String fp = SshPublicKeys.fromJavaKey(rsa.getPublic()).fingerprint();
        return check -> {
            assertEquals(fp, SshPublicKeys.fingerprint(check.hostKeyBlob()));
            return new HostKeyVerdict(VerifiedBy.PINNED, fp, false);
        };
    }

    /** Builds a legacy-enabled, SHA-1-permitting config that offers exactly {@code name} in its list. */
    static SshTransportConfig only(String name) {
        SshTransportConfig.Builder b = SshTransportConfig.builder().allowInsecureLegacyAlgorithms().forbidSha1(false)
                .hostKeyAlgorithms(List.of(SshAlgorithms.HostKey.RSA_SHA2_256));
        if (SshAlgorithms.InsecureLegacy.KEX.contains(name)) {
            b.kexAlgorithms(List.of(name));
        } else if (SshAlgorithms.InsecureLegacy.HOST_KEY.contains(name)) {
            b.hostKeyAlgorithms(List.of(name));
        } else if (SshAlgorithms.InsecureLegacy.CIPHERS.contains(name)) {
            b.ciphers(List.of(name));
        } else {
            b.ciphers(List.of(SshAlgorithms.Cipher.AES128_CTR)).macs(List.of(name));
        }
        return b.build();
    }

    static Stream<String> legacy() {
        return InsecureLegacyTables.all().stream();
    }

    @ParameterizedTest
    @MethodSource("legacy")
    void handshakeWithEachLegacyAlgorithm(String name) throws Exception {
        try (SshTestClient client = new SshTestClient().connect("127.0.0.1", port(), only(name), pinned())) {
            SshTransportReadyEvent ready = client.awaitReady();
            assertTrue(List.of(ready.algorithms().kex(), ready.hostKeyAlgorithm(), ready.algorithms().cipherClientToServer(),
                    ready.algorithms().macClientToServer()).contains(name), () -> "negotiated " + ready.algorithms());
            assertEquals(List.of(name), ready.algorithms().legacyAlgorithms());
            assertEquals(51, client.tryNoneAuth("nobody"), "USERAUTH_FAILURE");
        }
    }

    @Test
    void theSha1PolicyWinsOverTheLegacyOptIn() throws Exception {
        SshTransportConfig config = SshTransportConfig.builder().allowInsecureLegacyAlgorithms()
                .kexAlgorithms(List.of(SshAlgorithms.InsecureLegacy.DH_GROUP14_SHA1)).build();
        try (SshTestClient client = new SshTestClient().connect("127.0.0.1", port(), config, pinned())) {
            Exception e = assertThrows(Exception.class, client::awaitReady);
            assertTrue(e.getMessage().contains("policy forbids SHA-1 but diffie-hellman-group14-sha1 was negotiated"),
                    e.getMessage());
        }
    }

    @Test
    void appendedCbcIsNegotiatedWithAnEncryptThenMacMac() throws Exception {
        // MINA offers every MAC, MAC-then-encrypt ones first; with the legacy list appended we offer CBC with
        // encrypt-then-MAC MACs only (CVE-2008-5161), so that is what both sides pick.
        SshTransportConfig config = SshTransportConfig.builder().appendInsecureLegacyAlgorithms()
                .ciphers(List.of(SshAlgorithms.InsecureLegacy.AES128_CBC)).build();
        try (SshTestClient client = new SshTestClient().connect("127.0.0.1", port(), config, pinned())) {
            SshTransportReadyEvent ready = client.awaitReady();
            assertEquals(SshAlgorithms.InsecureLegacy.AES128_CBC, ready.algorithms().cipherServerToClient());
            assertEquals(SshAlgorithms.Mac.HMAC_SHA2_256_ETM, ready.algorithms().macClientToServer());
            assertEquals(SshAlgorithms.Mac.HMAC_SHA2_256_ETM, ready.algorithms().macServerToClient());
            assertEquals(51, client.tryNoneAuth("nobody"), "USERAUTH_FAILURE");
        }
    }

    @Test
    void aCbcServerWithoutEncryptThenMacIsRefused() throws Exception {
        SshServer cbcOnly = SshServer.setUpDefaultServer();
        cbcOnly.setHost("127.0.0.1");
        cbcOnly.setPort(0);
        cbcOnly.setKeyPairProvider(KeyPairProvider.wrap(List.of(rsa)));
        cbcOnly.setCipherFactories(List.of(BuiltinCiphers.aes128cbc));
        cbcOnly.setMacFactories(List.of(BuiltinMacs.hmacsha256, BuiltinMacs.hmacsha1));
        cbcOnly.setPasswordAuthenticator((user, password, session) -> false);
        cbcOnly.start();
        try {
            // Every legacy algorithm appended and SHA-1 allowed: still no MAC-then-encrypt MAC next to CBC.
            SshTransportConfig config = SshTransportConfig.builder().appendInsecureLegacyAlgorithms().forbidSha1(false)
                    .build();
            try (SshTestClient client = new SshTestClient().connect("127.0.0.1", cbcOnly.getPort(), config,
                    pinned())) {
                Exception e = assertThrows(Exception.class, client::awaitReady);
                assertTrue(e.getMessage().contains("no common MAC client to server algorithm; ours "
                        + "[hmac-sha2-256-etm@openssh.com, hmac-sha2-512-etm@openssh.com, hmac-sha1-etm@openssh.com]"),
                        e.getMessage());
            }
        } finally {
            cbcOnly.stop(true);
        }
    }
}
