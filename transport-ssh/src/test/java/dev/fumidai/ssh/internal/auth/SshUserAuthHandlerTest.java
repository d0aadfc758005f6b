// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.internal.keys.SshPrivateKey;
import dev.fumidai.ssh.internal.keys.SshPrivateKeys;
import dev.fumidai.ssh.internal.message.SshWire;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drives {@link SshUserAuthHandler} on an {@link EmbeddedChannel} as a scripted server would, for the answers a
 * real server never gives: USERAUTH_SUCCESS to {@code none} and to a public key query (security-checklist A1,
 * R19), a banner with terminal escapes, and a message outside the user-auth range.
 */
class SshUserAuthHandlerTest {

    final List<AuthAttempt> attempts = new ArrayList<>();

    static final SshTransportReadyEvent READY = new SshTransportReadyEvent("SSH-2.0-scripted", null, "ssh-ed25519",
            new byte[0], "SHA256:x", null, new byte[32], List.of());

    static SshPrivateKey fixture(String name) throws Exception {
        try (InputStream in = SshUserAuthHandlerTest.class.getResourceAsStream("/dev/fumidai/ssh/privkeys/" + name)) {
            return SshPrivateKeys.parse(in.readAllBytes(), name, PassphraseProvider.none());
        }
    }

    EmbeddedChannel channel;
    Promise<AuthAttempt> result;

    void start(List<SshPrivateKey> keys, boolean refuseTrivial) {
        startWith(keys.stream().map(AuthIdentity::of).toList(), refuseTrivial);
    }

    void startWith(List<AuthIdentity> keys, boolean refuseTrivial) {
        channel = new EmbeddedChannel();
        result = channel.eventLoop().newPromise();
        UserAuthConfig config = new UserAuthConfig("alice", keys, null, null, refuseTrivial, Runnable::run);
        channel.pipeline().addLast(new SshUserAuthHandler(config, READY, "ssh hop \"s\" h:22", attempts::add, result));
    }

    /** Returns an identity that asks the server before signing, as an agent's keys do. */
    static AuthIdentity queried(SshPrivateKey key) {
        AuthIdentity held = AuthIdentity.of(key);
        return new AuthIdentity() {
            @Override
            public dev.fumidai.ssh.internal.keys.SshPublicKey publicKey() {
                return held.publicKey();
            }

            @Override
            public List<String> signatureAlgorithms() {
                return held.signatureAlgorithms();
            }

            @Override
            public java.util.concurrent.CompletableFuture<byte[]> sign(String alg, byte[] data,
                    java.util.concurrent.Executor executor) {
                signatures++;
                return held.sign(alg, data, executor);
            }
        };
    }

    static int signatures;

    /** Reads the next request and returns its method name. */
    String nextRequestMethod() throws Exception {
        ByteBuf b = channel.readOutbound();
        try {
            assertEquals(50, b.readUnsignedByte());
            assertEquals("alice", SshWire.readString(b));
            assertEquals("ssh-connection", SshWire.readString(b));
            return SshWire.readString(b);
        } finally {
            b.release();
        }
    }

    void serverSends(int number, ByteBuf body) {
        ByteBuf b = Unpooled.buffer().writeByte(number);
        if (body != null) {
            b.writeBytes(body);
            body.release();
        }
        channel.writeInbound(b);
    }

    static ByteBuf failure(String methods) {
        ByteBuf b = Unpooled.buffer();
        SshWire.writeString(b, methods);
        SshWire.writeBoolean(b, false);
        return b;
    }

