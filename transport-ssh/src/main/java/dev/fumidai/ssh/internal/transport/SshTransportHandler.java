// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import dev.fumidai.HopDisconnectedException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.HopHostKeyException;
import dev.fumidai.TunnelException;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.ssh.HostKeyCheck;
import dev.fumidai.ssh.HostKeyVerdict;
import dev.fumidai.ssh.HostKeyVerificationException;
import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshDisconnectException;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.cipher.PacketCipher;
import dev.fumidai.ssh.internal.kex.ExchangeHashInput;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.kex.KexResult;
import dev.fumidai.ssh.internal.kex.KeyDerivation;
import dev.fumidai.ssh.internal.kex.KeyExchange;
import dev.fumidai.ssh.internal.kex.KexGuesses;
import dev.fumidai.ssh.internal.kex.KeyExchanges;
import dev.fumidai.ssh.internal.kex.Sntrup761KeyPairs;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.message.DebugMessage;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.ExtInfoMessage;
import dev.fumidai.ssh.internal.message.IgnoreMessage;
import dev.fumidai.ssh.internal.message.KexInitMessage;
import dev.fumidai.ssh.internal.message.NewKeysMessage;
import dev.fumidai.ssh.internal.message.ServiceAcceptMessage;
import dev.fumidai.ssh.internal.message.ServiceRequestMessage;
import dev.fumidai.ssh.internal.message.SshMessageNumbers;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import dev.fumidai.ssh.internal.message.UnimplementedMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the client side of the SSH transport layer (RFC 4253 §7–§11) above the {@link SshPacketCodec}: key
 * exchange and rekeying, host-key verification, strict key exchange (OpenSSH {@code PROTOCOL} §1.10), ext-info
 * (RFC 8308), the generic messages, and the {@code ssh-userauth} service request. Messages of the upper layers
 * (numbers 50 and up) are passed up as payload {@link ByteBuf}s once the service is accepted; payloads written
 * by upper layers are sent, or held back while a key exchange is running.
 *
 * <h2>Message filter</h2>
 * Each message is checked against the state (security-checklist T5): kex messages only during a key
 * exchange, NEWKEYS only after the reply, EXT_INFO only right after the server's first NEWKEYS or once during
 * user authentication, upper-layer messages only after SERVICE_ACCEPT and never between the server's KEXINIT
 * and NEWKEYS. With strict kex, anything but kex messages during the initial exchange is fatal.
 *
 * <h2>Threading</h2>
 * Event loop only. The {@link HostKeyVerifier} runs on the given executor, because it may do file I/O; its
 * answer comes back to the event loop.
 *
 * <h2>Reference counting</h2>
 * Inbound payloads are released here unless passed up, in which case the next handler owns them. Outbound
 * payloads are passed on or, while held back, kept in a queue and released if they fail.
 *
 * <h2>Back-pressure</h2>
 * Held-back bytes count toward the channel's writability (see {@link #updateHeldWritability}), so writers that
 * respect it, as the SSH channels do, stop at the write buffer's high water mark during a key exchange. The
 * queue is capped by {@link SshTransportConfig#maxPendingWriteBytes()}; a write beyond the cap fails its own
 * promise with {@link HopDisconnectedException} and is not queued (a caller that passes a void promise turns
 * that into a connection failure, so the connection layer never does). Replies a peer earns by sending are
 * bounded too: reading pauses while more than 1 MiB waits for the socket, and the connection fails past the
 * same cap (see {@link #limitQueuedReplies}); before the transport is ready, unknown messages count with the
 * noise cap.
 *
 * <h2>Failure</h2>
 * Any failure sends SSH_MSG_DISCONNECT where possible, fails the ready future and the held-back writes with
 * one typed exception naming the hop ({@link HopHandshakeException} before the transport is ready,
 * {@link HopDisconnectedException} after, {@link SshDisconnectException} when the server disconnects), fires
 * it up the pipeline once the transport was ready, and closes the channel.
 */
public final class SshTransportHandler extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SshTransportHandler.class);

    /** The service user authentication runs under (RFC 4252 §1). */
    public static final String USERAUTH_SERVICE = "ssh-userauth";
    /** Caps IGNORE/DEBUG/UNIMPLEMENTED messages before the transport is ready (security-checklist R28). */
    static final int MAX_NOISE_BEFORE_READY = 4096;
    /** SSH2_MSG_PING and SSH2_MSG_PONG of OpenSSH {@code PROTOCOL} §1.9 ({@code ping@openssh.com}). */
    static final int PING = 192;
    static final int PONG = 193;
    /** The EXT_INFO extension by which an OpenSSH server says it answers and accepts PING. */
    static final String PING_EXTENSION = "ping@openssh.com";
    /** The user-defined writability flag the hold-back queue owns (Netty allows 1 to 31). */
    static final int HELD_WRITABILITY_INDEX = 7;

    private enum Phase { VERSION, KEX, SERVICE_REQUESTED, ESTABLISHED, CLOSED }

    private record PendingWrite(ByteBuf payload, ChannelPromise promise) {
    }

    private final SshTransportConfig config;
    private final String hostName;
    private final int port;
    private final String where;
    private final HostKeyVerifier verifier;
    private final Executor verifierExecutor;
    private final SecureRandom random = new SecureRandom();

    private ChannelHandlerContext ctx;
    private SshPacketCodec codec;
    private Promise<SshTransportReadyEvent> ready;
    private Phase phase = Phase.VERSION;
    private TunnelException failure;

    private String clientVersion;
    private String serverVersion;

    private boolean kexInProgress;
    /** Telemetry of re-exchanges (not the first): called on the event loop. */
    private Runnable rekeyStarted = () -> { };
    private java.util.function.Consumer<java.time.Duration> rekeyEnded = d -> { };
    private java.util.function.Consumer<HopHostKeyException> hostKeyRefusedLater = h -> { };
    private long rekeyStartNanos;
    private KexInitMessage ourKexInit;
    private byte[] ourKexInitBytes;
    private KexInitMessage theirKexInit;
    private KeyExchange kex;
    private NegotiatedAlgorithms negotiated;
    /** Bytes per direction before we rekey; set with the keys of each exchange. */
    private long rekeyBytesLimit = Long.MAX_VALUE;
    private NegotiatedAlgorithms firstNegotiated;
    private PacketCipher pendingInbound;
    private PacketCipher pendingOutbound;
    private boolean awaitingVerdict;
    private boolean ourNewKeysSent;
    private boolean theirNewKeysReceived;
    private boolean ignoreNextKexPacket;
    private int kexCount;
    private long ourKexInitSequence = -1;

    private boolean anyPacketReceived;
    private boolean firstPacketWasNotKexInit;
    private boolean strictKex;
    private boolean firstNewKeysReceived;
    private boolean expectExtInfoNow;
    /**
     * Whether the ready future was completed: once our NEWKEYS and SERVICE_REQUEST are sent and the slot for the
     * server's EXT_INFO has passed, before SERVICE_ACCEPT arrives (see {@link #maybeReady}).
     */
    private boolean readyFired;
    /** The first key exchange guessed from the last connection to this peer (see {@link KexGuesses}), or null. */
    private KexGuesses.Guess plannedGuess;
    /** Remembers the first exchange's choices for the next connection's guess, once that exchange is done. */
    private Runnable recordGuess;
    /** The guessed exchange whose first packet followed our first KEXINIT, until the server's KEXINIT judges it. */
    private KeyExchange guessedKex;
    private boolean extInfoDuringAuthSeen;
    private boolean userauthSucceeded;
    private int noiseCount;
    private List<String> serverSigAlgs = List.of();
    private boolean serverOffersPing;

    private byte[] sessionId;
    private byte[] hostKeyBlob;
    private String hostKeyFingerprint;
    private HostKeyVerdict verdict;

    private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();
    private long pendingBytes;
    private boolean flushPending;
    /** Whether the held-back bytes made the channel unwritable (see {@link #updateHeldWritability}). */
    private boolean heldUnwritable;
    /** Whether reading is paused because too many bytes wait for the socket (see {@link #limitQueuedReplies}). */
    private boolean readPaused;
    /** How long a failed connection waits for its DISCONNECT to be written before it closes anyway. */
    private static final long DISCONNECT_LINGER_SECONDS = 5;
    private ScheduledFuture<?> rekeyTimer;
    private ScheduledFuture<?> handshakeTimer;
    private boolean closedLocally;

    /**
     * Creates the handler.
     *
     * @param hostName the logical hop name the host key is checked against (or its HostKeyAlias)
     * @param port the hop's port, for {@code [host]:port} entries
     * @param where the hop as {@code Hops.describe} writes it, used in every exception message
     * @param verifierExecutor where the host-key verifier runs; never the event loop
     */
    public SshTransportHandler(SshTransportConfig config, String hostName, int port, String where,
            HostKeyVerifier verifier, Executor verifierExecutor) {
        this.config = Objects.requireNonNull(config, "config");
        this.hostName = Objects.requireNonNull(hostName, "hostName");
        this.port = port;
        this.where = Objects.requireNonNull(where, "where");
        this.verifier = Objects.requireNonNull(verifier, "verifier: every SSH hop needs a host-key verifier");
        this.verifierExecutor = Objects.requireNonNull(verifierExecutor, "verifierExecutor");
    }

    /** Returns the future completed when the transport is ready, or failed with a {@link TunnelException}. */
    public Future<SshTransportReadyEvent> readyFuture() {
        return ready;
    }

    /** Returns the number of completed key exchanges, the first included. */
    public int completedKeyExchanges() {
        return kexCount;
    }

    /** Returns what the latest key exchange negotiated, or {@code null} before the first. */
    public NegotiatedAlgorithms negotiatedAlgorithms() {
        return negotiated;
    }

    /**
     * Records that user authentication succeeded, as the user-auth handler judged it: a USERAUTH_SUCCESS the
     * transport merely saw pass (one with no request in flight, or one the handler refused as trivial) never
     * counts. From here on PING is answered, EXT_INFO is no longer allowed (RFC 8308 §2.4) and rekeys may start.
     * Event loop only.
     */
    public void userAuthSucceeded() {
        userauthSucceeded = true;
    }

    /**
     * Starts a key re-exchange now unless one is running or user authentication has not yet succeeded
     * (RFC 4253 §9; OpenSSH servers refuse a pre-auth rekey). Event loop only.
     */
    public void requestRekey() {
        if (phase == Phase.ESTABLISHED && userauthSucceeded && !kexInProgress && failure == null) {
            try {
                startKex();
            } catch (Exception e) {
                fail(e);
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ready = ctx.executor().newPromise();
        this.codec = ctx.pipeline().get(SshPacketCodec.class);
        if (codec == null) {
            throw new IllegalStateException("SshTransportHandler needs an SshPacketCodec before it");
        }
        // sntrup761 key generation is slow in Java: start it now, so it overlaps the connect and version exchange.
        Sntrup761KeyPairs.prefetch(peer(), config.kexAlgorithms());
        KexGuesses.Guess g = KexGuesses.lookup(peer());
        if (g != null && config.kexAlgorithms().contains(g.kex())
                && config.hostKeyAlgorithms().contains(g.hostKey())) {
            plannedGuess = g;
        }
        long nanos = config.handshakeTimeout().toNanos();
        handshakeTimer = ctx.executor().schedule(() -> {
            if (phase != Phase.ESTABLISHED && failure == null) {
                fail(new TunnelTimeoutException(where, "SSH handshake not complete after "
                        + config.handshakeTimeout().toSeconds() + " s (in the " + phase.name().toLowerCase()
                        + " phase)", null));
            }
        }, nanos, TimeUnit.NANOSECONDS);
        if (plannedGuess != null && ctx.channel().isActive()) {
            startGuessedKex();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx); // the version handler before us has sent our version line
        if (plannedGuess != null && !kexInProgress && failure == null) {
            startGuessedKex();
        }
    }

    /**
     * Sends our first KEXINIT with the guessed first packet right behind our version line, without waiting for the
     * server's version and KEXINIT (RFC 4253 §4.2 lets key exchange begin right after the identification string).
     */
    private void startGuessedKex() {
        try {
            startKex();
        } catch (Exception e) {
            fail(e);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SshVersionExchangedEvent v) {
            clientVersion = v.clientVersion();
            serverVersion = v.serverVersion();
            LOG.debug("{}: server version {}", where, serverVersion);
            phase = Phase.KEX;
            if (kexInProgress) {
                return; // started with a guess already
            }
            try {
                startKex();
            } catch (Exception e) {
                fail(e);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    // ------------------------------------------------------------------ inbound

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf payload)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failure != null) {
            payload.release();
            return;
        }
        boolean passedUp = false;
        try {
            passedUp = handlePayload(payload);
            maybeReady();
            checkRekeyLimits();
            limitQueuedReplies();
        } catch (Exception e) {
            fail(e);
        } finally {
            if (!passedUp) {
                payload.release();
            }
        }
    }

    /**
     * Bounds what a peer that sends and never reads can make us queue (issue #10; security-checklist F4): every
     * layer's replies (UNIMPLEMENTED, PONG, REQUEST_FAILURE, CHANNEL_FAILURE, CHANNEL_OPEN_FAILURE, window
     * adjusts) are written while we handle its packets, so after each one we look at the bytes waiting for the
     * socket. Past {@link #readPauseBytes()} we stop reading until the socket drains below the low water mark;
     * past {@link SshTransportConfig#maxPendingWriteBytes()} the connection fails with a typed error. Reading is
     * never paused during a key exchange, which needs the peer's next messages to release the held writes.
     */
    private void limitQueuedReplies() throws TunnelException {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out == null || failure != null) {
            return;
        }
        long queued = out.totalPendingWriteBytes();
        if (queued > config.maxPendingWriteBytes()) {
            String what = "the server does not read: more than " + config.maxPendingWriteBytes()
                    + " bytes queued toward it";
            throw phase == Phase.ESTABLISHED ? new HopDisconnectedException(where, what, null)
                    : new HopHandshakeException(where, what, null);
        }
        if (!readPaused && !kexInProgress && queued > readPauseBytes()) {
            LOG.debug("{}: {} bytes queued toward the server; reading paused", where, queued);
            readPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** Bytes waiting for the socket past which we stop reading: 1 MiB, or four high water marks if more. */
    private long readPauseBytes() {
        long high = ctx.channel().config().getWriteBufferHighWaterMark();
        return Math.min(Math.max(4 * high, 1L << 20), Math.max(config.maxPendingWriteBytes() / 2, 1));
    }

    private void resumeReading() {
        if (readPaused && failure == null) {
            readPaused = false;
            LOG.debug("{}: reading resumed", where);
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (readPaused && out != null
                && out.totalPendingWriteBytes() <= ctx.channel().config().getWriteBufferLowWaterMark()) {
            resumeReading();
        }
        super.channelWritabilityChanged(ctx);
    }

    /** Handles one payload; returns whether ownership passed up the pipeline. */
    private boolean handlePayload(ByteBuf payload) throws Exception {
        if (!payload.isReadable()) {
            throw new SshProtocolException("empty packet payload");
        }
        int type = payload.getUnsignedByte(payload.readerIndex());
        if (!anyPacketReceived) {
            anyPacketReceived = true;
            firstPacketWasNotKexInit = type != SshMessageNumbers.KEXINIT;
        }
        boolean extInfoSlot = expectExtInfoNow;
        expectExtInfoNow = false;
        if (type == SshMessageNumbers.DISCONNECT) {
            DisconnectMessage d = DisconnectMessage.decode(payload);
            throw new SshDisconnectException(where, d.reasonCode(), DisconnectMessage.reasonName(d.reasonCode()),
                    printable(d.description()));
        }
        if (strictKex && !firstNewKeysReceived && !isKexMessage(type)) {
            throw new SshProtocolException("strict KEX violation: message " + type
                    + " during the initial key exchange (OpenSSH PROTOCOL §1.10)");
        }
        switch (type) {
            case SshMessageNumbers.IGNORE:
            case SshMessageNumbers.DEBUG:
            case SshMessageNumbers.UNIMPLEMENTED:
                handleNoise(type, payload);
                return false;
            case SshMessageNumbers.KEXINIT:
                handleKexInit(payload);
                return false;
            case SshMessageNumbers.NEWKEYS:
                handleNewKeys(payload);
                return false;
            case SshMessageNumbers.EXT_INFO:
                handleExtInfo(payload, extInfoSlot);
                return false;
            case SshMessageNumbers.SERVICE_ACCEPT:
                handleServiceAccept(payload);
                return false;
            case SshMessageNumbers.SERVICE_REQUEST:
                throw new SshProtocolException("server sent SSH_MSG_SERVICE_REQUEST");
            default:
                break;
        }
        if (type >= SshMessageNumbers.KEX_FIRST && type <= SshMessageNumbers.KEX_LAST) {
            handleKexMethodMessage(payload, type);
            return false;
        }
        if (type < SshMessageNumbers.USERAUTH_FIRST) {
            // RFC 4253 §11.4: answer an unrecognized message with UNIMPLEMENTED; before the transport is ready such
            // answers count with the noise, so an unverified peer gets at most MAX_NOISE_BEFORE_READY of them.
            if (phase != Phase.ESTABLISHED && ++noiseCount > MAX_NOISE_BEFORE_READY) {
                throw new SshProtocolException("more than " + MAX_NOISE_BEFORE_READY
                        + " unknown or IGNORE/DEBUG/UNIMPLEMENTED messages before the transport was ready");
            }
            LOG.debug("{}: unimplemented transport message {}", where, type);
            send(buf(b -> new UnimplementedMessage(codec.lastInboundSequence()).encode(b)));
            return false;
        }
        if (phase != Phase.ESTABLISHED) {
            throw new SshProtocolException("message " + type + " before the " + USERAUTH_SERVICE
                    + " service was accepted");
        }
        if (kexInProgress && theirKexInit != null && !theirNewKeysReceived) {
            throw new SshProtocolException("message " + type
                    + " between the server's KEXINIT and NEWKEYS (RFC 4253 §7.1)");
        }
        if (type == PING && serverOffersPing) {
            handlePing(payload);
            return false;
        }
        ctx.fireChannelRead(payload);
        return true;
    }

    private static boolean isKexMessage(int type) {
        return type == SshMessageNumbers.KEXINIT || type == SshMessageNumbers.NEWKEYS
                || (type >= SshMessageNumbers.KEX_FIRST && type <= SshMessageNumbers.KEX_LAST);
    }

    private void handleNoise(int type, ByteBuf payload) throws SshProtocolException {
        if (phase != Phase.ESTABLISHED && ++noiseCount > MAX_NOISE_BEFORE_READY) {
            throw new SshProtocolException("more than " + MAX_NOISE_BEFORE_READY
                    + " IGNORE/DEBUG/UNIMPLEMENTED messages before the transport was ready");
        }
        switch (type) {
            case SshMessageNumbers.IGNORE -> IgnoreMessage.decode(payload);
            case SshMessageNumbers.DEBUG -> {
                DebugMessage d = DebugMessage.decode(payload);
                LOG.debug("{}: server debug message of {} chars", where, d.message().length());
            }
            default -> {
                UnimplementedMessage u = UnimplementedMessage.decode(payload);
                if (kexInProgress && theirKexInit == null && u.sequenceNumber() == ourKexInitSequence) {
                    // Without this, writes held back for the exchange would wait forever.
                    throw new SshProtocolException("server refused our KEXINIT with SSH_MSG_UNIMPLEMENTED");
                }
                LOG.debug("{}: server did not implement our packet {}", where, u.sequenceNumber());
            }
        }
    }

    private void handleKexInit(ByteBuf payload) throws Exception {
        if (theirKexInit != null) {
            throw new SshProtocolException("second KEXINIT during a key exchange (RFC 4253 §7.1)");
        }
        byte[] theirBytes = ByteBufUtil.getBytes(payload);
        theirKexInit = KexInitMessage.decode(payload);
        if (!kexInProgress) {
            LOG.debug("{}: server started a key re-exchange", where);
            startKex();
        }
        if (kexCount == 0) {
            strictKex = theirKexInit.kexAlgorithms().contains(KexAlgorithms.KEX_STRICT_S);
            if (strictKex && firstPacketWasNotKexInit) {
                throw new SshProtocolException("strict KEX violation: KEXINIT was not the first packet");
            }
            if (config.isRequireStrictKex() && !strictKex) {
                throw new HopHandshakeException(where, "server does not support strict key exchange, which this hop"
                        + " requires; ours [" + KexAlgorithms.KEX_STRICT_C + "], theirs "
                        + theirKexInit.kexAlgorithms(), null);
            }
        }
        negotiated = NegotiatedAlgorithms.negotiate(ourKexInit, theirKexInit, strictKex);
        checkPolicy(negotiated);
        if (theirKexInit.firstKexPacketFollows()
                && (!first(theirKexInit.kexAlgorithms()).equals(first(ourKexInit.kexAlgorithms()))
                || !first(theirKexInit.serverHostKeyAlgorithms()).equals(first(ourKexInit.serverHostKeyAlgorithms())))) {
            // RFC 4253 §7.1: a wrong guess means the next kex packet is ignored.
            ignoreNextKexPacket = true;
        }
        LOG.debug("{}: negotiated {}", where, negotiated);
        List<String> legacy = negotiated.legacyAlgorithms();
        if (!legacy.isEmpty()) {
            // Reached only through SshTransportConfig.Builder.allowInsecureLegacyAlgorithms().
            LOG.warn("{}: negotiated insecure legacy algorithms {}", where, legacy);
        }
        Sntrup761KeyPairs.negotiated(peer(), negotiated.kex());
        if (kexCount == 0) {
            // Remembered only once the exchange is done, its host key verified: a KEXINIT from a man in the middle,
            // who fails that check, must not reorder the next connection's list (a downgrade to a weaker method).
            List<String> theirKex = theirKexInit.kexAlgorithms();
            List<String> theirHostKeys = theirKexInit.serverHostKeyAlgorithms();
            NegotiatedAlgorithms chosen = negotiated;
            recordGuess = () -> KexGuesses.record(peer(), theirKex, theirHostKeys, chosen.kex(), chosen.hostKey());
        }
        ExchangeHashInput input = new ExchangeHashInput(clientVersion, serverVersion, ourKexInitBytes, theirBytes);
        KeyExchange guessed = guessedKex;
        guessedKex = null;
        if (guessed != null
                && first(theirKexInit.kexAlgorithms()).equals(first(ourKexInit.kexAlgorithms()))
                && first(theirKexInit.serverHostKeyAlgorithms()).equals(first(ourKexInit.serverHostKeyAlgorithms()))) {
            // RFC 4253 §7.1: the guess was right, so the server takes the packet we sent with our KEXINIT.
            LOG.debug("{}: guessed key exchange {} was right", where, negotiated.kex());
            kex = guessed;
            kex.exchangeHashInput(input);
            return;
        }
        if (guessed != null) {
            // A wrong guess: the server ignores the guessed packet (RFC 4253 §7.1); the right one follows.
            LOG.debug("{}: guessed key exchange was wrong; negotiated {}", where, negotiated.kex());
        }
        kex = KeyExchanges.create(negotiated.kex(), input, random, true);
        kex.start(ctx.alloc(), this::send);
    }

    /** Names the peer for {@link Sntrup761KeyPairs}: the host name checked against known_hosts, and the port. */
    private String peer() {
        return hostName + ":" + port;
    }

    private static String first(List<String> names) {
        return names.isEmpty() ? "" : names.get(0);
    }

    private void checkPolicy(NegotiatedAlgorithms n) throws HopHandshakeException {
        if (config.isRequirePostQuantumKex() && !KexAlgorithms.POST_QUANTUM.contains(n.kex())) {
            throw new HopHandshakeException(where, "policy requires a post-quantum key exchange; ours "
                    + ourKexInit.kexAlgorithms() + ", theirs " + theirKexInit.kexAlgorithms(), null);
        }
        if (config.isForbidSha1()) {
            for (String name : List.of(n.kex(), n.hostKey(), n.macClientToServer(), n.macServerToClient())) {
                if (name.contains("sha1") || name.equals(KeyAlgorithms.SSH_RSA)) {
                    throw new HopHandshakeException(where, "policy forbids SHA-1 but " + name
                            + " was negotiated; ours " + ourKexInit.kexAlgorithms() + ", theirs "
                            + theirKexInit.kexAlgorithms(), null);
                }
            }
        }
    }

    private void handleKexMethodMessage(ByteBuf payload, int type) throws Exception {
        if (!kexInProgress || kex == null) {
            throw new SshProtocolException("key exchange message " + type + " outside a key exchange");
        }
        if (ignoreNextKexPacket) {
            ignoreNextKexPacket = false;
            return;
        }
        KexResult result = kex.handle(payload, ctx.alloc(), this::send);
        if (result != null) {
            kex = null;
            onKexResult(result);
        }
    }

    /** Sees every key exchange result before it is used; package-private seam for tests, {@code null} in use. */
    java.util.function.Consumer<KexResult> kexResultSeamForTest;

    /** Checks the host key's signature over H and derives the keys; K is wiped on every path out, failures too. */
    private void onKexResult(KexResult result) throws Exception {
        if (kexResultSeamForTest != null) {
            kexResultSeamForTest.accept(result);
        }
        try {
            checkKexResult(result);
        } finally {
            result.destroy();
        }
    }

    private void checkKexResult(KexResult result) throws Exception {
        String alg = negotiated.hostKey();
        SshPublicKey key;
        try {
            key = SshPublicKeys.parse(result.hostKey());
        } catch (GeneralSecurityException e) {
            // A certificate whose CA signature does not verify fails here, before any verifier sees it.
            throw new HopHostKeyException(where, "cannot use the server's " + alg + " host key: " + e.getMessage(), e,
                    SshPublicKeys.fingerprint(result.hostKey()), alg, KeyAlgorithms.isCertificate(alg)
                            ? HopHostKeyException.Verdict.CERTIFICATE_INVALID : HopHostKeyException.Verdict.POLICY);
        }
        if (!key.keyType().equals(expectedKeyType(alg))) {
            throw new HopHostKeyException(where, "server sent a " + key.keyType() + " host key for the negotiated "
                    + alg, null, key.fingerprint(), alg, HopHostKeyException.Verdict.POLICY);
        }
        if (!key.verify(KeyAlgorithms.signatureAlgorithmOf(alg), result.exchangeHash(), result.signature())) {
            throw new HopHostKeyException(where, "the server's " + alg + " signature over the exchange hash is "
                    + "invalid (host key " + key.fingerprint() + "): it did not prove that it holds the key", null,
                    key.fingerprint(), alg, HopHostKeyException.Verdict.BAD_SIGNATURE);
        }
        boolean first = sessionId == null;
        if (first) {
            sessionId = result.exchangeHash().clone();
        }
        deriveKeys(result);
        result.destroy(); // at once, not only on the way out: K is not needed past this point
        if (first) {
            hostKeyBlob = result.hostKey();
            hostKeyFingerprint = key.fingerprint();
            awaitingVerdict = true;
            HostKeyCheck check = new HostKeyCheck(hostName, port, alg, hostKeyBlob);
            try {
                verifierExecutor.execute(() -> {
                    HostKeyVerdict v = null;
                    Throwable t = null;
                    try {
                        v = verifier.verify(check);
                    } catch (Throwable e) { // fail closed on everything, Errors included (security checklist R15)
                        t = e;
                    }
                    HostKeyVerdict fv = v;
                    Throwable ft = t;
                    ctx.executor().execute(() -> onVerdict(fv, ft));
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                onVerdict(null, e);
            }
        } else {
            if (!Arrays.equals(hostKeyBlob, result.hostKey())) {
                throw new HopHostKeyException(where, "the server's host key changed during a key re-exchange: was "
                        + hostKeyFingerprint + ", now " + key.fingerprint(), null, key.fingerprint(), alg,
                        HopHostKeyException.Verdict.MISMATCH);
            }
            sendNewKeys();
        }
    }

    private static String expectedKeyType(String hostKeyAlgorithm) {
        String plain = KeyAlgorithms.signatureAlgorithmOf(hostKeyAlgorithm);
        boolean rsa = plain.equals(KeyAlgorithms.RSA_SHA2_256) || plain.equals(KeyAlgorithms.RSA_SHA2_512);
        String type = rsa ? KeyAlgorithms.SSH_RSA : plain;
        return KeyAlgorithms.isCertificate(hostKeyAlgorithm) ? type + KeyAlgorithms.CERT_SUFFIX : type;
    }

    /**
     * Takes the verifier's answer: a verdict accepts the key; anything else refuses it (security checklist H1,
     * R15; OpenSSH CVE-2025-26465 was an error path that let a key through). Every refusal is a
     * {@link HopHostKeyException} whose verdict says whether the verifier decided (threw a
     * {@code HostKeyVerificationException} of a kind), failed (threw anything else, or could not be scheduled)
     * or returned {@code null}.
     */
    private void onVerdict(HostKeyVerdict v, Throwable t) {
        awaitingVerdict = false;
        if (failure != null) {
            return;
        }
        if (t != null || v == null) {
            HopHostKeyException.Verdict why;
            String detail;
            if (t instanceof HostKeyVerificationException h) {
                why = verdictOf(h.kind());
                detail = h.getMessage();
            } else if (t != null) {
                why = HopHostKeyException.Verdict.VERIFIER_ERROR;
                detail = "the host-key verifier " + verifier.getClass().getName() + " failed: " + t;
            } else {
                why = HopHostKeyException.Verdict.NO_VERDICT;
                detail = "the host-key verifier " + verifier.getClass().getName() + " returned no verdict";
            }
            fail(new HopHostKeyException(where, "host key " + hostKeyFingerprint + " (" + negotiated.hostKey()
                    + ") for " + hostName + " rejected: " + detail, t, hostKeyFingerprint, negotiated.hostKey(), why));
            return;
        }
        verdict = v;
        LOG.debug("{}: host key {} accepted ({})", where, hostKeyFingerprint, v.verifiedBy());
        try {
            sendNewKeys();
        } catch (Exception e) {
            fail(e);
        }
    }

    private static HopHostKeyException.Verdict verdictOf(HostKeyVerificationException.Kind kind) {
        return switch (kind) {
            case UNKNOWN -> HopHostKeyException.Verdict.UNKNOWN;
            case MISMATCH -> HopHostKeyException.Verdict.MISMATCH;
            case REVOKED -> HopHostKeyException.Verdict.REVOKED;
            case CERTIFICATE_INVALID -> HopHostKeyException.Verdict.CERTIFICATE_INVALID;
            case POLICY -> HopHostKeyException.Verdict.POLICY;
            case VERIFIER_ERROR -> HopHostKeyException.Verdict.VERIFIER_ERROR;
        };
    }

    private void deriveKeys(KexResult r) throws GeneralSecurityException {
        CipherAlgorithms.CipherSpec cs = CipherAlgorithms.cipher(negotiated.cipherClientToServer()).orElseThrow();
        CipherAlgorithms.CipherSpec sc = CipherAlgorithms.cipher(negotiated.cipherServerToClient()).orElseThrow();
        CipherAlgorithms.MacSpec macCs = cs.aead() ? null : CipherAlgorithms.mac(negotiated.macClientToServer()).orElseThrow();
        CipherAlgorithms.MacSpec macSc = sc.aead() ? null : CipherAlgorithms.mac(negotiated.macServerToClient()).orElseThrow();
        String h = r.hashAlgorithm();
        byte[] k = r.encodedSecret();
        byte[] hash = r.exchangeHash();
        byte[] ivCs = KeyDerivation.derive(h, k, hash, KeyDerivation.IV_CLIENT_TO_SERVER, sessionId, cs.ivLength());
        byte[] ivSc = KeyDerivation.derive(h, k, hash, KeyDerivation.IV_SERVER_TO_CLIENT, sessionId, sc.ivLength());
        byte[] keyCs = KeyDerivation.derive(h, k, hash, KeyDerivation.KEY_CLIENT_TO_SERVER, sessionId, cs.keyLength());
        byte[] keySc = KeyDerivation.derive(h, k, hash, KeyDerivation.KEY_SERVER_TO_CLIENT, sessionId, sc.keyLength());
        byte[] mkCs = macCs == null ? null
                : KeyDerivation.derive(h, k, hash, KeyDerivation.MAC_CLIENT_TO_SERVER, sessionId, macCs.keyLength());
        byte[] mkSc = macSc == null ? null
                : KeyDerivation.derive(h, k, hash, KeyDerivation.MAC_SERVER_TO_CLIENT, sessionId, macSc.keyLength());
        rekeyBytesLimit = Math.min(config.rekeyBytes(),
                Math.min(cipherRekeyBytes(cs.name()), cipherRekeyBytes(sc.name())));
        try {
            pendingOutbound = CipherAlgorithms.create(cs, macCs, keyCs, ivCs, mkCs, true);
            pendingInbound = CipherAlgorithms.create(sc, macSc, keySc, ivSc, mkSc, false);
        } finally {
            for (byte[] b : Arrays.asList(ivCs, ivSc, keyCs, keySc, mkCs, mkSc)) {
                if (b != null) {
                    Arrays.fill(b, (byte) 0);
                }
            }
        }
    }

    private void sendNewKeys() {
        send(buf(b -> new NewKeysMessage().encode(b)));
        codec.setOutboundCipher(pendingOutbound, strictKex);
        pendingOutbound = null;
        ourNewKeysSent = true;
        if (strictKex) {
            LOG.debug("{}: strict kex: outbound sequence number reset", where);
        }
        maybeFinishKex();
        if (kexCount > 0) {
            flushHeldWrites();
        }
    }

    private void handleNewKeys(ByteBuf payload) throws SshProtocolException {
        if (!kexInProgress || pendingInbound == null || theirNewKeysReceived) {
            throw new SshProtocolException("unexpected NEWKEYS");
        }
        NewKeysMessage.decode(payload);
        codec.setInboundCipher(pendingInbound, strictKex);
        pendingInbound = null;
        theirNewKeysReceived = true;
        if (!firstNewKeysReceived) {
            firstNewKeysReceived = true;
            // RFC 8308 §2.4: the server's EXT_INFO may only come as the first packet after its first NEWKEYS.
            expectExtInfoNow = true;
        }
        maybeFinishKex();
    }

    private void maybeFinishKex() {
        if (!ourNewKeysSent || !theirNewKeysReceived) {
            return;
        }
        kexInProgress = false;
        ourNewKeysSent = false;
        theirNewKeysReceived = false;
        theirKexInit = null;
        ignoreNextKexPacket = false;
        boolean initial = kexCount == 0;
        if (!initial) {
            rekeyEnded.accept(java.time.Duration.ofNanos(System.nanoTime() - rekeyStartNanos));
        }
        kexCount++;
        LOG.debug("{}: key exchange {} done ({})", where, kexCount, negotiated.kex());
        scheduleTimeRekey();
        if (initial) {
            firstNegotiated = negotiated;
            if (recordGuess != null) {
                recordGuess.run();
                recordGuess = null;
            }
            codec.setSequenceWrapForbidden(false);
            phase = Phase.SERVICE_REQUESTED;
            send(buf(b -> new ServiceRequestMessage(USERAUTH_SERVICE).encode(b)));
            maybeReady();
        }
    }

    private void handleExtInfo(ByteBuf payload, boolean slot) throws SshProtocolException {
        // RFC 8308 §2.4: once right after the server's first NEWKEYS, and once more during user authentication
        // (before USERAUTH_SUCCESS), whether or not the first was sent.
        boolean duringAuth = phase == Phase.ESTABLISHED && !userauthSucceeded && !extInfoDuringAuthSeen;
        if (!(slot || duringAuth)) {
            throw new SshProtocolException("SSH_MSG_EXT_INFO at a time RFC 8308 §2.4 does not allow");
        }
        if (!slot) {
            extInfoDuringAuthSeen = true;
        }
        ExtInfoMessage m = ExtInfoMessage.decode(payload);
        serverOffersPing |= m.value(PING_EXTENSION) != null;
        byte[] sigAlgs = m.value("server-sig-algs");
        if (sigAlgs != null) {
            ByteBuf b = Unpooled.buffer(sigAlgs.length + 4);
            try {
                SshWire.writeString(b, sigAlgs);
                serverSigAlgs = List.copyOf(SshWire.readNameList(b));
            } finally {
                b.release();
            }
        }
        LOG.debug("{}: EXT_INFO with {} extensions", where, m.extensions().size());
    }

    /**
     * Answers SSH2_MSG_PING with PONG carrying the same data (OpenSSH {@code PROTOCOL} §1.9), but only after user
     * authentication and outside a key exchange, as OpenSSH does since CVE-2025-26466 (a pre-auth PING flood
     * made it queue unbounded PONGs); other PINGs are dropped.
     */
    private void handlePing(ByteBuf payload) throws SshProtocolException {
        payload.skipBytes(1);
        byte[] data = SshWire.readBytes(payload);
        if (!userauthSucceeded || kexInProgress) {
            LOG.debug("{}: PING of {} bytes dropped (before authentication or during kex)", where, data.length);
            return;
        }
        ByteBuf pong = ctx.alloc().buffer(5 + data.length);
        pong.writeByte(PONG);
        SshWire.writeString(pong, data);
        send(pong);
    }

    /** Sends SSH2_MSG_PING if the server offered {@code ping@openssh.com}; returns whether it did. Event loop only. */
    public boolean sendPing(byte[] data) {
        if (!serverOffersPing || writesHeld() || failure != null) {
            return false;
        }
        ByteBuf ping = ctx.alloc().buffer(5 + data.length);
        ping.writeByte(PING);
        SshWire.writeString(ping, data);
        send(ping);
        return true;
    }

    private void handleServiceAccept(ByteBuf payload) throws SshProtocolException {
        if (phase != Phase.SERVICE_REQUESTED) {
            throw new SshProtocolException("SERVICE_ACCEPT without a request");
        }
        ServiceAcceptMessage m = ServiceAcceptMessage.decode(payload);
        if (!m.serviceName().equals(USERAUTH_SERVICE)) {
            throw new SshProtocolException("server accepted service " + printable(m.serviceName()) + ", not "
                    + USERAUTH_SERVICE);
        }
        phase = Phase.ESTABLISHED;
        cancelHandshakeTimer();
    }

    /**
     * Completes the ready future once user authentication may send its first request: the initial key exchange is
     * done (our NEWKEYS and SERVICE_REQUEST are sent) and the slot for the server's EXT_INFO has passed, so
     * {@code server-sig-algs} is known when an RSA key signs (RFC 8308 §2.4: the server sends it as the next packet
     * after its NEWKEYS, which in practice arrives in the same read). The slot is waited for whether or not the
     * server announced {@code ext-info-s}: a server may send EXT_INFO to a client that sent {@code ext-info-c}
     * without announcing it (OpenSSH before 9.6 does). A server that sends no EXT_INFO makes SERVICE_ACCEPT the next
     * packet, so with it user authentication starts one round trip later, as it did before.
     *
     * <p>This is before SERVICE_ACCEPT arrives, a round trip earlier than RFC 4253 §10 reads at first sight: the
     * server handles our packets in order, so a USERAUTH_REQUEST right behind the SERVICE_REQUEST reaches it after
     * it accepted the service (OpenSSH sshd, Dropbear and MINA do so; see docs/transport-ssh.md, Handshake).
     * SERVICE_ACCEPT is still required: any upper-layer message before it is a protocol error, and a server that
     * refuses the service disconnects, which fails authentication with the hop named.
     */
    private void maybeReady() {
        if (readyFired || failure != null || (phase != Phase.SERVICE_REQUESTED && phase != Phase.ESTABLISHED)
                || expectExtInfoNow) {
            return;
        }
        readyFired = true;
        SshTransportReadyEvent event = new SshTransportReadyEvent(serverVersion, firstNegotiated,
                firstNegotiated.hostKey(), hostKeyBlob, hostKeyFingerprint, verdict, sessionId, serverSigAlgs);
        ready.trySuccess(event);
        ctx.fireUserEventTriggered(event);
        flushHeldWrites();
    }

    // ------------------------------------------------------------------ key exchange start and rekey

    /**
     * Sets what is told when a key re-exchange (not the first exchange) starts and ends. Event loop only; the
     * callbacks must not throw (the caller guards them).
     */
    public void rekeyObserver(Runnable started, java.util.function.Consumer<java.time.Duration> ended) {
        this.rekeyStarted = started;
        this.rekeyEnded = ended;
    }

    /**
     * Sets who hears of a host key refused after the transport was ready: a key re-exchange whose server presents
     * another key, or whose signature over the exchange hash does not verify. Refusals before that fail
     * {@link #readyFuture()} instead. Called on the event loop, once at most, before the connection closes.
     */
    public void hostKeyRefusalObserver(java.util.function.Consumer<HopHostKeyException> observer) {
        this.hostKeyRefusedLater = Objects.requireNonNull(observer, "observer");
    }

    private void startKex() throws GeneralSecurityException {
        if (kexCount > 0) {
            rekeyStartNanos = System.nanoTime();
            rekeyStarted.run();
        }
        kexInProgress = true;
        // The exchange needs the peer's messages: a pause for queued replies must not stall it.
        resumeReading();
        ourNewKeysSent = false;
        theirNewKeysReceived = false;
        cancelRekeyTimer();
        List<String> kexNames = new ArrayList<>(config.kexAlgorithms());
        if (kexCount == 0) {
            // Pseudo-algorithms count only in the first KEXINIT (RFC 8308 §2.1, OpenSSH PROTOCOL §1.10).
            kexNames.add(KexAlgorithms.EXT_INFO_C);
            kexNames.add(KexAlgorithms.KEX_STRICT_C);
        }
        List<String> hostKeyNames = config.hostKeyAlgorithms();
        KexGuesses.Guess guess = kexCount == 0 ? plannedGuess : null;
        plannedGuess = null;
        if (guess != null) {
            // The remembered first choices go first, so the guess is right if the server is unchanged.
            kexNames = moveToFront(kexNames, guess.kex());
            hostKeyNames = moveToFront(hostKeyNames, guess.hostKey());
        }
        byte[] cookie = new byte[KexInitMessage.COOKIE_LENGTH];
        random.nextBytes(cookie);
        ourKexInit = new KexInitMessage(cookie, kexNames, hostKeyNames, config.ciphers(),
                config.ciphers(), config.macs(), config.macs(), List.of("none"), List.of("none"), List.of(),
                List.of(), guess != null, 0);
        ByteBuf b = ctx.alloc().buffer();
        ourKexInit.encode(b);
        ourKexInitBytes = ByteBufUtil.getBytes(b);
        ourKexInitSequence = codec.outboundSequence();
        send(b);
        if (guess != null) {
            LOG.debug("{}: guessing key exchange {} with host key {}", where, guess.kex(), guess.hostKey());
            guessedKex = KeyExchanges.create(guess.kex(), null, random, true);
            guessedKex.start(ctx.alloc(), this::send);
        }
    }

    private static List<String> moveToFront(List<String> names, String first) {
        List<String> out = new ArrayList<>(names.size());
        out.add(first);
        for (String n : names) {
            if (!n.equals(first)) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Returns the bytes one direction may carry under one key with this cipher when no lower limit is configured
     * (see {@link SshTransportConfig#DEFAULT_REKEY_BYTES}): 64 GiB for AES (2^32 blocks of 16 bytes, RFC 4344
     * §3.2), 1 GiB otherwise.
     */
    static long cipherRekeyBytes(String cipher) {
        return cipher.startsWith("aes") ? (1L << 32) * 16 : 1L << 30;
    }

    private void checkRekeyLimits() {
        // Like OpenSSH (packet.c, "Don't attempt rekeying during pre-auth"), we rekey on our own only after user
        // authentication succeeded: OpenSSH's sshd answers a pre-auth KEXINIT with a protocol error.
        if (phase != Phase.ESTABLISHED || !userauthSucceeded || kexInProgress || failure != null) {
            return;
        }
        // Per direction, like OpenSSH's max_blocks_in/out: each direction has its own keys.
        long bytes = Math.max(codec.inboundBytes(), codec.outboundBytes());
        long packets = Math.max(codec.inboundPackets(), codec.outboundPackets());
        if (bytes >= rekeyBytesLimit || packets >= config.rekeyPackets()) {
            LOG.debug("{}: rekey after {} bytes, {} packets", where, bytes, packets);
            requestRekey();
        }
    }

    private void scheduleTimeRekey() {
        cancelRekeyTimer();
        long nanos = config.rekeyInterval().toNanos();
        rekeyTimer = ctx.executor().schedule(() -> {
            if (!userauthSucceeded && failure == null) {
                scheduleTimeRekey(); // not before authentication; try again one interval later
                return;
            }
            LOG.debug("{}: rekey after {}", where, config.rekeyInterval());
            requestRekey();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    private void cancelRekeyTimer() {
        if (rekeyTimer != null) {
            rekeyTimer.cancel(false);
            rekeyTimer = null;
        }
    }

    // ------------------------------------------------------------------ outbound

    private boolean writesHeld() {
        return !readyFired || phase == Phase.CLOSED || (kexInProgress && !ourNewKeysSent);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf payload)) {
            ctx.write(msg, promise);
            return;
        }
        if (failure != null) {
            payload.release();
            promise.setFailure(failure);
            return;
        }
        if (writesHeld() || !pending.isEmpty()) {
            int size = payload.readableBytes();
            if (pendingBytes + size > config.maxPendingWriteBytes()) {
                payload.release();
                promise.setFailure(new HopDisconnectedException(where, "more than " + config.maxPendingWriteBytes()
                        + " bytes written while the key exchange holds writes back", null));
                return;
            }
            pending.add(new PendingWrite(payload, promise));
            pendingBytes += size;
            updateHeldWritability();
            return;
        }
        ctx.write(payload, promise);
        checkRekeyLimits();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (writesHeld()) {
            flushPending = true;
            return;
        }
        ctx.flush();
    }

    private void flushHeldWrites() {
        boolean wrote = false;
        while (!pending.isEmpty() && !writesHeld() && failure == null) {
            PendingWrite w = pending.poll();
            pendingBytes -= w.payload().readableBytes();
            ctx.write(w.payload(), w.promise());
            wrote = true;
        }
        updateHeldWritability();
        if (wrote || flushPending) {
            flushPending = false;
            ctx.flush();
        }
        checkRekeyLimits();
    }

    /**
     * Makes held-back bytes count toward the connection channel's writability, as bytes waiting for the socket
     * do: above the high water mark the channel reports itself unwritable (a user-defined writability flag, so
     * {@code channelWritabilityChanged} reaches every handler and the SSH channels stop at that point instead of
     * writing their whole windows into the hold queue); at or below the low water mark it is writable again.
     */
    private void updateHeldWritability() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out == null) {
            return;
        }
        WriteBufferWaterMark marks = ctx.channel().config().getWriteBufferWaterMark();
        if (!heldUnwritable && pendingBytes > marks.high()) {
            heldUnwritable = true;
            out.setUserDefinedWritability(HELD_WRITABILITY_INDEX, false);
        } else if (heldUnwritable && pendingBytes <= marks.low()) {
            heldUnwritable = false;
            out.setUserDefinedWritability(HELD_WRITABILITY_INDEX, true);
        }
    }

    /** Sends a transport message straight to the codec, bypassing the hold-back queue. */
    private void send(ByteBuf payload) {
        ctx.writeAndFlush(payload).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                fail(f.cause());
            }
        });
    }

    private interface Encoder {
        void encode(ByteBuf b);
    }

    private ByteBuf buf(Encoder e) {
        ByteBuf b = ctx.alloc().buffer();
        e.encode(b);
        return b;
    }

    // ------------------------------------------------------------------ failure and close

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    /**
     * Closes the connection at the request of an upper layer: sends SSH_MSG_DISCONNECT with reason
     * BY_APPLICATION first when keys are in place (RFC 4253 §11.1), so the server logs a clean disconnect.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        closedLocally = true;
        if (failure == null && phase != Phase.VERSION && phase != Phase.CLOSED && ctx.channel().isActive()) {
            ByteBuf b = ctx.alloc().buffer();
            new DisconnectMessage(DisconnectMessage.BY_APPLICATION, "closed by the client", "").encode(b);
            ctx.writeAndFlush(b).addListener(f -> ctx.close(promise));
            return;
        }
        ctx.close(promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (failure == null) {
            String by = closedLocally ? "connection closed locally" : "connection closed by the server";
            String what = phase == Phase.ESTABLISHED ? by
                    : by + " during the " + phase.name().toLowerCase() + " phase";
            fail(phase == Phase.ESTABLISHED ? new HopDisconnectedException(where, what, null)
                    : new HopHandshakeException(where, what, null));
        }
        phase = Phase.CLOSED;
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelRekeyTimer();
        cancelHandshakeTimer();
        failPending(failure != null ? failure : new HopDisconnectedException(where, "SSH transport removed", null));
    }

    /** Fails the transport once: DISCONNECT if we can, typed exception everywhere, close. */
    void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        TunnelException typed = typed(root);
        failure = typed;
        boolean wasEstablished = phase == Phase.ESTABLISHED;
        // Before SERVICE_ACCEPT the ready future may be complete already (see maybeReady): then user
        // authentication is running and learns of the failure by the exception fired up the pipeline.
        cancelRekeyTimer();
        cancelHandshakeTimer();
        LOG.debug("{}: transport failed: {}", where, typed.getMessage());
        if (typed instanceof HopHostKeyException refused && ready != null && ready.isSuccess()) {
            try {
                hostKeyRefusedLater.accept(refused);
            } catch (RuntimeException e) { // an observer never stops the failure from being handled
                LOG.warn("{}: host-key refusal observer failed", where, e);
            }
        }
        failPending(typed);
        if (ready != null) {
            ready.tryFailure(typed);
        }
        if ((wasEstablished || readyFired) && !closedLocally) {
            // A close asked for by an upper layer is not an error for the upper layers.
            ctx.fireExceptionCaught(typed);
        }
        // A peer that does not read (the socket is past its high water mark) would never take the DISCONNECT, and a
        // close waiting for it would leave the failed connection open: close at once instead (issue #10).
        if (!(root instanceof SshDisconnectException) && phase != Phase.VERSION && phase != Phase.CLOSED
                && ctx.channel().isActive() && ctx.channel().isWritable()) {
            int reason = root instanceof SshProtocolException p ? p.reasonCode()
                    : root instanceof HopHandshakeException ? DisconnectMessage.KEY_EXCHANGE_FAILED
                    : DisconnectMessage.BY_APPLICATION;
            String text = root instanceof SshProtocolException ? root.getMessage() : "connection aborted";
            ByteBuf b = ctx.alloc().buffer();
            new DisconnectMessage(reason, text, "").encode(b);
            ctx.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
            // Nor may a peer that stops reading later hold the close back.
            ctx.executor().schedule(() -> {
                ctx.close();
            }, DISCONNECT_LINGER_SECONDS, TimeUnit.SECONDS);
        } else {
            ctx.close();
        }
        phase = Phase.CLOSED;
    }

    private TunnelException typed(Throwable root) {
        if (root instanceof TunnelException t) {
            return t;
        }
        if (root instanceof java.io.IOException && !(root instanceof SshProtocolException) && phase == Phase.ESTABLISHED) {
            return new HopDisconnectedException(where, "connection failed: " + root.getMessage(), root);
        }
        String what = root instanceof SshProtocolException ? "protocol error: " + root.getMessage()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return phase == Phase.ESTABLISHED ? new HopDisconnectedException(where, what, root)
                : new HopHandshakeException(where, what, root);
    }

    private void failPending(TunnelException cause) {
        PendingWrite w;
        while ((w = pending.poll()) != null) {
            w.payload().release();
            w.promise().tryFailure(cause);
        }
        pendingBytes = 0;
        if (ctx != null) {
            updateHeldWritability();
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 256));
        for (int i = 0; i < s.length() && i < 256; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c != 0x7f ? c : '?');
        }
        return b.toString();
    }
}
