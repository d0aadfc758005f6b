// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.PasswordCallback;
import dev.fumidai.ssh.SshAlgorithms;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.auth.AuthAttempt;
import dev.fumidai.ssh.internal.auth.SshUserAuthHandler;
import dev.fumidai.ssh.internal.auth.UserAuthConfig;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.ExtInfoMessage;
import dev.fumidai.ssh.internal.message.KexInitMessage;
import dev.fumidai.ssh.internal.message.SshWire;
import dev.fumidai.ssh.internal.message.UnimplementedMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks the client transport's behaviour around the handshake against the scripted server. */
class SshTransportHandlerTest {

    static final SshTransportConfig CONFIG = SshTransportConfig.builder()
            .kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256)).build();

    @Test
    void readyEventCarriesWhatTheAuditNeeds() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.handshake(true);
            SshTransportReadyEvent e = s.ready.getNow();
            assertEquals("SSH-2.0-Scripted_1.0", e.serverVersion());
            assertEquals("curve25519-sha256", e.cryptoInfo().kex());
            assertEquals("aes128-gcm@openssh.com", e.cryptoInfo().cipher());
            assertEquals("<implicit>", e.cryptoInfo().mac());
            assertTrue(e.cryptoInfo().strictKex());
            assertEquals("ssh-ed25519", e.hostKeyInfo().alg());
            assertEquals(VerifiedBy.CUSTOM, e.hostKeyInfo().verifiedBy());
            assertTrue(e.hostKeyInfo().fingerprint().startsWith("SHA256:"));
            assertArrayEquals(s.sessionId, e.sessionId());
            assertTrue(s.upperLayer.contains(e), "fired up the pipeline too");
        }
    }

    @Test
    void firstKexInitCarriesTheClientPseudoAlgorithmsAndNoSha1() throws Exception {
        try (ScriptedServer s = new ScriptedServer(SshTransportConfig.defaults())) {
            s.sendVersion();
            ByteBuf b = s.nextFromClient();
            KexInitMessage m = KexInitMessage.decode(b);
            b.release();
            assertEquals(KexAlgorithms.DEFAULT, m.kexAlgorithms().subList(0, KexAlgorithms.DEFAULT.size()));
            assertTrue(m.kexAlgorithms().containsAll(List.of("ext-info-c", "kex-strict-c-v00@openssh.com")));
            for (List<String> list : List.of(m.kexAlgorithms(), m.serverHostKeyAlgorithms(), m.macClientToServer(),
                    m.encryptionClientToServer())) {
                for (String name : list) {
                    assertFalse(name.contains("sha1") || name.equals("ssh-rsa") || name.contains("cbc")
                            || name.contains("dss") || name.contains("group1-"), name);
                }
            }
        }
    }

    static void authenticated(ScriptedServer s) throws Exception {
        s.strict = true;
        s.sendVersion();
        byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
        byte[] ic = s.readClientKexInit();
        s.replyAndSendNewKeys(ic, is, null);
        s.send(b -> new ExtInfoMessage(Map.of("ping@openssh.com", "0".getBytes())).encode(b));
        s.expectClientNewKeys();
        s.expectServiceRequestAndAccept();
    }

    static ByteBuf ping(String data) {
        ByteBuf b = Unpooled.buffer().writeByte(192);
        SshWire.writeString(b, data);
        return b;
    }

    @Test
    void pingIsAnsweredAfterAuthenticationOnly() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            authenticated(s);
            s.send(ping("early"));
            assertEquals(-1, s.nextNumberFromClient(), "no PONG before authentication (CVE-2025-26466)");
            s.authenticate();
            s.send(ping("hello"));
            ByteBuf pong = s.nextFromClient();
            assertEquals(193, pong.readUnsignedByte());
            assertEquals("hello", SshWire.readString(pong));
            pong.release();
            assertTrue(s.client.isOpen());
        }
    }

    /** Replaces the scripted stand-in with the real user-auth handler; it sends {@code none} at once. */
    static io.netty.util.concurrent.Promise<AuthAttempt> realAuth(ScriptedServer s, PasswordCallback password,
            java.util.concurrent.Executor callbacks) {
        io.netty.util.concurrent.Promise<AuthAttempt> result = s.client.eventLoop().newPromise();
        UserAuthConfig config = new UserAuthConfig("alice", List.of(), password, null, false, callbacks);
        s.client.pipeline().replace(PipelineNames.USERAUTH, PipelineNames.USERAUTH,
                new SshUserAuthHandler(config, s.ready.getNow(), "ssh hop \"scripted\" 127.0.0.1:22", a -> { },
                        result));
        return result;
    }

    @Test
    void theUserAuthHandlersSuccessAuthenticatesTheTransport() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            authenticated(s);
            io.netty.util.concurrent.Promise<AuthAttempt> auth = realAuth(s, null, Runnable::run);
            assertEquals(50, s.nextNumberFromClient(), "USERAUTH_REQUEST none");
            s.sendMessage(52);
            assertTrue(auth.isSuccess(), () -> String.valueOf(auth.cause()));
            s.send(ping("after"));
            ByteBuf pong = s.nextFromClient();
            assertEquals(193, pong.readUnsignedByte(), "PONG once the auth handler accepted the success");
            pong.release();
        }
    }

    @Test
    void aUserauthSuccessWhileNoRequestIsOutstandingFailsAuthentication() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            authenticated(s);
            List<Runnable> parked = new java.util.ArrayList<>();
            io.netty.util.concurrent.Promise<AuthAttempt> auth = realAuth(s, (user, where) -> "pw".toCharArray(),
                    parked::add);
            assertEquals(50, s.nextNumberFromClient(), "USERAUTH_REQUEST none");
            ByteBuf failure = Unpooled.buffer().writeByte(51);
            SshWire.writeString(failure, "password");
            SshWire.writeBoolean(failure, false);
            s.send(failure);
            assertEquals(1, parked.size(), "the password callback is running (parked), no request in flight");
            s.sendMessage(52);
            assertTrue(auth.isDone());
            HopAuthenticationException e = assertInstanceOf(HopAuthenticationException.class, auth.cause());
            assertTrue(e.getMessage().contains("USERAUTH_SUCCESS without a request in flight"), e.getMessage());
            assertFalse(s.client.isOpen());
        }
    }

    @Test
    void aServerRefusingOurKexInitFailsInsteadOfHanging() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG.toBuilder().rekeyBytes(1024).build())) {
            s.handshake(true);
            s.authenticate();
            s.client.writeAndFlush(Unpooled.buffer().writeByte(94).writeZero(2000));
            int last = -1;
            ByteBuf b;
            while ((b = s.nextFromClient()) != null) {
                last = b.getUnsignedByte(b.readerIndex());
                b.release();
            }
            assertEquals(20, last, "client started a rekey; KEXINIT was its last packet");
            SshPacketCodec codec = (SshPacketCodec) s.client.pipeline().get(PipelineNames.PACKET_CODEC);
            long kexInitSeq = codec.outboundSequence() - 1;
            s.send(x -> new UnimplementedMessage(kexInitSeq).encode(x));
            assertEquals("ssh hop \"scripted\" 127.0.0.1:22: protocol error: server refused our KEXINIT with "
                    + "SSH_MSG_UNIMPLEMENTED", ((Throwable) s.upperLayer.get(s.upperLayer.size() - 1)).getMessage());
            assertFalse(s.client.isOpen());
        }
    }

    @Test
    void aFlippedBitFromTheServerIsAMacErrorAndADisconnect() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.handshake(true);
            s.server.writeOutbound(Unpooled.buffer().writeByte(94).writeZero(64));
            ByteBuf wire = s.server.readOutbound();
            wire.setByte(20, wire.getByte(20) ^ 0x10);
            s.raw(wire);
            assertFalse(s.client.isOpen());
            Throwable t = (Throwable) s.upperLayer.get(s.upperLayer.size() - 1);
            assertEquals("ssh hop \"scripted\" 127.0.0.1:22: protocol error: message authentication failed",
                    t.getMessage());
            ByteBuf d = s.nextFromClient();
            assertEquals(DisconnectMessage.MAC_ERROR, DisconnectMessage.decode(d).reasonCode());
            d.release();
        }
    }

    @Test
    void configRefusesUnknownAlgorithmsAndEmptyLists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SshTransportConfig.builder().ciphers(List.of("blowfish-cbc")).build());
        assertTrue(e.getMessage().startsWith("unsupported cipher algorithm blowfish-cbc"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SshTransportConfig.builder().macs(List.of()).build());
        assertThrows(IllegalArgumentException.class,
                () -> SshTransportConfig.builder().kexAlgorithms(List.of("diffie-hellman-group14-sha1")).build());
        // The build's version (surefire passes the POM's), with RFC 4253's forbidden minus sign replaced.
        assertEquals("SSH-2.0-fumidai_" + System.getProperty("fumidai.projectVersion").replace('-', '_'),
                SshTransportConfig.defaults().clientVersionLine());
        SshTransportConfig derived = SshTransportConfig.defaults().toBuilder()
                .kexAlgorithms(List.of(SshAlgorithms.Kex.MLKEM768_X25519_SHA256)).build();
        assertEquals(List.of("mlkem768x25519-sha256"), derived.kexAlgorithms());
        assertEquals(SshTransportConfig.defaults().ciphers(), derived.ciphers());
    }

    @Test
    void missingVerifierIsRefused() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new SshTransportHandler(CONFIG, "h", 22, "w", null, Runnable::run));
        assertTrue(e.getMessage().contains("every SSH hop needs a host-key verifier"));
    }

    @Test
    void aStalledHandshakeTimesOut() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG.toBuilder().handshakeTimeout(java.time.Duration.ofSeconds(5))
                .build())) {
            s.sendVersion();
            s.client.advanceTimeBy(6, java.util.concurrent.TimeUnit.SECONDS);
            s.client.runScheduledPendingTasks();
            Throwable t = s.failure();
            assertInstanceOf(dev.fumidai.TunnelTimeoutException.class, t);
            assertEquals("ssh hop \"scripted\" 127.0.0.1:22: SSH handshake not complete after 5 s (in the kex phase)",
                    t.getMessage());
            assertFalse(s.client.isOpen());
        }
    }

    @Test
    void theHandshakeTimerStopsOnceReady() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG.toBuilder().handshakeTimeout(java.time.Duration.ofSeconds(5))
                .build())) {
            s.handshake(true);
            s.client.advanceTimeBy(6, java.util.concurrent.TimeUnit.SECONDS);
            s.client.runScheduledPendingTasks();
            assertTrue(s.client.isOpen());
        }
    }

    @Test
    void aLocalCloseSendsDisconnectByApplicationAndRaisesNoError() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.handshake(true);
            s.client.close();
            ByteBuf d = s.nextFromClient();
            DisconnectMessage m = DisconnectMessage.decode(d);
            d.release();
            assertEquals(DisconnectMessage.BY_APPLICATION, m.reasonCode());
            assertFalse(s.client.isOpen());
            assertTrue(s.upperLayer.stream().noneMatch(o -> o instanceof Throwable), "no exception for a local close");
        }
    }

    @Test
    void closeDuringHandshakeFailsTheReadyFutureTyped() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            s.sendVersion();
            s.client.close();
            assertInstanceOf(HopHandshakeException.class, s.failure());
        }
    }

    /** Runs the handshake up to the client's NEWKEYS, with the server's KEXINIT offering {@code kex} names. */
    static void upToClientNewKeys(ScriptedServer s, List<String> kex) throws Exception {
        s.strict = true;
        s.sendVersion();
        byte[] is = s.sendKexInit(s.kexInit(true, false, kex));
        byte[] ic = s.readClientKexInit();
        s.replyAndSendNewKeys(ic, is, null);
        s.expectClientNewKeys();
    }

    /** Sends the server's EXT_INFO, the packet after its NEWKEYS (RFC 8308 §2.4). */
    static void extInfo(ScriptedServer s) {
        s.send(b -> new ExtInfoMessage(Map.of("server-sig-algs", "ssh-ed25519".getBytes())).encode(b));
    }

    /** Writes a payload from the upper layer, as user authentication does. */
    static io.netty.channel.ChannelFuture upperLayerWrites(ScriptedServer s, int number) {
        io.netty.channel.ChannelFuture f = s.client.writeAndFlush(Unpooled.buffer().writeByte(number).writeInt(7));
        s.pump();
        return f;
    }

    @Test
    void userAuthMayWriteBeforeServiceAcceptAndItsRequestFollowsTheServiceRequest() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            upToClientNewKeys(s, List.of(KexAlgorithms.CURVE25519_SHA256));
            extInfo(s);
            assertEquals(5, s.nextNumberFromClient(), "SERVICE_REQUEST right after NEWKEYS");
            // No SERVICE_ACCEPT yet: the transport is ready all the same, and a request goes out at once.
            assertTrue(s.ready.isSuccess(), () -> String.valueOf(s.ready.cause()));
            assertTrue(s.upperLayer.contains(s.ready.getNow()), "the ready event went up the pipeline");
            assertTrue(upperLayerWrites(s, 50).isSuccess());
            assertEquals(50, s.nextNumberFromClient(), "USERAUTH_REQUEST sent before SERVICE_ACCEPT arrived");
            s.send(b -> new dev.fumidai.ssh.internal.message.ServiceAcceptMessage("ssh-userauth").encode(b));
            s.sendMessage(51, new byte[] {0, 0, 0, 0, 0});
            assertTrue(s.upperLayer.stream().anyMatch(o -> o instanceof byte[] b && b[0] == 51),
                    "the answer after SERVICE_ACCEPT went up");
            assertTrue(s.client.isOpen());
        }
    }

    @Test
    void aUserAuthAnswerBeforeServiceAcceptFailsNamingTheHop() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            upToClientNewKeys(s, List.of(KexAlgorithms.CURVE25519_SHA256));
            extInfo(s);
            assertEquals(5, s.nextNumberFromClient());
            upperLayerWrites(s, 50);
            assertEquals(50, s.nextNumberFromClient());
            s.sendMessage(52); // USERAUTH_SUCCESS without SERVICE_ACCEPT
            assertTrue(s.upperLayer.stream().noneMatch(o -> o instanceof byte[]), "nothing passed up");
            Throwable t = s.upperLayer.stream().filter(o -> o instanceof Throwable).map(o -> (Throwable) o)
                    .findFirst().orElseThrow(() -> new AssertionError("no failure went up: " + s.upperLayer));
            assertInstanceOf(HopHandshakeException.class, t);
            assertTrue(t.getMessage().startsWith("ssh hop \"scripted\" 127.0.0.1:22: "), t.getMessage());
            assertTrue(t.getMessage().contains("message 52 before the ssh-userauth service was accepted"),
                    t.getMessage());
            assertFalse(s.client.isOpen());
        }
    }

    @Test
    void aServerThatRefusesTheServiceFailsUserAuthWithTheHopNamed() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            upToClientNewKeys(s, List.of(KexAlgorithms.CURVE25519_SHA256));
            extInfo(s);
            assertEquals(5, s.nextNumberFromClient());
            s.send(b -> new DisconnectMessage(DisconnectMessage.SERVICE_NOT_AVAILABLE, "no", "").encode(b));
            Throwable t = s.upperLayer.stream().filter(o -> o instanceof Throwable).map(o -> (Throwable) o)
                    .findFirst().orElseThrow(() -> new AssertionError("no failure went up: " + s.upperLayer));
            assertInstanceOf(dev.fumidai.ssh.SshDisconnectException.class, t);
            assertTrue(t.getMessage().startsWith("ssh hop \"scripted\" 127.0.0.1:22"), t.getMessage());
            assertFalse(s.client.isOpen());
        }
    }

    @Test
    void readyWaitsForTheExtInfoTheServerAnnounced() throws Exception {
        readyWaitsForTheExtInfo(List.of(KexAlgorithms.CURVE25519_SHA256, KexAlgorithms.EXT_INFO_S));
    }

    /** OpenSSH before 9.6 sends EXT_INFO without announcing ext-info-s; RSA needs its server-sig-algs all the same. */
    @Test
    void readyWaitsForAnExtInfoTheServerDidNotAnnounce() throws Exception {
        readyWaitsForTheExtInfo(List.of(KexAlgorithms.CURVE25519_SHA256));
    }

    void readyWaitsForTheExtInfo(List<String> serverKex) throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            upToClientNewKeys(s, serverKex);
            assertEquals(5, s.nextNumberFromClient(), "SERVICE_REQUEST does not wait");
            assertFalse(s.ready.isDone(), "not ready before the packet after the server's NEWKEYS");
            assertFalse(upperLayerWrites(s, 50).isDone(), "held back until ready");
            assertEquals(-1, s.nextNumberFromClient());
            s.send(b -> new ExtInfoMessage(Map.of("server-sig-algs", "rsa-sha2-512,ssh-ed25519".getBytes()))
                    .encode(b));
            assertTrue(s.ready.isSuccess(), () -> String.valueOf(s.ready.cause()));
            assertEquals(List.of("rsa-sha2-512", "ssh-ed25519"), s.ready.getNow().serverSigAlgs());
            assertEquals(50, s.nextNumberFromClient(), "the held request leaves once ready");
        }
    }

    @Test
    void readyComesWithTheNextPacketWhenAnAnnouncedExtInfoNeverComes() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            upToClientNewKeys(s, List.of(KexAlgorithms.CURVE25519_SHA256, KexAlgorithms.EXT_INFO_S));
            assertEquals(5, s.nextNumberFromClient());
            assertFalse(s.ready.isDone());
            s.send(b -> new dev.fumidai.ssh.internal.message.ServiceAcceptMessage("ssh-userauth").encode(b));
            assertTrue(s.ready.isSuccess(), () -> String.valueOf(s.ready.cause()));
            assertEquals(List.of(), s.ready.getNow().serverSigAlgs());
        }
    }

    /**
     * Shows the round trips saved at a hop: after the server's NEWKEYS (and EXT_INFO), the client sends NEWKEYS,
     * SERVICE_REQUEST and the signed publickey request in one flight, before any answer; SUCCESS then comes with
     * SERVICE_ACCEPT. Before, SERVICE_ACCEPT, the none probe and the key query each cost a round trip of their own.
     */
    @Test
    void newKeysServiceRequestAndTheSignedKeyLeaveInOneFlight() throws Exception {
        try (ScriptedServer s = new ScriptedServer(CONFIG)) {
            dev.fumidai.ssh.internal.keys.SshPrivateKey key = dev.fumidai.ssh.internal.keys.SshPrivateKeys.fromKeyPair(
                    java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), "k");
            s.strict = true;
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256,
                    KexAlgorithms.EXT_INFO_S)));
            byte[] ic = s.readClientKexInit();
            s.replyAndSendNewKeys(ic, is, null);
            s.send(b -> new ExtInfoMessage(Map.of("server-sig-algs", "ssh-ed25519".getBytes())).encode(b));
            io.netty.util.concurrent.Promise<AuthAttempt> auth = s.client.eventLoop().newPromise();
            s.ready.addListener(f -> s.client.pipeline().replace(PipelineNames.USERAUTH, PipelineNames.USERAUTH,
                    new SshUserAuthHandler(new UserAuthConfig("alice",
                            List.of(dev.fumidai.ssh.internal.auth.AuthIdentity.of(key)), null, null, true,
                            Runnable::run), s.ready.getNow(), "ssh hop \"scripted\" 127.0.0.1:22", a -> { }, auth)));
            // Everything the client sent since the server's NEWKEYS, with no answer from the server in between:
            List<Integer> flight = new java.util.ArrayList<>();
            ByteBuf b;
            while ((b = s.nextFromClient()) != null) {
                flight.add((int) b.getUnsignedByte(b.readerIndex()));
                if (flight.size() == 3) {
                    b.skipBytes(1);
                    assertEquals("alice", SshWire.readString(b));
                    assertEquals("ssh-connection", SshWire.readString(b));
                    assertEquals("publickey", SshWire.readString(b));
                    assertTrue(SshWire.readBoolean(b), "the signed request, no query");
                }
                b.release();
            }
            assertEquals(List.of(21, 5, 50), flight, "NEWKEYS, SERVICE_REQUEST, USERAUTH_REQUEST");
            s.send(b2 -> new dev.fumidai.ssh.internal.message.ServiceAcceptMessage("ssh-userauth").encode(b2));
            s.sendMessage(52);
            assertTrue(auth.isSuccess(), () -> String.valueOf(auth.cause()));
            assertFalse(auth.getNow().trivial());
        }
    }

    static KexInitMessage decodeKexInit(byte[] bytes) throws Exception {
        ByteBuf b = Unpooled.wrappedBuffer(bytes);
        try {
            return KexInitMessage.decode(b);
        } finally {
            b.release();
        }
    }

    /** Takes the client's next payload, checks its number and puts it back for the scripted server to read. */
    static void peekClient(ScriptedServer s, int number) {
        ByteBuf b = s.nextFromClient();
        if (b == null) {
            throw new AssertionError("the client sent nothing; expected message " + number);
        }
        int n = b.getUnsignedByte(b.readerIndex());
        s.server.inboundMessages().add(b);
        assertEquals(number, n);
    }

    static final SshTransportConfig GUESSING = SshTransportConfig.builder().kexAlgorithms(List.of(
            KexAlgorithms.ECDH_NISTP256, KexAlgorithms.CURVE25519_SHA256)).build();

    /** Runs a first connection, which remembers the server's first choices (curve25519-sha256, ssh-ed25519). */
    static void rememberTheServer() throws Exception {
        dev.fumidai.ssh.internal.kex.KexGuesses.forgetAll();
        try (ScriptedServer first = new ScriptedServer(GUESSING, ScriptedServer.acceptAll(),
                new io.netty.channel.embedded.EmbeddedChannel(), true)) {
            first.handshake(true);
            assertTrue(first.ready.isSuccess());
            assertEquals(KexAlgorithms.ECDH_NISTP256, decodeKexInit(first.lastClientKexInit).kexAlgorithms().get(0),
                    "no guess on a first connection: our own order");
        }
    }

    @Test
    void aSecondConnectionGuessesTheKeyExchangeAndSendsItsFirstPacketBeforeTheServerSpeaks() throws Exception {
        rememberTheServer();
        try (ScriptedServer s = new ScriptedServer(GUESSING, ScriptedServer.acceptAll(),
                new io.netty.channel.embedded.EmbeddedChannel(), true)) {
            // Before the server sent anything: our KEXINIT with the remembered choices first, and the guess.
            byte[] ic = s.readClientKexInit();
            KexInitMessage ours = decodeKexInit(ic);
            assertTrue(ours.firstKexPacketFollows());
            assertEquals(KexAlgorithms.CURVE25519_SHA256, ours.kexAlgorithms().get(0));
            assertEquals("ssh-ed25519", ours.serverHostKeyAlgorithms().get(0));
            assertTrue(ours.kexAlgorithms().contains(KexAlgorithms.ECDH_NISTP256), "nothing dropped from the list");
            peekClient(s, 30); // the guessed ECDH_INIT, before the server's version line
            // The server, unchanged, takes the guess: no second ECDH_INIT, one round trip fewer.
            s.strict = true;
            s.sendVersion();
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            s.replyAndSendNewKeys(ic, is, null);
            s.expectClientNewKeys();
            s.expectServiceRequestAndAccept();
            assertTrue(s.ready.isSuccess(), () -> String.valueOf(s.ready.cause()));
            assertEquals(KexAlgorithms.CURVE25519_SHA256, s.ready.getNow().cryptoInfo().kex());
        }
    }

    @Test
    void aWrongGuessIsFollowedByTheRightFirstPacket() throws Exception {
        rememberTheServer();
        try (ScriptedServer s = new ScriptedServer(GUESSING, ScriptedServer.acceptAll(),
                new io.netty.channel.embedded.EmbeddedChannel(), true)) {
            byte[] ic = s.readClientKexInit();
            assertTrue(decodeKexInit(ic).firstKexPacketFollows());
            ByteBuf guessed = s.nextFromClient();
            assertEquals(30, guessed.getUnsignedByte(guessed.readerIndex()));
            guessed.release(); // the server ignores a wrong guess (RFC 4253 §7.1)
            // The server changed: it now puts nistp256 first, so the guess (curve25519 first) is wrong. The scripted
            // server only speaks X25519, so it offers curve25519 alone but with another host-key algorithm first.
            s.strict = true;
            s.sendVersion();
            KexInitMessage changed = s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256));
            changed = new KexInitMessage(changed.cookie(), changed.kexAlgorithms(), List.of("ssh-ed25519-cert-v01@openssh.com",
                    "ssh-ed25519"), changed.encryptionClientToServer(), changed.encryptionServerToClient(),
                    changed.macClientToServer(), changed.macServerToClient(), changed.compressionClientToServer(),
                    changed.compressionServerToClient(), List.of(), List.of(), false, 0);
            byte[] is = s.sendKexInit(changed);
            s.replyAndSendNewKeys(ic, is, null); // reads the second, right ECDH_INIT
            s.expectClientNewKeys();
            s.expectServiceRequestAndAccept();
            assertTrue(s.ready.isSuccess(), () -> String.valueOf(s.ready.cause()));
            assertEquals(null, dev.fumidai.ssh.internal.kex.KexGuesses.lookup("scripted:22"),
                    "the server's first host-key algorithm was not negotiated: nothing to guess next time");
        }
    }
    @Test
    void aServerWhoseHostKeyIsRefusedLeavesNothingToGuess() throws Exception {
        // A man in the middle cannot pass our host-key check, but he sees our KEXINIT and can answer with his own.
        // What his KEXINIT put first must not become the order of the next, genuine connection (it would move a
        // weaker exchange, say curve25519 instead of a post-quantum hybrid, to the front of our list).
        dev.fumidai.ssh.internal.kex.KexGuesses.forgetAll();
        dev.fumidai.ssh.HostKeyVerifier refuse = check -> {
            throw new dev.fumidai.ssh.HostKeyVerificationException(
                    dev.fumidai.ssh.HostKeyVerificationException.Kind.MISMATCH, "not the pinned key");
        };
        try (ScriptedServer s = new ScriptedServer(GUESSING, refuse, new io.netty.channel.embedded.EmbeddedChannel(),
                true)) {
            s.strict = true;
            s.sendVersion();
            byte[] ic = s.readClientKexInit();
            byte[] is = s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            try {
                s.replyAndSendNewKeys(ic, is, null);
            } catch (AssertionError | RuntimeException expected) {
                // the client may close before the server's NEWKEYS: the refusal is what matters
            }
            assertTrue(s.ready.isDone() && !s.ready.isSuccess(), "the refused host key fails the handshake");
        }
        assertEquals(null, dev.fumidai.ssh.internal.kex.KexGuesses.lookup("scripted:22"),
                "a KEXINIT from a server that failed the host-key check is not remembered");
    }
}
