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
        channel = new EmbeddedChannel();
        result = channel.eventLoop().newPromise();
        UserAuthConfig config = new UserAuthConfig("alice", keys.stream().map(AuthIdentity::of).toList(), null, null, refuseTrivial, Runnable::run);
        channel.pipeline().addLast(new SshUserAuthHandler(config, READY, "ssh hop \"s\" h:22", attempts::add, result));
    }

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
        start(List.of(key), true);
        assertEquals("none", nextRequestMethod());
        serverSends(51, failure("publickey"));
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
        start(List.of(key), false);
        assertEquals("none", nextRequestMethod());
        serverSends(51, failure("publickey"));
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

    @Test
    void sanitiseReplacesControlCharactersAndBounds() {
        assertEquals("a?[31mb c", SshUserAuthHandler.sanitise("a\u001b[31mb\nc", 100));
        assertEquals("abc...", SshUserAuthHandler.sanitise("abcdef", 3));
    }
}
