// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.testing.EchoServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authenticates an {@link SshHop} to MINA SSHD with keys held in memory: a JDK {@link KeyPair}, OpenSSH key text
 * as bytes, an encrypted OpenSSH key as characters with its passphrase, and a PKCS#8 PEM key; a wrong passphrase
 * leaves no key to offer, so authentication fails naming the hop.
 */
class SshHopInMemoryKeyTest {

    static final Duration T = Duration.ofSeconds(20);
    static final char[] PASS = "correct horse battery".toCharArray();

    SshServer server;
    final Set<String> authorized = ConcurrentHashMap.newKeySet();
    String hostKeyFingerprint;
    EchoServer echo;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        KeyPair hostKey = KeyPairGenerator.getInstance("EC").generateKeyPair();
        hostKeyFingerprint = SshPublicKeys.fromJavaKey(hostKey.getPublic()).fingerprint();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
        server.setPublickeyAuthenticator((user, key, session) -> authorized.contains(fingerprint(key)));
        server.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(true);
        echo.close();
    }

    static String fingerprint(PublicKey key) {
        try {
            return SshPublicKeys.fromJavaKey(key).fingerprint();
        } catch (Exception e) {
            return "unparseable";
        }
    }

    SshHop.Builder hop() {
        int port = ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
        return SshHop.builder().address(Target.of("127.0.0.1", port))
                .hostKeyVerifier(PinnedFingerprintVerifier.of(hostKeyFingerprint)).name("mem").user("ops");
    }

    void roundTrip(SshHop hop) throws Exception {
        try (JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:keys").build();
                TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
            c.outputStream().write("key".getBytes(StandardCharsets.US_ASCII));
            c.outputStream().flush();
            assertArrayEquals("key".getBytes(StandardCharsets.US_ASCII), c.inputStream().readNBytes(3));
        }
    }

    @Test
    void jdkKeyPairs() throws Exception {
        for (String alg : new String[] {"Ed25519", "EC", "RSA"}) {
            KeyPair pair = KeyPairGenerator.getInstance(alg).generateKeyPair();
            authorized.clear();
            authorized.add(fingerprint(pair.getPublic()));
            roundTrip(hop().identity(pair).build());
        }
    }

    @Test
    void openSshTextAsBytes() throws Exception {
        authorized.add(SshHopMinaTest.fingerprintOf("ed25519_openssh"));
        byte[] text = Files.readAllBytes(SshHopMinaTest.fixture("ed25519_openssh"));
        SshHop hop = hop().identity(text, null).build();
        java.util.Arrays.fill(text, (byte) 0); // the hop kept its own copy
        roundTrip(hop);
    }

    @Test
    void encryptedOpenSshTextAsCharsWithPassphrase() throws Exception {
        authorized.add(SshHopMinaTest.fingerprintOf("ecdsa256_openssh"));
        char[] text = Files.readString(SshHopMinaTest.fixture("ecdsa256_openssh_aes256-ctr")).toCharArray();
        roundTrip(hop().identity(text, PASS).build());
    }

    @Test
    void pkcs8PemText() throws Exception {
        authorized.add(SshHopMinaTest.fingerprintOf("rsa_openssh"));
        roundTrip(hop().identity(Files.readAllBytes(SshHopMinaTest.fixture("rsa_pkcs8")), null).build());
    }

    @Test
    void wrongPassphraseLeavesNoKeyAndAuthenticationFails() throws Exception {
        authorized.add(SshHopMinaTest.fingerprintOf("ecdsa256_openssh"));
        SshHop hop = hop().identity(Files.readAllBytes(SshHopMinaTest.fixture("ecdsa256_openssh_aes256-ctr")),
                "wrong".toCharArray()).build();
        try (JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:keys").build()) {
            HopAuthenticationException e = assertThrows(HopAuthenticationException.class,
                    () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
            assertEquals(true, e.getMessage().contains("\"mem\""), e.getMessage());
        }
    }
}
