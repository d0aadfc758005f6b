// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopHandshakeException;
import dev.fumidai.TunnelException;
import dev.fumidai.ssh.HostKeyVerificationException;
import dev.fumidai.ssh.SshDisconnectException;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.message.DebugMessage;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.ExtInfoMessage;
import dev.fumidai.ssh.internal.message.IgnoreMessage;
import dev.fumidai.ssh.internal.message.KexInitMessage;
import dev.fumidai.ssh.internal.message.UnimplementedMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plays a hostile server (security-checklist §2, driver "scripted peer") against the client transport: each
 * case must end in a typed failure naming the hop, a DISCONNECT sent where keys allow, and a closed channel.
 */
class HostilePeerTest {

    static final SshTransportConfig CONFIG = SshTransportConfig.builder()
            .kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256)).build();

    /** Asserts the transport failed before being ready, with a message containing {@code text}, and closed. */
    static TunnelException assertFailed(ScriptedServer s, String text) {
        Throwable t = s.failure();
        assertNotNull(t, "the transport should have failed");
        TunnelException e = assertInstanceOf(TunnelException.class, t);
        assertTrue(e.getMessage().startsWith("ssh hop \"scripted\" 127.0.0.1:22: "), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertFalse(s.client.isOpen(), "channel closed");
        return e;
    }

    /** Asserts the client's last packet to the server was SSH_MSG_DISCONNECT with a reason code. */
    static void assertClientSentDisconnect(ScriptedServer s, int reason) {
        int last = -1;
        ByteBuf b;
        ByteBuf lastBuf = null;
        while ((b = s.nextFromClient()) != null) {
            if (lastBuf != null) {
                lastBuf.release();
            }
            lastBuf = b;
        }
        assertNotNull(lastBuf, "client sent nothing");
        try {
            last = lastBuf.getUnsignedByte(lastBuf.readerIndex());
            assertEquals(1, last, "DISCONNECT");
            assertEquals(reason, DisconnectMessage.decode(lastBuf).reasonCode());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            lastBuf.release();
        }
    }

    static void encode(ScriptedServer s, Consumer<ByteBuf> c) {
        s.send(c);
    }

    @Test
    void r1FirstPacketNotKexInitWithStrictKexDisconnects() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            encode(s, b -> new IgnoreMessage(new byte[3]).encode(b));
            s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            assertFailed(s, "strict KEX violation: KEXINIT was not the first packet");
            assertClientSentDisconnect(s, DisconnectMessage.PROTOCOL_ERROR);
        }
    }

    @Test
    void r1WithoutStrictKexAnIgnoreFirstIsTolerated() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            encode(s, b -> new IgnoreMessage(new byte[3]).encode(b));
            byte[] is = s.sendKexInit(s.kexInit(false, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, null);
            s.expectClientNewKeys();
            s.expectServiceRequestAndAccept();
            s.pump();
            assertTrue(s.ready.isSuccess(), () -> String.valueOf(s.ready.cause()));
            assertFalse(s.ready.getNow().algorithms().strictKex());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void r2IgnoreDebugUnimplementedDuringStrictInitialKexDisconnects(int type) throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.strict = true;
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, () -> encode(s, noise(type)));
            assertFailed(s, "strict KEX violation: message " + type + " during the initial key exchange");
        }
    }

    static Consumer<ByteBuf> noise(int type) {
        return switch (type) {
            case 2 -> b -> new IgnoreMessage(new byte[5]).encode(b);
            case 3 -> b -> new UnimplementedMessage(1).encode(b);
            default -> b -> new DebugMessage(false, "hi", "").encode(b);
        };
    }

    @Test
    void r2TheSameMessagesDuringALaterKexAreAccepted() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.handshake(true);
            assertTrue(s.ready.isSuccess());
            // Server-initiated rekey with IGNORE, DEBUG and UNIMPLEMENTED in the middle of it.
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            encode(s, noise(2));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, () -> {
                encode(s, noise(3));
                encode(s, noise(4));
            });
            s.expectClientNewKeys();
            s.sendMessage(94, new byte[] {0, 0, 0, 1});
            assertNull(s.failure());
            assertTrue(s.client.isOpen());
            assertEquals(2, ((SshTransportHandler) s.client.pipeline().get(PipelineNames.TRANSPORT))
                    .completedKeyExchanges());
        }
    }

    @Test
    void r5RequireStrictKexRefusesAServerWithout() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG.toBuilder().requireStrictKex(true).build())) {
            s.sendVersion();
            s.sendKexInit(s.kexInit(false, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            TunnelException e = assertFailed(s, "server does not support strict key exchange, which this hop requires;"
                    + " ours [kex-strict-c-v00@openssh.com], theirs [curve25519-sha256]");
            assertInstanceOf(HopHandshakeException.class, e);
        }
    }

    @Test
    void r8BadPacketLengthDisconnects() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            s.raw(Unpooled.buffer().writeInt(300_000).writeByte(4).writeZero(64));
            assertFailed(s, "bad packet length 300000");
            assertClientSentDisconnect(s, DisconnectMessage.PROTOCOL_ERROR);
        }
    }

    @Test
    void r9TooManyPreBannerLinesFailTheHandshake() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.raw(Unpooled.copiedBuffer("junk\r\n".repeat(1025), StandardCharsets.US_ASCII));
            assertFailed(s, "more than 1024 lines before the SSH version line");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {52, 90, 94})
    void r10UserauthSuccessOrChannelMessagesBeforeServiceAcceptDisconnect(int type) throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.strict = true;
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, null);
            s.expectClientNewKeys();
            s.sendMessage(type);
            assertFailed(s, "message " + type + " before the ssh-userauth service was accepted");
            assertClientSentDisconnect(s, DisconnectMessage.PROTOCOL_ERROR);
            assertTrue(s.upperLayer.isEmpty(), "nothing reached the upper layer");
        }
    }

    @Test
    void r10UserauthSuccessAsTheFirstPacketDisconnects() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            s.sendMessage(52);
            assertFailed(s, "message 52 before the ssh-userauth service was accepted");
        }
    }

    /**
     * A USERAUTH_SUCCESS the user-auth layer did not accept (here: a layer that accepts nothing) must not make the
     * transport act as authenticated: PING stays unanswered (CVE-2025-26466) and EXT_INFO stays allowed once.
     */
    @Test
    void r10UserauthSuccessTheAuthLayerDidNotAcceptDoesNotAuthenticateTheTransport() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.strict = true;
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, null);
            encode(s, b -> new ExtInfoMessage(Map.of("ping@openssh.com", "0".getBytes(StandardCharsets.US_ASCII)))
                    .encode(b));
            s.expectClientNewKeys();
            s.expectServiceRequestAndAccept();
            s.sendMessage(52);
            assertTrue(s.upperLayer.stream().anyMatch(o -> o instanceof byte[] b && b.length == 1 && b[0] == 52),
                    "the USERAUTH_SUCCESS went to the user-auth layer");
            ByteBuf ping = Unpooled.buffer().writeByte(192);
            dev.fumidai.ssh.internal.message.SshWire.writeString(ping, "x");
            s.send(ping);
            assertEquals(-1, s.nextNumberFromClient(), "no PONG: the auth layer never said authentication succeeded");
            extInfo(s);
            assertTrue(s.client.isOpen(), "EXT_INFO during authentication is still allowed");
        }
    }

    static void extInfo(ScriptedServer s) {
        encode(s, b -> new ExtInfoMessage(Map.of("server-sig-algs", "rsa-sha2-512".getBytes(StandardCharsets.US_ASCII)))
                .encode(b));
    }

    @Test
    void r11ExtInfoRightAfterNewKeysIsHonouredButASecondIsRefused() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.strict = true;
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, null);
            extInfo(s);
            assertNull(s.failure());
            extInfo(s);
            assertFailed(s, "SSH_MSG_EXT_INFO at a time RFC 8308 §2.4 does not allow");
        }
    }

    @Test
    void r11OneExtInfoDuringAuthenticationIsAllowedButNotASecondNorAfterSuccess() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.handshake(true);
            extInfo(s);
            assertNull(s.failure());
            assertTrue(s.client.isOpen());
            extInfo(s);
            assertFalse(s.client.isOpen(), "a second EXT_INFO during authentication is refused");
        }
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.handshake(true);
            s.authenticate();
            extInfo(s);
            assertFalse(s.client.isOpen(), "EXT_INFO after USERAUTH_SUCCESS is refused");
        }
    }

    @Test
    void r11ExtInfoBeforeNewKeysIsRefused() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(false, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, () -> extInfo(s));
            assertFailed(s, "SSH_MSG_EXT_INFO at a time RFC 8308 §2.4 does not allow");
        }
    }

    @Test
    void r11ServerSigAlgsAreReported() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.strict = true;
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, null);
            extInfo(s);
            s.expectClientNewKeys();
            s.expectServiceRequestAndAccept();
            s.pump();
            assertEquals(List.of("rsa-sha2-512"), s.ready.getNow().serverSigAlgs());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {50, 51, 52, 60})
    void r12RogueUserauthMessagesBeforeNewKeysDisconnect(int type) throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(false, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, () -> s.sendMessage(type));
            assertFailed(s, "message " + type + " before the ssh-userauth service was accepted");
            assertTrue(s.upperLayer.isEmpty(), "nothing reached the upper layer");
        }
    }

    @Test
    void r21KexInitWithNonZeroReservedFieldDisconnects() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            KexInitMessage good = s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256));
            ByteBuf b = Unpooled.buffer();
            good.encode(b);
            b.setInt(b.writerIndex() - 4, 1);
            s.send(b);
            assertFailed(s, "KEXINIT reserved field is 1, not 0 (RFC 4253 §7.1)");
        }
    }

    @Test
    void r21WrongFirstKexPacketGuessIsIgnored() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.strict = true;
            s.sendVersion();
            // The server's first kex method differs from ours, so its guessed packet must be ignored.
            byte[] is = s.sendKexInit(s.kexInit(true, true,
                    List.of(KexAlgorithms.ECDH_NISTP256, KexAlgorithms.CURVE25519_SHA256)));
            s.sendMessage(31, new byte[] {0, 0, 0, 0});
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, null);
            s.expectClientNewKeys();
            s.expectServiceRequestAndAccept();
            s.pump();
            assertTrue(s.ready.isSuccess(), () -> String.valueOf(s.ready.cause()));
        }
    }

    @Test
    void r28IgnoreFloodBeforeReadyEndsTheConnectionAtTheLimit() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            ByteBuf flood = Unpooled.buffer();
            for (int i = 0; i <= SshTransportHandler.MAX_NOISE_BEFORE_READY; i++) {
                // Hand-built none-cipher packets: length 12, padding 4, IGNORE with an empty string... plus DEBUG
                flood.writeInt(12).writeByte(6).writeByte(2).writeInt(0).writeZero(6);
            }
            s.raw(flood);
            assertFailed(s, "more than 4096 IGNORE/DEBUG/UNIMPLEMENTED messages before the transport was ready");
        }
    }

    @Test
    void r15VerifierErrorRejectsTheHostAndNamesIt() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG, check -> {
            throw new HostKeyVerificationException(HostKeyVerificationException.Kind.MISMATCH, "key differs");
        })) {
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            s.strict = true;
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, null);
            TunnelException e = assertFailed(s, "(ssh-ed25519) for scripted rejected: key differs");
            assertInstanceOf(HopHandshakeException.class, e);
            assertInstanceOf(HostKeyVerificationException.class, e.getCause());
            assertClientSentDisconnect(s, DisconnectMessage.KEY_EXCHANGE_FAILED);
        }
    }

    @Test
    void r15VerifierRuntimeFailureAlsoRejects() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG, check -> {
            throw new IllegalStateException("disk on fire");
        })) {
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(false, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, null);
            TunnelException e = assertFailed(s, "failed: java.lang.IllegalStateException: disk on fire");
            assertEquals(dev.fumidai.HopHostKeyException.Verdict.VERIFIER_ERROR,
                    assertInstanceOf(dev.fumidai.HopHostKeyException.class, e).verdict());
        }
    }

    @Test
    void serverDisconnectBecomesATypedException() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            encode(s, b -> new DisconnectMessage(DisconnectMessage.TOO_MANY_CONNECTIONS, "go away\u0007", "").encode(b));
            SshDisconnectException e = assertInstanceOf(SshDisconnectException.class, s.failure());
            assertEquals(DisconnectMessage.TOO_MANY_CONNECTIONS, e.reasonCode());
            assertEquals("ssh hop \"scripted\" 127.0.0.1:22: server disconnected: TOO_MANY_CONNECTIONS (12): go away?",
                    e.getMessage());
        }
    }

    @Test
    void policyRequiringPostQuantumKexFailsNamingOursAndTheirs() throws Exception {
        try (ScriptedServer s = new ScriptedServer(SshTransportConfig.builder().requirePostQuantumKex(true).build())) {
            s.sendVersion();
            s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            assertFailed(s, "policy requires a post-quantum key exchange; ours [mlkem768x25519-sha256");
            assertTrue(s.failure().getMessage().contains("theirs [curve25519-sha256, kex-strict-s-v00@openssh.com]"));
        }
    }

    @Test
    void noCommonCipherNamesOursAndTheirs() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG.toBuilder().ciphers(List.of("aes256-ctr")).build())) {
            s.sendVersion();
            s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            assertFailed(s, "no common cipher client to server algorithm; ours [aes256-ctr], theirs [aes128-gcm@openssh.com]");
        }
    }
}
