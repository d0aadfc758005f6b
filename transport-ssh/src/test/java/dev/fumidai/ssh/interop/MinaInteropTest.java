// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs our client transport against Apache MINA SSHD 2.20 in the same JVM: one handshake per key exchange,
 * cipher, MAC and host-key algorithm, each ending with {@code ssh-userauth} accepted and a {@code none}
 * authentication answered with USERAUTH_FAILURE (51).
 */
class MinaInteropTest {

    static SshServer server;
    static Map<String, KeyPair> hostKeys;

    static KeyPair generate(String alg, Object param) throws Exception {
        // MINA's EdDSA support wants Bouncy Castle's Ed25519 key classes; the provider instance is used
        // directly, never registered globally.
        KeyPairGenerator g = alg.equals("Ed25519")
                ? KeyPairGenerator.getInstance(alg, new org.bouncycastle.jce.provider.BouncyCastleProvider())
                : KeyPairGenerator.getInstance(alg);
        if (param instanceof Integer bits) {
            g.initialize(bits);
        } else if (param instanceof String curve) {
            g.initialize(new ECGenParameterSpec(curve));
        }
        return g.generateKeyPair();
    }

    @BeforeAll
    static void startServer() throws Exception {
        hostKeys = Map.of(
                KeyAlgorithms.SSH_ED25519, generate("Ed25519", null),
                KeyAlgorithms.ECDSA_NISTP256, generate("EC", "secp256r1"),
                KeyAlgorithms.ECDSA_NISTP384, generate("EC", "secp384r1"),
                KeyAlgorithms.ECDSA_NISTP521, generate("EC", "secp521r1"),
                KeyAlgorithms.SSH_RSA, generate("RSA", 2048));
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(new ArrayList<>(hostKeys.values())));
        server.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                new ArrayList<>(BuiltinDHFactories.VALUES), ServerBuilder.DH2KEX));
        server.setCipherFactories(new ArrayList<>(BuiltinCiphers.VALUES));
        server.setMacFactories(new ArrayList<>(BuiltinMacs.VALUES));
        server.setPasswordAuthenticator((user, password, session) -> false);
        server.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.stop(true);
    }

    static int port() {
        return ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
    }

    /** Accepts exactly the server key of the negotiated type, compared by fingerprint. */
    static HostKeyVerifier pinned() {
        return check -> {
            String fp = SshPublicKeys.fingerprint(check.hostKeyBlob());
            for (KeyPair kp : hostKeys.values()) {
                try {
                    if (SshPublicKeys.fromJavaKey(kp.getPublic()).fingerprint().equals(fp)) {
                        return new HostKeyVerdict(VerifiedBy.PINNED, fp, false);
                    }
                } catch (Exception e) {
                    throw new HostKeyVerificationException(HostKeyVerificationException.Kind.UNKNOWN, e.toString());
                }
            }
            throw new HostKeyVerificationException(HostKeyVerificationException.Kind.UNKNOWN, "not pinned: " + fp);
        };
    }

    static void handshake(SshTransportConfig config, String expectKex, String expectCipher, String expectHostKey)
            throws Exception {
        try (SshTestClient client = new SshTestClient().connect("127.0.0.1", port(), config, pinned())) {
            SshTransportReadyEvent ready = client.awaitReady();
            assertEquals(expectKex, ready.algorithms().kex());
            assertEquals(expectCipher, ready.algorithms().cipherClientToServer());
            assertEquals(expectHostKey, ready.hostKeyAlgorithm());
            assertTrue(ready.algorithms().strictKex(), "MINA 2.20 supports strict kex");
            assertEquals(VerifiedBy.PINNED, ready.verdict().verifiedBy());
            assertEquals(51, client.tryNoneAuth("nobody"), "USERAUTH_FAILURE");
        }
    }

    static Stream<String> kexAlgorithms() {
        return KexAlgorithms.DEFAULT.stream();
    }

    @ParameterizedTest
    @MethodSource("kexAlgorithms")
    void everyKeyExchange(String kex) throws Exception {
        // The default cipher order depends on the JVM's AES intrinsics (CipherOrder); MINA has both leaders.
        handshake(SshTransportConfig.builder().kexAlgorithms(List.of(kex)).build(), kex,
                CipherAlgorithms.DEFAULT_CIPHERS.get(0), KeyAlgorithms.SSH_ED25519);
    }

    static Stream<Arguments> cipherAndMac() {
        List<Arguments> list = new ArrayList<>();
        for (String c : CipherAlgorithms.DEFAULT_CIPHERS) {
            if (CipherAlgorithms.cipher(c).orElseThrow().aead()) {
                list.add(Arguments.of(c, CipherAlgorithms.HMAC_SHA2_256));
            } else {
                for (String m : CipherAlgorithms.SUPPORTED_MACS) {
                    list.add(Arguments.of(c, m));
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest
    @MethodSource("cipherAndMac")
    void everyCipherAndMac(String cipher, String mac) throws Exception {
        SshTransportConfig config = SshTransportConfig.builder().kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256))
                .ciphers(List.of(cipher)).macs(List.of(mac)).build();
        handshake(config, KexAlgorithms.CURVE25519_SHA256, cipher, KeyAlgorithms.SSH_ED25519);
    }

    static Stream<String> hostKeyAlgorithms() {
        return Stream.of(KeyAlgorithms.SSH_ED25519, KeyAlgorithms.ECDSA_NISTP256, KeyAlgorithms.ECDSA_NISTP384,
                KeyAlgorithms.ECDSA_NISTP521, KeyAlgorithms.RSA_SHA2_512, KeyAlgorithms.RSA_SHA2_256);
    }

    @ParameterizedTest
    @MethodSource("hostKeyAlgorithms")
    void everyHostKeyAlgorithm(String alg) throws Exception {
        SshTransportConfig config = SshTransportConfig.builder().kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256))
                .hostKeyAlgorithms(List.of(alg)).build();
        handshake(config, KexAlgorithms.CURVE25519_SHA256, CipherAlgorithms.DEFAULT_CIPHERS.get(0), alg);
    }

    /**
     * Lets a second MINA server rekey every 16 packets it receives while 2000 IGNORE packets flow after a
     * hand-made publickey authentication, and our client rekey every 8 KiB: both sides start exchanges, at least
     * ten complete, nothing fails.
     */
    @Test
    void rekeysManyTimesInBothDirections() throws Exception {
        SshServer rekeying = SshServer.setUpDefaultServer();
        rekeying.setHost("127.0.0.1");
        rekeying.setPort(0);
        rekeying.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKeys.get(KeyAlgorithms.SSH_ED25519))));
        rekeying.setPublickeyAuthenticator(org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator.INSTANCE);
        org.apache.sshd.core.CoreModuleProperties.REKEY_PACKETS_LIMIT.set(rekeying, 16L);
        rekeying.start();
        try {
            int port = ((InetSocketAddress) rekeying.getBoundAddresses().iterator().next()).getPort();
            SshTransportConfig config = SshTransportConfig.builder().rekeyBytes(8192).build();
            try (SshTestClient client = new SshTestClient().connect("127.0.0.1", port, config, pinned())) {
                SshTransportReadyEvent ready = client.awaitReady();
                KeyPair user = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                assertEquals(52, client.authenticateEd25519("anyone", user, ready.sessionId()));
                // Batches of 50, each awaited: writes held during a rekey complete only after our NEWKEYS, so
                // the flood is paced by the exchanges instead of piling up behind one of them.
                // How many exchanges a batch triggers depends on pacing (writes held during one exchange go out
                // under the next keys), so send batches until 11 exchanges are done, with a bound.
                int kex = 0;
                for (int batch = 0; batch < 400 && kex < 11; batch++) {
                    List<io.netty.channel.ChannelFuture> writes = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
                        new dev.fumidai.ssh.internal.message.IgnoreMessage(new byte[100]).encode(b);
                        writes.add(client.channel.writeAndFlush(b));
                    }
                    for (io.netty.channel.ChannelFuture f : writes) {
                        assertTrue(f.await(30, java.util.concurrent.TimeUnit.SECONDS));
                        assertTrue(f.isSuccess(), () -> String.valueOf(f.cause()));
                    }
                    kex = client.channel.eventLoop().submit(() -> client.transport().completedKeyExchanges())
                            .get(5, java.util.concurrent.TimeUnit.SECONDS);
                }
                assertTrue(kex >= 11, "key exchanges: " + kex);
                assertTrue(client.channel.isActive());
            }
        } finally {
            rekeying.stop(true);
        }
    }

    @Test
    void defaultsNegotiatePostQuantumKex() throws Exception {
        handshake(SshTransportConfig.builder().requirePostQuantumKex(true).requireStrictKex(true).build(),
                KexAlgorithms.MLKEM768_X25519_SHA256, CipherAlgorithms.DEFAULT_CIPHERS.get(0),
                KeyAlgorithms.SSH_ED25519);
    }

    @Test
    void keyExchangeGuessesRightAndWrongConnect() throws Exception {
        KexGuessChecks.rightAndWrongGuessesConnect(port(), pinned(), false);
    }

    /** A MINA server whose first choices are ours (curve25519-sha256, ssh-ed25519) takes a right guess. */
    @Test
    void aRightKeyExchangeGuessIsTakenByMina() throws Exception {
        SshServer guessable = SshServer.setUpDefaultServer();
        guessable.setHost("127.0.0.1");
        guessable.setPort(0);
        guessable.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKeys.get(KeyAlgorithms.SSH_ED25519))));
        guessable.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                List.of(BuiltinDHFactories.curve25519), ServerBuilder.DH2KEX));
        guessable.setPasswordAuthenticator((user, password, session) -> false);
        guessable.start();
        try {
            int port = ((InetSocketAddress) guessable.getBoundAddresses().iterator().next()).getPort();
            KexGuessChecks.rightAndWrongGuessesConnect(port, pinned(), true);
        } finally {
            guessable.stop(true);
        }
    }
}