    @Test
    void noneAcceptedIsRefusedByPolicy() throws Exception {
        start(List.of(), true);
        assertEquals("none", nextRequestMethod());
        serverSends(52, null);
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().startsWith("ssh hop \"s\" h:22: the server accepted none without a real credential"),
                e.getMessage());
        assertTrue(attempts.get(0).trivial());
        assertEquals(CredentialType.NONE, attempts.get(0).credential().type());
        assertFalse(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void noneAcceptedIsReportedWhenAllowed() throws Exception {
        start(List.of(), false);
        assertEquals("none", nextRequestMethod());
        serverSends(52, null);
        assertTrue(result.isSuccess());
        assertTrue(result.getNow().trivial());
        assertTrue(channel.pipeline().toMap().isEmpty(), "the handler removed itself");
        // Payloads after success pass through untouched.
        channel.writeInbound(Unpooled.buffer().writeByte(94));
        ByteBuf passed = channel.readInbound();
        assertEquals(94, passed.getUnsignedByte(0));
        passed.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void successToAPublicKeyQueryIsTrivial() throws Exception {
        SshPrivateKey key = fixture("ed25519_openssh");
        startWith(List.of(queried(key)), true);
        assertEquals("publickey", nextRequestMethod());
        serverSends(52, null);
        assertInstanceOf(HopAuthenticationException.class, result.cause());
        AuthAttempt last = attempts.get(attempts.size() - 1);
        assertTrue(last.trivial());
        assertEquals(key.publicKey().fingerprint(), last.credential().fingerprint());
        channel.finishAndReleaseAll();
    }

    @Test
    void successToAPublicKeyQueryIsReportedAsTrivialWhenAllowed() throws Exception {
        SshPrivateKey key = fixture("ed25519_openssh");
        startWith(List.of(queried(key)), false);
        assertEquals("publickey", nextRequestMethod());
        // SUCCESS to the query, before any signature was sent (PuTTY CVE-2021-36367).
        serverSends(52, null);
        assertTrue(result.isSuccess());
        assertTrue(result.getNow().trivial());
        AuthAttempt last = attempts.get(attempts.size() - 1);
        assertTrue(last.trivial());
        assertTrue(last.success());
        assertEquals(CredentialType.PUBLICKEY, last.credential().type());
        channel.finishAndReleaseAll();
    }

    @Test
    void bannerIsConsumedAndAMessageOutsideTheRangeFails() throws Exception {
        start(List.of(), true);
        assertEquals("none", nextRequestMethod());
        ByteBuf banner = Unpooled.buffer();
        SshWire.writeString(banner, "\u001b[2Jwelcome\n");
        SshWire.writeString(banner, "");
        serverSends(53, banner);
        assertFalse(result.isDone());
        serverSends(94, null);
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().contains("message 94 before authentication completed"), e.getMessage());
        channel.finishAndReleaseAll();
    }

    /** Reads the next request, if any, after running the tasks the callbacks queued on the event loop. */
    ByteBuf nextRequest() {
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    static ByteBuf partialFailure(String methods) {
        ByteBuf b = Unpooled.buffer();
        SshWire.writeString(b, methods);
        SshWire.writeBoolean(b, true);
        return b;
    }

    /**
     * Plays a server that answers every password with partial success and asks for a password again (an
     * AuthenticationMethods list that never ends): the client stops after NumberOfPasswordPrompts (3) passwords.
     */
    @Test
    void passwordsAnsweredWithPartialSuccessForeverEndAfterThreePrompts() throws Exception {
        java.util.concurrent.atomic.AtomicInteger prompts = new java.util.concurrent.atomic.AtomicInteger();
        channel = new EmbeddedChannel();
        result = channel.eventLoop().newPromise();
        UserAuthConfig config = new UserAuthConfig("alice", List.of(), (user, hop) -> {
            prompts.incrementAndGet();
            return "secret".toCharArray();
        }, null, true, Runnable::run);
        channel.pipeline().addLast(new SshUserAuthHandler(config, READY, "ssh hop \"s\" h:22", attempts::add, result));
        assertEquals("none", nextRequestMethod());
        serverSends(51, failure("password"));
        int requests = 0;
        ByteBuf b;
        while (requests < 100 && (b = nextRequest()) != null) {
            b.release();
            requests++;
            serverSends(51, partialFailure("password"));
        }
        assertEquals(3, prompts.get(), "password prompts");
        assertEquals(3, requests, "password requests sent");
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().startsWith("ssh hop \"s\" h:22: "), e.getMessage());
        assertTrue(e.getMessage().contains("NumberOfPasswordPrompts"), e.getMessage());
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    /** The same for keyboard-interactive: each try answered with partial success listing it again. */
    @Test
    void keyboardInteractiveAnsweredWithPartialSuccessForeverEndsAfterThreeTries() throws Exception {
        channel = new EmbeddedChannel();
        result = channel.eventLoop().newPromise();
        UserAuthConfig config = new UserAuthConfig("alice", List.of(), null,
                (hop, name, instruction, prompts) -> List.of("123456"), true, Runnable::run);
        channel.pipeline().addLast(new SshUserAuthHandler(config, READY, "ssh hop \"s\" h:22", attempts::add, result));
        assertEquals("none", nextRequestMethod());
        serverSends(51, failure("keyboard-interactive"));
        int tries = 0;
        ByteBuf b;
        while (tries < 100 && (b = nextRequest()) != null) {
            b.release();
            tries++;
            serverSends(51, partialFailure("keyboard-interactive"));
        }
        assertEquals(3, tries, "keyboard-interactive tries");
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().startsWith("ssh hop \"s\" h:22: "), e.getMessage());
        assertTrue(e.getMessage().contains("NumberOfPasswordPrompts"), e.getMessage());
        channel.finishAndReleaseAll();
    }

    /**
     * Plays a server that accepts every key's signature only as partial success: with many keys (an agent holding
     * dozens) the rounds are capped, not one per key.
     */
    @Test
    void partialSuccessRoundsAreCapped() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("Ed25519");
        List<SshPrivateKey> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add(SshPrivateKeys.fromKeyPair(g.generateKeyPair(), "k" + i));
        }
        start(keys, true);
        int partials = 0;
        ByteBuf b;
        while (partials < 100 && (b = nextRequest()) != null) {
            try {
                assertEquals(50, b.readUnsignedByte());
                SshWire.readString(b);
                SshWire.readString(b);
                assertEquals("publickey", SshWire.readString(b));
                boolean signed = SshWire.readBoolean(b);
                String alg = SshWire.readString(b);
                byte[] blob = SshWire.readBytes(b);
                if (!signed) {
                    ByteBuf ok = Unpooled.buffer();
                    SshWire.writeString(ok, alg);
                    SshWire.writeString(ok, blob);
                    serverSends(60, ok);
                } else {
                    partials++;
                    serverSends(51, partialFailure("publickey"));
                }
            } finally {
                b.release();
            }
        }
        assertEquals(10, partials, "partial-success rounds (SshUserAuthHandler.MAX_PARTIAL_SUCCESS_ROUNDS)");
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().startsWith("ssh hop \"s\" h:22: "), e.getMessage());
        assertTrue(e.getMessage().contains("partial success"), e.getMessage());
        channel.finishAndReleaseAll();
    }

    @Test
    void sanitiseReplacesControlCharactersAndBounds() {
        assertEquals("a?[31mb c", SshUserAuthHandler.sanitise("a\u001b[31mb\nc", 100));
        assertEquals("abc...", SshUserAuthHandler.sanitise("abcdef", 3));
    }

    /** Reads a publickey request: whether signed, and the signature verified over session id || request. */
    record PublicKeyRequest(boolean signed, String algorithm, byte[] blob, boolean signatureValid) {
    }

    PublicKeyRequest nextPublicKeyRequest(SshPrivateKey key) throws Exception {
        ByteBuf b = nextRequest();
        try {
            int start = b.readerIndex();
            assertEquals(50, b.readUnsignedByte());
            assertEquals("alice", SshWire.readString(b));
            assertEquals("ssh-connection", SshWire.readString(b));
            assertEquals("publickey", SshWire.readString(b));
            boolean signed = SshWire.readBoolean(b);
            String alg = SshWire.readString(b);
            byte[] blob = SshWire.readBytes(b);
            boolean valid = false;
            if (signed) {
                ByteBuf data = Unpooled.buffer();
                SshWire.writeString(data, READY.sessionId());
                data.writeBytes(b, start, b.readerIndex() - start);
                byte[] sig = SshWire.readBytes(b);
                valid = key.publicKey().verify(alg, io.netty.buffer.ByteBufUtil.getBytes(data), sig);
                data.release();
            }
            assertFalse(b.isReadable(), "nothing after the request");
            return new PublicKeyRequest(signed, alg, blob, valid);
        } finally {
            b.release();
        }
    }

    @Test
    void aKeyHeldHereIsTheFirstRequestAndGoesSignedWithoutNoneOrQuery() throws Exception {
        SshPrivateKey key = fixture("ed25519_openssh");
        start(List.of(key), true);
        PublicKeyRequest r = nextPublicKeyRequest(key);
        assertTrue(r.signed(), "signed at once");
        assertTrue(r.signatureValid(), "signature over session id and request");
        assertEquals("ssh-ed25519", r.algorithm());
        assertEquals(null, nextRequest(), "one request before the first answer");
        serverSends(52, null);
        assertTrue(result.isSuccess(), () -> String.valueOf(result.cause()));
        assertFalse(result.getNow().trivial(), "a signature is a real credential");
        assertEquals(1, attempts.size(), "no none attempt");
        assertEquals("publickey", attempts.get(0).method());
        channel.finishAndReleaseAll();
    }

    @Test
    void aRejectedKeyHeldHereMovesOnToTheNextKeySignedAtOnce() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("Ed25519");
        SshPrivateKey wrong = SshPrivateKeys.fromKeyPair(g.generateKeyPair(), "wrong");
        SshPrivateKey right = fixture("ed25519_openssh");
        start(List.of(wrong, right), true);
        assertTrue(nextPublicKeyRequest(wrong).signatureValid());
        serverSends(51, failure("publickey,password"));
        assertEquals("key not accepted", attempts.get(0).detail());
        PublicKeyRequest second = nextPublicKeyRequest(right);
        assertTrue(second.signed() && second.signatureValid());
        serverSends(52, null);
        assertTrue(result.isSuccess(), () -> String.valueOf(result.cause()));
        assertEquals(right.publicKey().fingerprint(), result.getNow().credential().fingerprint());
        channel.finishAndReleaseAll();
    }

    @Test
    void aQueriedKeyIsSignedOnlyAfterPkOk() throws Exception {
        SshPrivateKey key = fixture("ed25519_openssh");
        signatures = 0;
        startWith(List.of(queried(key)), true);
        PublicKeyRequest query = nextPublicKeyRequest(key);
        assertFalse(query.signed(), "queried first");
        assertEquals(0, signatures, "nothing signed before the server accepts the key");
        assertEquals(null, nextRequest());
        ByteBuf ok = Unpooled.buffer();
        SshWire.writeString(ok, query.algorithm());
        SshWire.writeString(ok, query.blob());
        serverSends(60, ok);
        PublicKeyRequest signed = nextPublicKeyRequest(key);
        assertTrue(signed.signed() && signed.signatureValid());
        assertEquals(1, signatures);
        serverSends(52, null);
        assertTrue(result.isSuccess());
        assertFalse(result.getNow().trivial());
        channel.finishAndReleaseAll();
    }

    @Test
    void aPkOkToAKeySentSignedIsAProtocolError() throws Exception {
        SshPrivateKey key = fixture("ed25519_openssh");
        start(List.of(key), true);
        PublicKeyRequest r = nextPublicKeyRequest(key);
        ByteBuf ok = Unpooled.buffer();
        SshWire.writeString(ok, r.algorithm());
        SshWire.writeString(ok, r.blob());
        serverSends(60, ok);
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().contains("unexpected user authentication message 60"), e.getMessage());
        channel.finishAndReleaseAll();
    }

    @Test
    void withAPasswordPreferredNoneStillGoesFirst() throws Exception {
        channel = new EmbeddedChannel();
        result = channel.eventLoop().newPromise();
        UserAuthConfig config = new UserAuthConfig("alice", List.of(AuthIdentity.of(fixture("ed25519_openssh"))),
                (user, hop) -> "pw".toCharArray(), null, true, Runnable::run,
                List.of(SshUserAuthHandler.PASSWORD, SshUserAuthHandler.PUBLICKEY));
        channel.pipeline().addLast(new SshUserAuthHandler(config, READY, "ssh hop \"s\" h:22", attempts::add, result));
        assertEquals("none", nextRequestMethod());
        serverSends(51, failure("publickey,password"));
        assertEquals("password", nextRequestMethod());
        channel.finishAndReleaseAll();
    }

    @Test
    void aKeyThatCannotSignBeforeAnyAnswerFallsBackToNone() throws Exception {
        SshPrivateKey key = fixture("ed25519_openssh");
        AuthIdentity broken = new AuthIdentity() {
            @Override
            public dev.fumidai.ssh.internal.keys.SshPublicKey publicKey() {
                return key.publicKey();
            }

            @Override
            public List<String> signatureAlgorithms() {
                return key.signatureAlgorithms();
            }

            @Override
            public java.util.concurrent.CompletableFuture<byte[]> sign(String alg, byte[] data,
                    java.util.concurrent.Executor executor) {
                return java.util.concurrent.CompletableFuture.failedFuture(new java.io.IOException("token removed"));
            }

            @Override
            public boolean queryBeforeSigning() {
                return false;
            }
        };
        startWith(List.of(broken), true);
        assertEquals("none", nextRequestMethod());
        assertTrue(attempts.get(0).detail().startsWith("cannot sign"), attempts.get(0).detail());
        serverSends(51, failure("publickey"));
        HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, result.cause());
        assertTrue(e.getMessage().contains("the server allows [publickey]"), e.getMessage());
        channel.finishAndReleaseAll();
    }
}
