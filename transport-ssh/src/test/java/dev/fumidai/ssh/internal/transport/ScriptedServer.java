// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerdict;
import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.kex.KeyDerivation;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.message.KexEcdhInitMessage;
import dev.fumidai.ssh.internal.message.KexEcdhReplyMessage;
import dev.fumidai.ssh.internal.message.KexInitMessage;
import dev.fumidai.ssh.internal.message.NewKeysMessage;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Plays a scripted, possibly hostile SSH server against our client pipeline on {@link EmbeddedChannel}s: it
 * speaks the {@code none} cipher until it chooses to run a real curve25519 + ssh-ed25519 key exchange, so a
 * test can put any hand-built packet at any point of the protocol.
 *
 * <p>The client pipeline (version exchange, codec, transport, a recorder) lives on {@link #client}; the server
 * side is an {@link SshPacketCodec} on {@link #server}. {@link #pump()} moves bytes both ways and runs the
 * client's pending tasks (the host-key verifier's answer).
 */
final class ScriptedServer implements AutoCloseable {

    static final String SERVER_VERSION = "SSH-2.0-Scripted_1.0";
    static final String CIPHER = CipherAlgorithms.AES128_GCM;

    final EmbeddedChannel client;
    final EmbeddedChannel server;
    final SshPacketCodec serverCodec = new SshPacketCodec();
    final Future<SshTransportReadyEvent> ready;
    final List<Object> upperLayer = new ArrayList<>();
    final KeyPair hostKey;
    final byte[] hostKeyBlob;
    final SecureRandom random = new SecureRandom();
    String clientVersion;
    byte[] sessionId;
    boolean strict;

    ScriptedServer(SshTransportConfig config) throws Exception {
        this(config, acceptAll());
    }

    ScriptedServer(SshTransportConfig config, HostKeyVerifier verifier) throws Exception {
        this(config, verifier, new EmbeddedChannel());
    }

    /** Plays against the given client channel (a test may override how it writes, to model a stalled socket). */
    ScriptedServer(SshTransportConfig config, HostKeyVerifier verifier, EmbeddedChannel client) throws Exception {
        this(config, verifier, client, false);
    }

    /**
     * Plays against the given client channel; unless {@code keepGuesses}, the client starts without a remembered
     * key-exchange guess ({@link dev.fumidai.ssh.internal.kex.KexGuesses}), so it speaks only after the server's
     * KEXINIT, as every scripted test expects.
     */
    ScriptedServer(SshTransportConfig config, HostKeyVerifier verifier, EmbeddedChannel client, boolean keepGuesses)
            throws Exception {
        if (!keepGuesses) {
            dev.fumidai.ssh.internal.kex.KexGuesses.forgetAll();
        }
        this.client = client;
        hostKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        hostKeyBlob = SshPublicKeys.fromJavaKey(hostKey.getPublic()).encoded();
        ready = SshClientTransport.install(client, config, "scripted", 22, "ssh hop \"scripted\" 127.0.0.1:22",
                verifier, Runnable::run);
        client.pipeline().addLast(PipelineNames.USERAUTH, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                upperLayer.add(ByteBufUtil.getBytes(b));
                b.release();
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                upperLayer.add(evt);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                upperLayer.add(cause);
            }
        });
        // Switches the server's inbound keys right after the client's NEWKEYS, before the next packet is decoded.
        server = new EmbeddedChannel(serverCodec, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                if (b.getUnsignedByte(b.readerIndex()) == 21 && pendingInbound != null) {
                    serverCodec.setInboundCipher(pendingInbound, strict);
                    pendingInbound = null;
                }
                ctx.fireChannelRead(msg);
            }
        });
        ByteBuf line = client.readOutbound();
        String text = line.toString(StandardCharsets.US_ASCII);
        line.release();
        clientVersion = text.substring(0, text.length() - 2);
    }

    static HostKeyVerifier acceptAll() {
        return check -> new HostKeyVerdict(VerifiedBy.CUSTOM, SshPublicKeys.fingerprint(check.hostKeyBlob()), false);
    }

    /** The largest piece {@link #raw} feeds the client at once; bulk tests raise it. */
    int maxPiece = 64;

    /** Sends raw bytes to the client, split in random pieces. */
    void raw(ByteBuf bytes) {
        while (bytes.isReadable() && client.isOpen()) {
            int n = Math.min(bytes.readableBytes(), 1 + random.nextInt(maxPiece));
            client.writeInbound(bytes.readRetainedSlice(n));
        }
        bytes.release();
        pump();
    }

    void sendVersion() {
        raw(Unpooled.copiedBuffer(SERVER_VERSION + "\r\n", StandardCharsets.US_ASCII));
    }

    /** Sends a payload as a packet with the server's current keys. */
    void send(ByteBuf payload) {
        server.writeOutbound(payload);
        ByteBuf b;
        while ((b = server.readOutbound()) != null) {
            raw(b);
        }
    }

    void send(Consumer<ByteBuf> encoder) {
        ByteBuf b = Unpooled.buffer();
        encoder.accept(b);
        send(b);
    }

    /** Encodes a payload with the server's current keys without delivering it; see {@link #flushServerOutput}. */
    void serverWriteOnly(Consumer<ByteBuf> encoder) {
        ByteBuf b = Unpooled.buffer();
        encoder.accept(b);
        server.writeOutbound(b);
    }

    /** Delivers everything {@link #serverWriteOnly} encoded, as one stream of bytes. */
    void flushServerOutput() {
        io.netty.buffer.CompositeByteBuf all = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        ByteBuf b;
        while ((b = server.readOutbound()) != null) {
            all.addComponent(true, b);
        }
        raw(all);
    }

    /** Sends a packet that holds just a message number and the given bytes. */
    void sendMessage(int number, byte... body) {
        send(Unpooled.buffer().writeByte(number).writeBytes(body));
    }

    /** Moves the client's output into the server codec and runs the client's tasks. */
    void pump() {
        for (int i = 0; i < 3; i++) {
            client.runPendingTasks();
            ByteBuf b;
            while ((b = client.readOutbound()) != null) {
                if (server.isOpen()) {
                    server.writeInbound(b);
                } else {
                    b.release();
                }
            }
        }
    }

    /**
     * Returns the next payload the client sent, or null; the caller releases it. SSH_MSG_UNIMPLEMENTED answers
     * to injected unknown messages are counted and skipped, as a real server would ignore them.
     */
    ByteBuf nextFromClient() {
        pump();
        ByteBuf b;
        while ((b = server.readInbound()) != null && b.getUnsignedByte(b.readerIndex()) == 3) {
            unimplementedFromClient++;
            b.release();
        }
        return b;
    }

    int unimplementedFromClient;

    /** Returns the message number of the next payload the client sent, consuming it; -1 if none. */
    int nextNumberFromClient() {
        ByteBuf b = nextFromClient();
        if (b == null) {
            return -1;
        }
        int n = b.getUnsignedByte(b.readerIndex());
        b.release();
        return n;
    }

    KexInitMessage kexInit(boolean offerStrict, boolean firstKexPacketFollows, List<String> kex) {
        List<String> names = new ArrayList<>(kex);
        if (offerStrict) {
            names.add(KexAlgorithms.KEX_STRICT_S);
        }
        byte[] cookie = new byte[16];
        random.nextBytes(cookie);
        return new KexInitMessage(cookie, names, List.of("ssh-ed25519"), List.of(CIPHER), List.of(CIPHER),
                List.of("hmac-sha2-256"), List.of("hmac-sha2-256"), List.of("none"), List.of("none"), List.of(),
                List.of(), firstKexPacketFollows, 0);
    }

    /** Sends the server's KEXINIT and returns its payload bytes (I_S). */
    byte[] sendKexInit(KexInitMessage m) {
        ByteBuf b = Unpooled.buffer();
        m.encode(b);
        byte[] bytes = ByteBufUtil.getBytes(b);
        send(b);
        return bytes;
    }

    /** Reads the client's KEXINIT payload (I_C). */
    byte[] readClientKexInit() {
        ByteBuf b = nextFromClient();
        if (b == null || b.getUnsignedByte(b.readerIndex()) != 20) {
            String what = b == null ? "nothing" : "message " + b.getUnsignedByte(b.readerIndex());
            if (b != null) {
                b.release();
            }
            throw new AssertionError("client sent " + what + " instead of KEXINIT");
        }
        byte[] bytes = ByteBufUtil.getBytes(b);
        b.release();
        lastClientKexInit = bytes;
        return bytes;
    }

    /** The last KEXINIT payload {@link #readClientKexInit} read. */
    byte[] lastClientKexInit;

    /**
     * Answers the client's ECDH_INIT with a correct reply and NEWKEYS and switches the server's outbound keys;
     * {@code beforeNewKeys} may inject packets between the reply and NEWKEYS.
     */
    void replyAndSendNewKeys(byte[] clientKexInit, byte[] serverKexInit, Runnable beforeNewKeys) throws Exception {
        ByteBuf init = nextFromClient();
        if (init == null) {
            throw new AssertionError("client sent no ECDH_INIT");
        }
        byte[] qc;
        try {
            qc = KexEcdhInitMessage.decode(init).clientPublic();
        } finally {
            init.release();
        }
        byte[] priv = new byte[32];
        X25519.generatePrivateKey(random, priv);
        byte[] qs = new byte[32];
        X25519.generatePublicKey(priv, 0, qs, 0);
        byte[] shared = new byte[32];
        X25519.calculateAgreement(priv, 0, qc, 0, shared, 0);
        ByteBuf kb = Unpooled.buffer();
        SshWire.writeUnsignedMpint(kb, shared);
        byte[] k = ByteBufUtil.getBytes(kb);
        kb.release();
        ByteBuf h = Unpooled.buffer();
        SshWire.writeString(h, clientVersion);
        SshWire.writeString(h, SERVER_VERSION);
        SshWire.writeString(h, clientKexInit);
        SshWire.writeString(h, serverKexInit);
        SshWire.writeString(h, hostKeyBlob);
        SshWire.writeString(h, qc);
        SshWire.writeString(h, qs);
        h.writeBytes(k);
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(ByteBufUtil.getBytes(h));
        h.release();
        if (sessionId == null) {
            sessionId = hash;
        }
        Signature sig = Signature.getInstance("Ed25519");
        sig.initSign(hostKey.getPrivate());
        sig.update(hash);
        ByteBuf sb = Unpooled.buffer();
        SshWire.writeString(sb, "ssh-ed25519");
        SshWire.writeString(sb, sig.sign());
        byte[] sigBlob = ByteBufUtil.getBytes(sb);
        sb.release();
        CipherAlgorithms.CipherSpec spec = CipherAlgorithms.cipher(CIPHER).orElseThrow();
        pendingInbound = CipherAlgorithms.create(spec, null,
                KeyDerivation.derive("SHA-256", k, hash, 'C', sessionId, spec.keyLength()),
                KeyDerivation.derive("SHA-256", k, hash, 'A', sessionId, spec.ivLength()), null, false);
        var outbound = CipherAlgorithms.create(spec, null,
                KeyDerivation.derive("SHA-256", k, hash, 'D', sessionId, spec.keyLength()),
                KeyDerivation.derive("SHA-256", k, hash, 'B', sessionId, spec.ivLength()), null, true);
        send(b -> new KexEcdhReplyMessage(hostKeyBlob, qs, sigBlob).encode(b));
        if (beforeNewKeys != null) {
            beforeNewKeys.run();
        }
        send(b -> new NewKeysMessage().encode(b));
        serverCodec.setOutboundCipher(outbound, strict);
    }

    private dev.fumidai.ssh.internal.cipher.PacketCipher pendingInbound;

    /** Waits for the client's NEWKEYS; the server switched its inbound keys when it decoded it. */
    void expectClientNewKeys() {
        int n = nextNumberFromClient();
        if (n != 21) {
            throw new AssertionError("client sent " + n + " instead of NEWKEYS; ready: " + ready.cause());
        }
    }

    /** Runs a whole initial handshake up to SERVICE_ACCEPT, with strict kex offered or not. */
    void handshake(boolean offerStrict) throws Exception {
        strict = offerStrict;
        sendVersion();
        byte[] is = sendKexInit(kexInit(offerStrict, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
        byte[] ic = readClientKexInit();
        replyAndSendNewKeys(ic, is, null);
        expectClientNewKeys();
        expectServiceRequestAndAccept();
    }

    void expectServiceRequestAndAccept() {
        int n = nextNumberFromClient();
        if (n != 5) {
            throw new AssertionError("client sent " + n + " instead of SERVICE_REQUEST");
        }
        send(b -> new dev.fumidai.ssh.internal.message.ServiceAcceptMessage("ssh-userauth").encode(b));
    }

    /**
     * Sends USERAUTH_SUCCESS and tells the transport authentication succeeded, as the real user-auth handler
     * does when the message answers a request of its own (the stand-in upper layer here judges nothing).
     */
    void authenticate() {
        sendMessage(52);
        client.pipeline().get(SshTransportHandler.class).userAuthSucceeded();
        pump();
    }

    /**
     * Returns the failure the client's transport reported, waiting for nothing: the channel is embedded. Before the
     * transport is ready that fails the ready future; after (user authentication may start before SERVICE_ACCEPT)
     * it is fired up the pipeline to the upper layer.
     */
    Throwable failure() {
        pump();
        if (ready.cause() != null) {
            return ready.cause();
        }
        return (Throwable) upperLayer.stream().filter(o -> o instanceof Throwable).findFirst().orElse(null);
    }

    @Override
    public void close() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }
}
