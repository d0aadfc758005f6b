// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerdict;
import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.KeyboardInteractiveCallback;
import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.PasswordCallback;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.SshPrivateKey;
import dev.fumidai.ssh.internal.keys.SshPrivateKeys;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.transport.PipelineNames;
import dev.fumidai.ssh.internal.transport.SshClientTransport;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Promise;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs {@link SshUserAuthHandler} over our transport against Apache MINA SSHD 2.20 in the same JVM: publickey
 * with every key type of the fixtures, password, keyboard-interactive, partial success, a wrong key, and the
 * refuse-trivial-auth policy against keyboard-interactive with zero prompts.
 */
class SshUserAuthMinaTest {

    static final String USER = "alice";
    static final String PASSWORD = "correct horse";

    static SshServer server;
    static final Set<String> authorizedFingerprints = Collections.synchronizedSet(new java.util.HashSet<>());

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final ExecutorService executor = Executors.newFixedThreadPool(2);
    final List<AuthAttempt> attempts = Collections.synchronizedList(new ArrayList<>());
    Channel channel;

    @BeforeAll
    static void startServer() throws Exception {
        KeyPair hostKey = KeyPairGenerator.getInstance("EC").generateKeyPair();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
        server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user)
                && authorizedFingerprints.contains(fingerprint(key)));
        server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        server.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.stop(true);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (channel != null) {
            channel.close().await(5, TimeUnit.SECONDS);
        }
        executor.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        authorizedFingerprints.clear();
        server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE,
                UserAuthKeyboardInteractiveFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
        CoreModuleProperties.AUTH_METHODS.remove(server);
    }

    static String fingerprint(PublicKey key) {
        try {
            return SshPublicKeys.fromJavaKey(key).fingerprint();
        } catch (Exception e) {
            return "unparseable " + key.getAlgorithm();
        }
    }

    static SshPrivateKey fixture(String name) throws Exception {
        try (InputStream in = SshUserAuthMinaTest.class.getResourceAsStream("/dev/fumidai/ssh/privkeys/" + name)) {
            return SshPrivateKeys.parse(in.readAllBytes(), name, PassphraseProvider.none());
        }
    }

    static final HostKeyVerifier ACCEPT_FOR_TEST =
            check -> new HostKeyVerdict(VerifiedBy.UNVERIFIED, SshPublicKeys.fingerprint(check.hostKeyBlob()), false);

    /** Connects, waits for the transport, adds the auth handler and returns its result future. */
    Promise<AuthAttempt> authenticate(UserAuthConfig config) throws Exception {
        int port = ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
        String where = "ssh hop \"mina\" 127.0.0.1:" + port;
        List<io.netty.util.concurrent.Future<SshTransportReadyEvent>> readyHolder = new ArrayList<>();
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        readyHolder.add(SshClientTransport.install(ch, SshTransportConfig.defaults(), "127.0.0.1",
                                port, where, ACCEPT_FOR_TEST, executor));
                    }
                }).connect("127.0.0.1", port).sync().channel();
        io.netty.util.concurrent.Future<SshTransportReadyEvent> ready = readyHolder.get(0);
        assertTrue(ready.await(30, TimeUnit.SECONDS));
        if (!ready.isSuccess()) {
            throw new AssertionError("transport failed", ready.cause());
        }
        SshTransportReadyEvent event = ready.getNow();
        Promise<AuthAttempt> result = channel.eventLoop().newPromise();
        channel.eventLoop().submit(() -> channel.pipeline().addLast(PipelineNames.USERAUTH,
                new SshUserAuthHandler(config, event, where, attempts::add, result))).get(10, TimeUnit.SECONDS);
        assertTrue(result.await(30, TimeUnit.SECONDS), "authentication finished");
        return result;
    }

    UserAuthConfig config(List<SshPrivateKey> keys, PasswordCallback pw, KeyboardInteractiveCallback kbd,
            boolean refuseTrivial) {
        return new UserAuthConfig(USER, keys.stream().map(AuthIdentity::of).toList(), pw, kbd, refuseTrivial,
                executor);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519_openssh", "ecdsa256_openssh", "ecdsa384_pem", "ecdsa521_pkcs8", "rsa_openssh",
        "rsa_pkcs8"})
    void publickeyWithEveryKeyType(String file) throws Exception {
        SshPrivateKey key = fixture(file);
        authorizedFingerprints.add(key.publicKey().fingerprint());
        Promise<AuthAttempt> result = authenticate(config(List.of(key), null, null, true));
        assertTrue(result.isSuccess(), () -> String.valueOf(result.cause()));
        assertEquals(SshUserAuthHandler.PUBLICKEY, result.getNow().method());
        assertEquals(key.publicKey().fingerprint(), result.getNow().credential().fingerprint());
        assertFalse(result.getNow().trivial());
        assertNull(channel.pipeline().get(PipelineNames.USERAUTH), "the handler removed itself");
        // One event, for the key: it went first and signed, without the none probe or a query; no secret in it.
        assertEquals(List.of("publickey"), attempts.stream().map(AuthAttempt::method).toList());
        assertTrue(attempts.get(0).success());
        assertEquals(CredentialType.PUBLICKEY, attempts.get(0).credential().type());
    }

    @Test
    void rsaSignatureFollowsServerSigAlgs() throws Exception {
        SshPrivateKey key = fixture("rsa_openssh");
        SshTransportReadyEvent withSha256Only = new SshTransportReadyEvent("SSH-2.0-x", null, "ssh-ed25519",
                new byte[0], "SHA256:x", null, new byte[32], List.of(KeyAlgorithms.RSA_SHA2_256));
        SshUserAuthHandler h = new SshUserAuthHandler(config(List.of(key), null, null, true), withSha256Only, "w",
                a -> { }, null);
        assertEquals(KeyAlgorithms.RSA_SHA2_256, h.signatureAlgorithm(AuthIdentity.of(key)));
        SshTransportReadyEvent withBoth = new SshTransportReadyEvent("SSH-2.0-x", null, "ssh-ed25519", new byte[0],
                "SHA256:x", null, new byte[32], List.of(KeyAlgorithms.RSA_SHA2_256, KeyAlgorithms.RSA_SHA2_512));
        assertEquals(KeyAlgorithms.RSA_SHA2_512, new SshUserAuthHandler(config(List.of(key), null, null, true),
                withBoth, "w", a -> { }, null).signatureAlgorithm(AuthIdentity.of(key)));
        assertEquals(KeyAlgorithms.SSH_ED25519, h.signatureAlgorithm(AuthIdentity.of(fixture("ed25519_openssh"))));
    }

    @Test
    void wrongKeyIsRejectedAndTheMessageListsTheMethods() throws Exception {
        SshPrivateKey wrong = fixture("ed25519_openssh");
        authorizedFingerprints.add("SHA256:someone-else");
        Promise<AuthAttempt> result = authenticate(config(List.of(wrong), null, null, true));
        assertFalse(result.isSuccess());
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        String m = e.getMessage();
        assertTrue(m.startsWith("ssh hop \"mina\" 127.0.0.1:"), m);
        assertTrue(m.contains("tried [publickey " + wrong.publicKey().fingerprint() + " (ssh-ed25519)]"), m);
        assertTrue(m.contains("the server allows [publickey, keyboard-interactive, password]"), m);
        assertTrue(channel.closeFuture().await(10, TimeUnit.SECONDS), "channel closed");
        assertEquals(1, attempts.size());
        assertEquals("key not accepted", attempts.get(0).detail());
    }

    @Test
    void secondKeyIsTriedWhenTheFirstIsRejected() throws Exception {
        SshPrivateKey wrong = fixture("ecdsa256_openssh");
        SshPrivateKey right = fixture("ed25519_openssh");
        authorizedFingerprints.add(right.publicKey().fingerprint());
        Promise<AuthAttempt> result = authenticate(config(List.of(wrong, right), null, null, true));
        assertTrue(result.isSuccess(), () -> String.valueOf(result.cause()));
        assertEquals(right.publicKey().fingerprint(), result.getNow().credential().fingerprint());
        assertEquals(List.of(false, true), attempts.stream().map(AuthAttempt::success).toList(),
                "the wrong key, then the right one");
    }

    @Test
    void password() throws Exception {
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        Promise<AuthAttempt> result = authenticate(config(List.of(), (user, hop) -> {
            asked.add(user + " " + hop);
            return PASSWORD.toCharArray();
        }, null, true));
        assertTrue(result.isSuccess(), () -> String.valueOf(result.cause()));
        assertEquals(SshUserAuthHandler.PASSWORD, result.getNow().method());
        assertEquals(1, asked.size());
        assertTrue(asked.get(0).startsWith("alice ssh hop \"mina\""), asked.toString());
    }

    @Test
    void preferredAuthenticationsOrderAndLimitTheMethodsTried() throws Exception {
        SshPrivateKey key = fixture("ed25519_openssh");
        authorizedFingerprints.add(key.publicKey().fingerprint());
        UserAuthConfig base = config(List.of(key), PasswordCallback.of(PASSWORD.toCharArray()), null, true);
        // password before publickey: the key is never offered although it would be accepted.
        Promise<AuthAttempt> result = authenticate(new UserAuthConfig(base.user(), base.keys(), base.password(),
                null, true, executor, List.of("gssapi-with-mic", "password", "publickey")));
        assertTrue(result.isSuccess(), () -> String.valueOf(result.cause()));
        assertEquals(List.of("none", "password"), attempts.stream().map(AuthAttempt::method).toList());
    }

    @Test
    void aMethodLeftOutOfPreferredAuthenticationsIsNeverTried() throws Exception {
        SshPrivateKey key = fixture("ed25519_openssh");
        authorizedFingerprints.add(key.publicKey().fingerprint());
        Promise<AuthAttempt> result = authenticate(new UserAuthConfig(USER, List.of(AuthIdentity.of(key)),
                PasswordCallback.of("nope".toCharArray()), null, true, executor, List.of("password")));
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().contains("tried [none, password]"), e.getMessage());
    }

    @Test
    void wrongPasswordFails() throws Exception {
        Promise<AuthAttempt> result = authenticate(config(List.of(), PasswordCallback.of("nope".toCharArray()), null,
                true));
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().contains("tried [none, password]"), e.getMessage());
        assertFalse(e.getMessage().contains("nope"), "no secret in the message");
        assertEquals("password not accepted", attempts.get(attempts.size() - 1).detail());
    }

    @Test
    void keyboardInteractive() throws Exception {
        CoreModuleProperties.AUTH_METHODS.set(server, "keyboard-interactive");
        List<KeyboardInteractiveCallback.Prompt> seen = Collections.synchronizedList(new ArrayList<>());
        Promise<AuthAttempt> result = authenticate(config(List.of(), null, (hop, name, instruction, prompts) -> {
            seen.addAll(prompts);
            return prompts.stream().map(p -> PASSWORD).toList();
        }, true));
        assertTrue(result.isSuccess(), () -> String.valueOf(result.cause()));
        assertEquals(SshUserAuthHandler.KEYBOARD_INTERACTIVE, result.getNow().method());
        assertFalse(result.getNow().trivial());
        assertEquals(1, seen.size(), seen::toString);
        assertFalse(seen.get(0).echo());
    }

    @Test
    void partialSuccessGoesOnToTheNextMethod() throws Exception {
        CoreModuleProperties.AUTH_METHODS.set(server, "publickey,password");
        SshPrivateKey key = fixture("ecdsa384_openssh");
        authorizedFingerprints.add(key.publicKey().fingerprint());
        Promise<AuthAttempt> result = authenticate(config(List.of(key), PasswordCallback.of(PASSWORD.toCharArray()),
                null, true));
        assertTrue(result.isSuccess(), () -> String.valueOf(result.cause()));
        assertEquals(SshUserAuthHandler.PASSWORD, result.getNow().method());
        AuthAttempt pk = attempts.stream().filter(a -> a.method().equals("publickey")).findFirst().orElseThrow();
        assertTrue(pk.partial(), "publickey was a partial success");
        assertEquals("partial success; the server requires one of [password]", pk.detail());
        assertFalse(pk.success());
    }

    @Test
    void partialSuccessWithoutTheSecondCredentialFails() throws Exception {
        CoreModuleProperties.AUTH_METHODS.set(server, "publickey,password");
        SshPrivateKey key = fixture("ed25519_openssh");
        authorizedFingerprints.add(key.publicKey().fingerprint());
        Promise<AuthAttempt> result = authenticate(config(List.of(key), null, null, true));
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().contains("the server allows [password]"), e.getMessage());
    }

    @Test
    void zeroPromptKeyboardInteractiveIsTrivialAndRefused() throws Exception {
        CoreModuleProperties.AUTH_METHODS.set(server, "keyboard-interactive");
        server.setKeyboardInteractiveAuthenticator(new org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator() {
            @Override
            public org.apache.sshd.server.auth.keyboard.InteractiveChallenge generateChallenge(
                    org.apache.sshd.server.session.ServerSession session, String username, String lang,
                    String subMethods) {
                return new org.apache.sshd.server.auth.keyboard.InteractiveChallenge();
            }

            @Override
            public boolean authenticate(org.apache.sshd.server.session.ServerSession session, String username,
                    List<String> responses) {
                return true;
            }
        });
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        try {
            Promise<AuthAttempt> result = authenticate(config(List.of(), null, (hop, name, instruction, prompts) -> {
                asked.add(name);
                return List.of();
            }, true));
            HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
            assertTrue(e.getMessage().contains("keyboard-interactive without a real credential"), e.getMessage());
            assertTrue(asked.isEmpty(), "the callback is not asked for zero prompts");
            assertTrue(attempts.get(attempts.size() - 1).trivial());
        } finally {
            server.setKeyboardInteractiveAuthenticator(
                    org.apache.sshd.server.auth.keyboard.DefaultKeyboardInteractiveAuthenticator.INSTANCE);
        }
    }

}
