// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopHandshakeException;
import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerdict;
import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshAlgorithms;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Security-checklist R4: the Terrapin prefix-truncation attack (CVE-2023-48795) through a scripted proxy
 * ({@link TerrapinProxy}) between our client and MINA SSHD 2.20 in-JVM. With strict kex the added IGNORE ends the
 * connection. Without it (a server that does not offer {@code kex-strict-s-v00@openssh.com}) and with
 * chacha20-poly1305 the test records the weakness as it is: the handshake completes and the server's EXT_INFO
 * is lost without a trace; with aes128-cbc and an encrypt-then-MAC MAC the drop breaks the CBC chain and the
 * connection fails. {@code requireStrictKex} refuses such a server.
 */
class TerrapinProxyTest {

    SshServer server;
    KeyPair hostKey;

    /** Starts MINA; {@code strict=false} removes the strict-kex marker from its KEXINIT, as a pre-2023 server. */
    void startServer(boolean strict) throws Exception {
        hostKey = MinaInteropTest.generate("Ed25519", null);
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
        server.setPasswordAuthenticator((user, password, session) -> false);
        // MINA's defaults leave out CBC; the CBC-EtM case needs it.
        server.setCipherFactories(new java.util.ArrayList<>(org.apache.sshd.common.cipher.BuiltinCiphers.VALUES));
        if (!strict) {
            server.setSessionFactory(new SessionFactory(server) {
                @Override
                protected ServerSessionImpl doCreateSession(IoSession ioSession) throws Exception {
                    return new ServerSessionImpl(getServer(), ioSession) {
                        @Override
                        protected Map<KexProposalOption, String> doStrictKexProposal(
                                Map<KexProposalOption, String> proposal) {
                            return proposal;
                        }
                    };
                }
            });
        }
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(true);
        }
    }

    int serverPort() {
        return ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
    }

    HostKeyVerifier pinned() throws Exception {
        String fp = SshPublicKeys.fromJavaKey(hostKey.getPublic()).fingerprint();
        return check -> {
            assertEquals(fp, SshPublicKeys.fingerprint(check.hostKeyBlob()));
            return new HostKeyVerdict(VerifiedBy.PINNED, fp, false);
        };
    }

    static SshTransportConfig chacha20() {
        return SshTransportConfig.builder().ciphers(List.of(SshAlgorithms.Cipher.CHACHA20_POLY1305))
                .kexAlgorithms(List.of(SshAlgorithms.Kex.CURVE25519_SHA256)).build();
    }

    @Test
    void withStrictKexTheInjectedIgnoreEndsTheConnection() throws Exception {
        startServer(true);
        try (TerrapinProxy proxy = new TerrapinProxy(serverPort());
                SshTestClient client = new SshTestClient().connect("127.0.0.1", proxy.port(), chacha20(), pinned())) {
            Exception e = assertThrows(Exception.class, client::awaitReady);
            assertTrue(proxy.injected());
            // OpenSSH PROTOCOL §1.10: during the initial kex only kex messages may arrive; IGNORE is type 2.
            assertTrue(String.valueOf(e.getMessage()).contains("strict KEX violation: message 2"), e.toString());
        }
    }

    @Test
    void withoutStrictKexChaCha20LosesExtInfoSilently() throws Exception {
        startServer(false);
        // Without the proxy, this server sends EXT_INFO with server-sig-algs after its NEWKEYS.
        try (SshTestClient direct = new SshTestClient().connect("127.0.0.1", serverPort(), chacha20(), pinned())) {
            SshTransportReadyEvent ready = direct.awaitReady();
            assertFalse(ready.algorithms().strictKex());
            assertFalse(ready.serverSigAlgs().isEmpty(), "EXT_INFO arrives when nobody interferes");
        }
        try (TerrapinProxy proxy = new TerrapinProxy(serverPort());
                SshTestClient client = new SshTestClient().connect("127.0.0.1", proxy.port(), chacha20(), pinned())) {
            SshTransportReadyEvent ready = client.awaitReady();
            // The weakness, as documented by Terrapin: the client completes the handshake with the prefix cut.
            assertTrue(proxy.injected());
            assertTrue(proxy.droppedBytes() > 0, "the server's EXT_INFO was dropped");
            assertFalse(ready.algorithms().strictKex());
            assertEquals(SshAlgorithms.Cipher.CHACHA20_POLY1305, ready.algorithms().cipherServerToClient());
            assertEquals(List.of(), ready.serverSigAlgs(), "EXT_INFO is gone and nothing noticed");
            assertEquals(51, client.tryNoneAuth("nobody"), "the session goes on: USERAUTH_FAILURE");
            assertNull(proxy.failure());
        }
    }

    @Test
    void withoutStrictKexCbcEtmBreaksOnTheDroppedPacketInsteadOfLosingItSilently() throws Exception {
        startServer(false);
        // CBC chains each packet to the previous ciphertext: with EXT_INFO gone, the next packet's MAC (over
        // the ciphertext, with the right sequence number) still verifies, but its first block decrypts to
        // garbage. The simple drop therefore ends the connection here; Terrapin's CBC-EtM variant needs a
        // luckier prefix (about 0.03% success in the paper), which this test does not attempt.
        SshTransportConfig config = SshTransportConfig.builder().allowInsecureLegacyAlgorithms()
                .kexAlgorithms(List.of(SshAlgorithms.Kex.CURVE25519_SHA256))
                .ciphers(List.of(SshAlgorithms.InsecureLegacy.AES128_CBC))
                .macs(List.of(SshAlgorithms.Mac.HMAC_SHA2_256_ETM))
                .handshakeTimeout(java.time.Duration.ofSeconds(10)).build();
        try (TerrapinProxy proxy = new TerrapinProxy(serverPort());
                SshTestClient client = new SshTestClient().connect("127.0.0.1", proxy.port(), config, pinned())) {
            Exception e = assertThrows(Exception.class, client::awaitReady);
            assertTrue(proxy.injected());
            assertTrue(proxy.droppedBytes() > 0, "the server's EXT_INFO was dropped");
            assertFalse(String.valueOf(e.getMessage()).contains("strict KEX"), e.toString());
        }
    }

    @Test
    void requireStrictKexRefusesTheNonStrictServer() throws Exception {
        startServer(false);
        SshTransportConfig config = chacha20().toBuilder().requireStrictKex(true).build();
        try (TerrapinProxy proxy = new TerrapinProxy(serverPort());
                SshTestClient client = new SshTestClient().connect("127.0.0.1", proxy.port(), config, pinned())) {
            Exception e = assertThrows(Exception.class, client::awaitReady);
            assertInstanceOf(HopHandshakeException.class, e);
            assertTrue(e.getMessage().contains("server does not support strict key exchange, which this hop requires"),
                    e.getMessage());
            assertFalse(proxy.injected(), "refused at the server's KEXINIT, before any NEWKEYS");
        }
    }
}
