// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.PinnedFingerprintVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.ssh.internal.keys.SshPrivateKeys;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssm.fake.FakeSession;
import dev.fumidai.ssm.fake.FakeSsmService;
import dev.fumidai.testing.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Runs the last test: one {@link Route} of an SSM hop (the fake service's AWS-StartSSHSession to an
 * in-JVM Apache MINA SSHD server) followed by an SSH hop over that stream (pinned host key, public-key auth),
 * whose {@code direct-tcpip} reaches a private echo service. Checks the data's digest and both hops' audit.
 */
@Timeout(120)
class SsmThenSshRouteTest {

    private static final Duration T = Duration.ofSeconds(30);
    private static final String INSTANCE = "i-0123456789abcdef0";
    private static final String ACCESS_KEY_ID = "AKIDSSMTHENSSH";

    @TempDir
    Path dir;

    private EchoServer echo;
    private FakeSsmService fake;
    private SshServer sshd;
    private AwsSdkSsmApi api;
    private final List<String> directTcpip = new CopyOnWriteArrayList<>();
    private String hostKeyFingerprint;
    private Path clientKey;
    private String clientFingerprint;

    @BeforeEach
    void start() throws Exception {
        echo = EchoServer.start();
        fake = FakeSsmService.builder().start();
        api = AwsSdkSsmApi.builder().region("eu-west-1").endpointOverride(fake.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, "secret")))
                .build();

        KeyPair user = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        clientKey = writeOpenSshEd25519(user, dir.resolve("id_ed25519"));
        clientFingerprint = SshPrivateKeys.read(clientKey, PassphraseProvider.none()).publicKey().fingerprint();

        KeyPair hostKey = KeyPairGenerator.getInstance("EC").generateKeyPair();
        hostKeyFingerprint = SshPublicKeys.fromJavaKey(hostKey.getPublic()).fingerprint();
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
        sshd.setPublickeyAuthenticator((login, key, session) -> "ops".equals(login)
                && clientFingerprint.equals(fingerprint(key)));
        sshd.setForwardingFilter(new AcceptAllForwardingFilter() {
            @Override
            public boolean canConnect(Type type, org.apache.sshd.common.util.net.SshdSocketAddress address,
                    org.apache.sshd.common.session.Session session) {
                directTcpip.add(address.getHostName() + ":" + address.getPort());
                return true;
            }
        });
        sshd.start();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            api.close();
            fake.close();
        } finally {
            sshd.stop(true);
            echo.close();
        }
    }

    private int sshdPort() {
        return ((InetSocketAddress) sshd.getBoundAddresses().iterator().next()).getPort();
    }

    @Test
    void sshRidesOnAnSsmSessionToReachAPrivateEchoService() throws Exception {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        SsmHop ssm = SsmHop.builder(INSTANCE).name("ssm-entry").region("eu-west-1").document("AWS-StartSSHSession")
                .api(api).insecurePlaintextWebSocketForTesting().build();
        SshHop ssh = SshHop.builder().address(Target.of("127.0.0.1", sshdPort()))
                .hostKeyVerifier(PinnedFingerprintVerifier.of(hostKeyFingerprint))
                .name("private-bastion").user("ops").identity(clientKey).defaultIdentities(false).build();
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(5).nextBytes(data);
        try (JumpHost jh = JumpHost.builder().route(Route.of(ssm, ssh)).actor("test:ssm-ssh").auditSink(sink)
                .handshakeTimeout(T).build()) {
            try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                Thread writer = new Thread(() -> {
                    try {
                        c.outputStream().write(data);
                        c.outputStream().flush();
                        c.shutdownOutput();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                writer.start();
                byte[] back = readAll(c.inputStream());
                writer.join();
                assertEquals(data.length, back.length, "bytes echoed through SSM then SSH");
                assertArrayEquals(sha256(data), sha256(back), "echoed bytes differ from the sent bytes");
            }
        }

        // The SSM session went to the SSH server's port, and the SSH server opened the private target.
        assertEquals(1, fake.sessions().size());
        FakeSession fs = fake.sessions().get(0);
        assertEquals("AWS-StartSSHSession", fs.document());
        assertEquals(INSTANCE, fs.target());
        assertEquals(List.of("127.0.0.1:" + echo.port()), directTcpip);

        // Hop 0: exactly one hop.connect, for the one SSM session, with its id and the caller's access key id.
        List<HopConnected> ssmConnects = sink.events(HopConnected.class).stream()
                .filter(h -> h.hopIndex() == 0).toList();
        assertEquals(1, ssmConnects.size(), "one hop.connect per SSM session: " + ssmConnects);
        HopConnected hc = ssmConnects.get(0);
        assertEquals(Outcome.SUCCESS, hc.outcome());
        assertEquals("ssm", hc.hop().transport());
        assertEquals(fs.id(), hc.hop().ssmSessionId());
        assertEquals(INSTANCE, hc.hop().ssmTarget());
        assertEquals("eu-west-1", hc.hop().region());
        assertEquals(CredentialType.AWS_IAM, hc.credential().type());
        assertEquals(ACCESS_KEY_ID, hc.credential().aws().accessKeyId());
        assertNull(hc.credential().aws().arn(), "no STS call: the ARN is not known");
        HopDisconnected hd = (HopDisconnected) sink.await(e -> e instanceof HopDisconnected d && d.hopIndex() == 0, T);
        assertEquals(0, hd.hopIndex());
        assertEquals(fs.id(), hd.hop().ssmSessionId());
        assertEquals(hc.connectionId(), hd.connectionId());

        // Hop 1: the SSH server's pinned host key, public-key auth, and a hop.connect of its own.
        HostKeyChecked hk = sink.events(HostKeyChecked.class).stream().filter(h -> h.hopIndex() == 1)
                .findFirst().orElseThrow();
        assertEquals(Outcome.SUCCESS, hk.outcome());
        assertEquals(VerifiedBy.PINNED, hk.hostKey().verifiedBy());
        assertEquals(hostKeyFingerprint, hk.hostKey().fingerprint());
        AuthAttempted auth = sink.events(AuthAttempted.class).stream()
                .filter(a -> a.hopIndex() == 1 && a.outcome() == Outcome.SUCCESS).findFirst().orElseThrow();
        assertEquals(CredentialType.PUBLICKEY, auth.credential().type());
        assertEquals(clientFingerprint, auth.credential().fingerprint());
        assertEquals("ops", auth.remoteLogin());
        HopConnected sshConnect = sink.events(HopConnected.class).stream().filter(h -> h.hopIndex() == 1)
                .findFirst().orElseThrow();
        assertEquals(Outcome.SUCCESS, sshConnect.outcome());
        assertEquals("private-bastion", sshConnect.hop().name());
        assertNotNull(sshConnect.hop().crypto(), "the SSH hop's negotiated algorithms are recorded");
        assertTrue(fs.bytesToDestination() > data.length, "the SSH connection, not a shortcut, carried the data");
    }

    private static String fingerprint(PublicKey key) {
        try {
            return SshPublicKeys.fromJavaKey(key).fingerprint();
        } catch (Exception e) {
            return "unparseable";
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /**
     * Writes an unencrypted OpenSSH private key file ({@code openssh-key-v1}, OpenSSH PROTOCOL.key) for an
     * Ed25519 key pair made by the JDK: the raw keys are the last 32 bytes of the X.509 and PKCS#8 encodings.
     */
    static Path writeOpenSshEd25519(KeyPair kp, Path file) throws IOException {
        byte[] x509 = kp.getPublic().getEncoded();
        byte[] pkcs8 = kp.getPrivate().getEncoded();
        byte[] pub = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);

        ByteArrayOutputStream pubBlob = new ByteArrayOutputStream();
        DataOutputStream pb = new DataOutputStream(pubBlob);
        string(pb, type);
        string(pb, pub);

        ByteArrayOutputStream priv = new ByteArrayOutputStream();
        DataOutputStream pr = new DataOutputStream(priv);
        pr.writeInt(0x5eed5eed);
        pr.writeInt(0x5eed5eed);
        string(pr, type);
        string(pr, pub);
        byte[] secret = new byte[64];
        System.arraycopy(seed, 0, secret, 0, 32);
        System.arraycopy(pub, 0, secret, 32, 32);
        string(pr, secret);
        string(pr, "fumidai-test".getBytes(StandardCharsets.US_ASCII));
        for (int pad = 1; priv.size() % 8 != 0; pad++) {
            pr.write(pad);
        }

        ByteArrayOutputStream all = new ByteArrayOutputStream();
        DataOutputStream a = new DataOutputStream(all);
        a.write("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
        string(a, "none".getBytes(StandardCharsets.US_ASCII));
        string(a, "none".getBytes(StandardCharsets.US_ASCII));
        string(a, new byte[0]);
        a.writeInt(1);
        string(a, pubBlob.toByteArray());
        string(a, priv.toByteArray());
        String body = Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(all.toByteArray());
        Files.writeString(file, "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body
                + "\n-----END OPENSSH PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static void string(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }
}
