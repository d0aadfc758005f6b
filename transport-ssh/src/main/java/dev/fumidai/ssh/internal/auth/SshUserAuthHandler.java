// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.auth;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.TunnelException;
import dev.fumidai.audit.Credential;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.ssh.KeyboardInteractiveCallback;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import dev.fumidai.ssh.internal.transport.SshTransportHandler;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Promise;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the client to the server (RFC 4252) once the transport is ready: {@code publickey} (RFC 4252 §7),
 * {@code keyboard-interactive} (RFC 4256) and {@code password} (RFC 4252 §8), in that order (OpenSSH's default
 * order) or in the order of {@link UserAuthConfig#methods()}, each only when the server still lists it. Partial
 * success (RFC 4252 §5.1) moves on to the methods the server lists next.
 *
 * <h2>Round trips</h2>
 * When the first method to try is {@code publickey} and there is a key, its request goes first, without the
 * {@code none} probe (RFC 4252 §5.2 makes the probe optional; the failure answer lists the methods just the same).
 * Otherwise {@code none} goes first to learn the methods. A key held in this JVM is sent signed at once; a key
 * held elsewhere (an agent) is queried first and signed only after USERAUTH_PK_OK
 * ({@link AuthIdentity#queryBeforeSigning()}). The first request leaves as soon as the transport is ready, which
 * is before SERVICE_ACCEPT arrives (see {@link SshTransportReadyEvent}).
 *
 * <p>Placed after the transport handler. On success it removes itself and completes the result promise
 * with the last attempt; payloads after USERAUTH_SUCCESS go on to the next handler.
 *
 * <h2>Threading</h2>
 * All state lives on the channel's event loop. Password and keyboard-interactive callbacks run on the
 * configured executor and their answers are sent from the event loop. Signing with a key held in this JVM
 * runs on the event loop (milliseconds even for RSA 4096, less than the round trip that follows); signing
 * through an agent runs on the executor (socket I/O).
 *
 * <h2>Reference counting</h2>
 * Consumes and releases every USERAUTH payload (50..79); passes other payloads on unreleased.
 *
 * <h2>Failure</h2>
 * When no method is left, the promise fails with {@link HopAuthenticationException} naming the hop, the
 * methods tried and the methods the server still allows, and the channel is closed. A server that lets us
 * in without a real credential (accepting {@code none}, keyboard-interactive with no prompts, or
 * USERAUTH_SUCCESS to a public key query) is reported as trivial, and refused the same way when
 * {@link UserAuthConfig#refuseTrivialAuth()} is set (security-checklist A1). A server that keeps asking is
 * bounded: at most {@link UserAuthConfig#numberOfPasswordPrompts()} passwords and as many keyboard-interactive
 * tries per authentication, across stages, and at most {@link #MAX_PARTIAL_SUCCESS_ROUNDS} partial-success
 * answers. A USERAUTH_SUCCESS that answers no request of ours is a protocol error. Only this handler tells the
 * transport that authentication succeeded ({@link SshTransportHandler#userAuthSucceeded()}). Transport failures
 * fail the promise with the transport's typed exception.
 */
public final class SshUserAuthHandler extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SshUserAuthHandler.class);

    /** SSH_MSG_USERAUTH_* numbers (RFC 4252 §6, RFC 4256 §5). */
    static final int USERAUTH_REQUEST = 50;
    static final int USERAUTH_FAILURE = 51;
    static final int USERAUTH_SUCCESS = 52;
    static final int USERAUTH_BANNER = 53;
    /** PK_OK for publickey, PASSWD_CHANGEREQ for password, INFO_REQUEST for keyboard-interactive. */
    static final int USERAUTH_60 = 60;
    static final int USERAUTH_INFO_RESPONSE = 61;
    /** The range reserved for user authentication (RFC 4250 §4.1.2). */
    static final int LAST_USERAUTH_NUMBER = 79;

    /** The service requested after authentication (RFC 4252 §5, RFC 4254). */
    public static final String CONNECTION_SERVICE = "ssh-connection";
    public static final String NONE = "none";
    public static final String PUBLICKEY = "publickey";
    public static final String PASSWORD = "password";
    public static final String KEYBOARD_INTERACTIVE = "keyboard-interactive";

    /** Bound on one banner as logged, in characters; the rest is cut (STYLE.md rule 9). */
    static final int MAX_BANNER_CHARS = 2048;
    /** Bound on banners logged per connection; more are counted and dropped. */
    static final int MAX_BANNERS = 8;
    /** Bound on keyboard-interactive info requests answered per try (OpenSSH answers any number; a peer
     * that keeps asking would loop forever). */
    static final int MAX_INFO_REQUESTS = 16;
    /** Bound on prompts in one info request. */
    static final int MAX_PROMPTS = 32;
    /**
     * Bound on partial-success answers in one authentication (RFC 4252 §5.1). OpenSSH's client has none and relies
     * on each method running dry; with an agent holding dozens of keys that is dozens of rounds. Real
     * {@code AuthenticationMethods} lists have two or three stages; ten leaves room.
     */
    static final int MAX_PARTIAL_SUCCESS_ROUNDS = 10;

    private enum State { IDLE, NONE_SENT, PK_QUERY, PK_SIGNING, PK_SIGNED, PASSWORD_SENT, KBD_SENT, KBD_CALLBACK,
        PASSWORD_CALLBACK, DONE }

    private final UserAuthConfig config;
    private final byte[] sessionId;
    private final List<String> serverSigAlgs;
    private final String where;
    private final Consumer<AuthAttempt> listener;
    private final Promise<AuthAttempt> result;

    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private final Deque<AuthIdentity> keysLeft;
    private final Set<String> methodsDone = new LinkedHashSet<>();
    private final List<String> tried = new ArrayList<>();
    private List<String> serverMethods = List.of();
    /** Whether a USERAUTH_FAILURE told us the methods the server allows. */
    private boolean methodsKnown;
    private AuthIdentity currentKey;
    private String currentAlgorithm;
    private int infoRequests;
    private boolean kbdSawPrompt;
    private int passwordPrompts;
    private int kbdTries;
    private int partialRounds;
    private String exhausted;
    private int banners;
    /** Whether the public key in flight was offered with a query first (RFC 4252 §7, boolean FALSE). */
    private boolean currentKeyQueried;

    /**
     * Creates the handler; it sends the first request when added to an active pipeline.
     *
     * @param ready the transport's ready event (session id and {@code server-sig-algs})
     * @param where the hop, for messages
     * @param listener told of each attempt on the event loop; must not block or throw
     * @param result completed on success, failed on failure
     */
    public SshUserAuthHandler(UserAuthConfig config, SshTransportReadyEvent ready, String where,
            Consumer<AuthAttempt> listener, Promise<AuthAttempt> result) {
        this.config = config;
        this.sessionId = ready.sessionId();
        this.serverSigAlgs = ready.serverSigAlgs();
        this.where = where;
        this.listener = listener;
        this.result = result;
        this.keysLeft = new ArrayDeque<>(config.keys());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            sendFirst();
        } else {
            fail(new HopAuthenticationException(where, "connection closed before authentication", null));
        }
    }

    // ------------------------------------------------------------------ requests

    private ByteBuf requestHeader(String method) {
        return requestHeader(method, ctx.alloc().buffer());
    }

    /** Returns a buffer for a request that will carry a secret: zeroed when released (see {@link SecretByteBuf}). */
    private ByteBuf secretBuffer() {
        return new SecretByteBuf(ctx.alloc(), 256);
    }

    private ByteBuf requestHeader(String method, ByteBuf b) {
        b.writeByte(USERAUTH_REQUEST);
        SshWire.writeString(b, config.user());
        SshWire.writeString(b, CONNECTION_SERVICE);
        SshWire.writeString(b, method);
        return b;
    }

    private void send(ByteBuf b) {
        ctx.writeAndFlush(b).addListener(f -> {
            if (!f.isSuccess()) {
                fail(f.cause());
            }
        });
    }

    /**
     * Returns the first configured method we hold a credential for, or {@code null}: what we would try first if
     * the server allowed everything.
     */
    private String firstMethodToTry() {
        for (String method : config.methods()) {
            boolean usable = switch (method) {
                case PUBLICKEY -> !keysLeft.isEmpty();
                case KEYBOARD_INTERACTIVE -> config.keyboardInteractive() != null;
                case PASSWORD -> config.password() != null;
                default -> false;
            };
            if (usable) {
                return method;
            }
        }
        return null;
    }

    /** Sends the first request: a key when {@code publickey} comes first and there is one, else {@code none}. */
    private void sendFirst() {
        if (!(PUBLICKEY.equals(firstMethodToTry()) && tryNextKey())) {
            sendNone();
        }
    }

    /** Sends {@code none} (RFC 4252 §5.2) to learn the methods the server accepts. */
    private void sendNone() {
        state = State.NONE_SENT;
        tried.add(NONE);
        send(requestHeader(NONE));
    }

    /** Chooses the signature algorithm for a key: RSA follows {@code server-sig-algs} (RFC 8332 §3.1, RFC 8308). */
    String signatureAlgorithm(AuthIdentity key) {
        List<String> ours = key.signatureAlgorithms();
        if (ours.size() == 1) {
            return ours.get(0);
        }
        for (String a : ours) {
            if (serverSigAlgs.contains(a) || serverSigAlgs.contains(KeyAlgorithms.signatureAlgorithmOf(a))) {
                return a;
            }
        }
        // No server-sig-algs, or one without SHA-2: OpenSSH would fall back to SHA-1 "ssh-rsa"; we never sign
        // with SHA-1 and offer rsa-sha2-256 (the last, weakest of ours), which servers since OpenSSH 7.2 verify.
        return ours.get(ours.size() - 1);
    }

    /**
     * Offers the next key: the signed request at once for a key held here, else a query (RFC 4252 §7, boolean
     * FALSE) first; returns whether there was a key.
     */
    private boolean tryNextKey() {
        while (!keysLeft.isEmpty()) {
            AuthIdentity key = keysLeft.poll();
            currentKey = key;
            currentAlgorithm = signatureAlgorithm(key);
            tried.add(PUBLICKEY + " " + key.publicKey().fingerprint() + " (" + currentAlgorithm + ")");
            currentKeyQueried = key.queryBeforeSigning();
            if (!currentKeyQueried) {
                sendSigned();
                return true;
            }
            state = State.PK_QUERY;
            ByteBuf b = requestHeader(PUBLICKEY);
            SshWire.writeBoolean(b, false);
            SshWire.writeString(b, currentAlgorithm);
            SshWire.writeString(b, key.publicKey().encoded());
            send(b);
            return true;
        }
        return false;
    }

    /** Sends the signed request over {@code session id || request} (RFC 4252 §7). */
    private void sendSigned() {
        ByteBuf b = requestHeader(PUBLICKEY);
        SshWire.writeBoolean(b, true);
        SshWire.writeString(b, currentAlgorithm);
        SshWire.writeString(b, currentKey.publicKey().encoded());
        ByteBuf signed = ctx.alloc().buffer();
        byte[] data;
        try {
            SshWire.writeString(signed, sessionId);
            signed.writeBytes(b, b.readerIndex(), b.readableBytes());
            data = ByteBufUtil.getBytes(signed);
        } finally {
            signed.release();
        }
        state = State.PK_SIGNING;
        currentKey.sign(currentAlgorithm, data, config.callbackExecutor()).whenComplete((signature, e) -> {
            if (ctx.executor().inEventLoop()) {
                sendSignature(b, signature, e);
            } else {
                ctx.executor().execute(() -> sendSignature(b, signature, e));
            }
        });
    }

    private void sendSignature(ByteBuf b, byte[] signature, Throwable error) {
        if (state != State.PK_SIGNING) {
            b.release();
            return;
        }
        if (error != null) {
            b.release();
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            LOG.debug("{}: cannot sign with {}: {}", where, currentKey.publicKey().fingerprint(), cause.toString());
            attempt(PUBLICKEY, keyCredential(), false, false, false, "cannot sign: " + dev.fumidai.audit.Reason.describe(cause));
            next();
            return;
        }
        SshWire.writeString(b, signature);
        state = State.PK_SIGNED;
        send(b);
    }

    private void askPassword() {
        state = State.PASSWORD_CALLBACK;
        tried.add(PASSWORD);
        CompletableFuture.supplyAsync(() -> {
            try {
                return config.password().password(config.user(), where);
            } catch (Exception e) {
                LOG.debug("{}: password callback failed: {}", where, e.toString());
                return null;
            }
        }, config.callbackExecutor()).whenComplete((pw, e) -> ctx.executor().execute(() -> sendPassword(pw)));
    }

    private void sendPassword(char[] password) {
        if (state != State.PASSWORD_CALLBACK) {
            zero(password);
            return;
        }
        if (password == null) {
            attempt(PASSWORD, Credential.of(CredentialType.PASSWORD), false, false, false, "no password given");
            next();
            return;
        }
        ByteBuf b = requestHeader(PASSWORD, secretBuffer());
        SshWire.writeBoolean(b, false);
        try {
            writeSecretString(b, password);
        } finally {
            zero(password);
        }
        state = State.PASSWORD_SENT;
        send(b);
    }

    private void sendKeyboardInteractive() {
        tried.add(KEYBOARD_INTERACTIVE);
        infoRequests = 0;
        kbdSawPrompt = false;
        ByteBuf b = requestHeader(KEYBOARD_INTERACTIVE);
        SshWire.writeString(b, ""); // language tag, deprecated (RFC 4256 §3.1)
        SshWire.writeString(b, ""); // submethods: let the server choose
        state = State.KBD_SENT;
        send(b);
    }

    /** Picks the next method the server allows and we can do; fails when there is none (RFC 4252 §5.1). */
    private void next() {
        if (state == State.DONE) {
            return;
        }
        if (!methodsKnown) {
            // No answer yet (a key held here could not sign before anything was sent): start over.
            sendFirst();
            return;
        }
        // In the configured order (PreferredAuthentications); names we do not implement are skipped.
        for (String method : config.methods()) {
            if (!serverMethods.contains(method)) {
                continue;
            }
            switch (method) {
                case PUBLICKEY -> {
                    if (tryNextKey()) {
                        return;
                    }
                }
                case KEYBOARD_INTERACTIVE -> {
                    if (config.keyboardInteractive() != null && !methodsDone.contains(KEYBOARD_INTERACTIVE)) {
                        if (kbdTries >= config.numberOfPasswordPrompts()) {
                            exhausted = KEYBOARD_INTERACTIVE;
                        } else {
                            methodsDone.add(KEYBOARD_INTERACTIVE);
                            kbdTries++;
                            sendKeyboardInteractive();
                            return;
                        }
                    }
                }
                case PASSWORD -> {
                    if (config.password() != null && !methodsDone.contains(PASSWORD)) {
                        if (passwordPrompts >= config.numberOfPasswordPrompts()) {
                            exhausted = PASSWORD;
                        } else {
                            methodsDone.add(PASSWORD);
                            passwordPrompts++;
                            askPassword();
                            return;
                        }
                    }
                }
                default -> {
                }
            }
        }
        String limit = exhausted == null ? "" : "; stopped asking for " + exhausted + " after "
                + config.numberOfPasswordPrompts() + " (NumberOfPasswordPrompts)";
        fail(new HopAuthenticationException(where, "authentication of user \"" + config.user()
                + "\" failed; tried " + triedSummary() + "; the server allows " + serverMethods + limit, null));
    }

    // ------------------------------------------------------------------ responses

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf b) || state == State.DONE || !b.isReadable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        int number = b.getUnsignedByte(b.readerIndex());
        if (number < USERAUTH_REQUEST || number > LAST_USERAUTH_NUMBER) {
            b.release();
            fail(new SshProtocolException(DisconnectMessage.PROTOCOL_ERROR,
                    "message " + number + " before authentication completed"));
            return;
        }
        try {
            b.skipBytes(1);
            switch (number) {
                case USERAUTH_FAILURE -> onFailure(SshWire.readNameList(b), SshWire.readBoolean(b));
                case USERAUTH_SUCCESS -> onSuccess();
                case USERAUTH_BANNER -> onBanner(SshWire.readString(b));
                case USERAUTH_60 -> on60(b);
                default -> throw new SshProtocolException(
                        DisconnectMessage.PROTOCOL_ERROR,
                        "unexpected user authentication message " + number);
            }
        } catch (SshProtocolException e) {
            fail(e);
        } finally {
            b.release();
        }
    }

    private void onFailure(List<String> methods, boolean partial) {
        serverMethods = List.copyOf(methods);
        methodsKnown = true;
        String partialDetail = "partial success; the server requires one of " + serverMethods;
        switch (state) {
            case NONE_SENT -> attempt(NONE, Credential.of(CredentialType.NONE), false, partial, false,
                    partial ? partialDetail : null);
            case PK_QUERY, PK_SIGNED -> attempt(PUBLICKEY, keyCredential(), false, partial, false,
                    partial ? partialDetail : state == State.PK_QUERY || !currentKeyQueried ? "key not accepted"
                            : "signature not accepted");
            case PASSWORD_SENT -> attempt(PASSWORD, Credential.of(CredentialType.PASSWORD), false, partial, false,
                    partial ? partialDetail : "password not accepted");
            case KBD_SENT -> attempt(KEYBOARD_INTERACTIVE, Credential.of(CredentialType.KEYBOARD_INTERACTIVE), false,
                    partial, false, partial ? partialDetail : "answers not accepted");
            default -> {
                fail(new SshProtocolException(DisconnectMessage.PROTOCOL_ERROR,
                        "USERAUTH_FAILURE without a request in flight"));
                return;
            }
        }
        if (partial && ++partialRounds >= MAX_PARTIAL_SUCCESS_ROUNDS) {
            fail(new HopAuthenticationException(where, "authentication of user \"" + config.user()
                    + "\" failed: the server answered partial success " + partialRounds + " times (limit "
                    + MAX_PARTIAL_SUCCESS_ROUNDS + "); tried " + triedSummary(), null));
            return;
        }
        if (partial) {
            // A new stage: a method that already succeeded may be asked for again with another credential
            // (RFC 4252 §5.1); keys are not re-offered, OpenSSH does not either.
            methodsDone.clear();
        }
        next();
    }

    private void onSuccess() {
        String method;
        Credential credential;
        boolean trivial;
        switch (state) {
            case NONE_SENT -> {
                method = NONE;
                credential = Credential.of(CredentialType.NONE);
                trivial = true;
            }
            case PK_QUERY, PK_SIGNED -> {
                method = PUBLICKEY;
                credential = keyCredential();
                trivial = state == State.PK_QUERY;
            }
            case PASSWORD_SENT -> {
                method = PASSWORD;
                credential = Credential.of(CredentialType.PASSWORD);
                trivial = false;
            }
            case KBD_SENT -> {
                method = KEYBOARD_INTERACTIVE;
                credential = Credential.of(CredentialType.KEYBOARD_INTERACTIVE);
                trivial = !kbdSawPrompt;
            }
            default -> {
                fail(new SshProtocolException(DisconnectMessage.PROTOCOL_ERROR,
                        "USERAUTH_SUCCESS without a request in flight"));
                return;
            }
        }
        if (trivial && config.refuseTrivialAuth()) {
            attempt(method, credential, false, false, true, "refused trivial authentication");
            fail(new HopAuthenticationException(where, "the server accepted " + method
                    + " without a real credential (trivial authentication), refused by policy", null));
            return;
        }
        if (trivial) {
            LOG.warn("{}: the server let user \"{}\" in without a real credential ({})", where, config.user(), method);
        }
        AuthAttempt a = attempt(method, credential, true, false, trivial, null);
        state = State.DONE;
        LOG.debug("{}: authenticated by {}", where, method);
        // Only this handler knows whether a USERAUTH_SUCCESS answered a request of ours; the transport learns it
        // from here, never from the message number going past.
        SshTransportHandler transport = ctx.pipeline().get(SshTransportHandler.class);
        if (transport != null) {
            transport.userAuthSucceeded();
        }
        ctx.pipeline().remove(this);
        result.trySuccess(a);
    }

    private void onBanner(String text) {
        if (++banners > MAX_BANNERS) {
            return;
        }
        LOG.info("{}: banner: {}", where, sanitise(text, MAX_BANNER_CHARS));
    }

    private void on60(ByteBuf b) throws SshProtocolException {
        switch (state) {
            case PK_QUERY -> {
                String alg = SshWire.readAsciiString(b);
                byte[] blob = SshWire.readBytes(b);
                if (!alg.equals(currentAlgorithm) || !Arrays.equals(blob, currentKey.publicKey().encoded())) {
                    throw new SshProtocolException(DisconnectMessage.PROTOCOL_ERROR,
                            "USERAUTH_PK_OK for a key we did not offer");
                }
                sendSigned();
            }
            case PASSWORD_SENT -> {
                // SSH_MSG_USERAUTH_PASSWD_CHANGEREQ (RFC 4252 §8): we never change passwords from a library.
                attempt(PASSWORD, Credential.of(CredentialType.PASSWORD), false, false, false,
                        "the server asks for a password change");
                next();
            }
            case KBD_SENT -> onInfoRequest(b);
            default -> throw new SshProtocolException(
                    DisconnectMessage.PROTOCOL_ERROR,
                    "unexpected user authentication message 60");
        }
    }

    /** Answers SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256 §3.2) through the callback. */
    private void onInfoRequest(ByteBuf b) throws SshProtocolException {
        if (++infoRequests > MAX_INFO_REQUESTS) {
            throw new SshProtocolException(DisconnectMessage.PROTOCOL_ERROR,
                    "more than " + MAX_INFO_REQUESTS + " keyboard-interactive info requests");
        }
        String name = sanitise(SshWire.readString(b), 256);
        String instruction = sanitise(SshWire.readString(b), 1024);
        SshWire.readString(b); // language tag
        long count = SshWire.readUint32(b);
        if (count > MAX_PROMPTS) {
            throw new SshProtocolException(DisconnectMessage.PROTOCOL_ERROR,
                    "keyboard-interactive request with " + count + " prompts");
        }
        List<KeyboardInteractiveCallback.Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            prompts.add(new KeyboardInteractiveCallback.Prompt(sanitise(SshWire.readString(b), 256),
                    SshWire.readBoolean(b)));
        }
        if (prompts.isEmpty()) {
            // RFC 4256 §3.2: answer an empty request with an empty response, without asking anyone.
            sendInfoResponse(List.of());
            return;
        }
        kbdSawPrompt = true;
        state = State.KBD_CALLBACK;
        CompletableFuture.supplyAsync(() -> {
            try {
                return config.keyboardInteractive().answerChars(where, name, instruction, prompts);
            } catch (Exception e) {
                LOG.debug("{}: keyboard-interactive callback failed: {}", where, e.toString());
                return null;
            }
        }, config.callbackExecutor()).whenComplete((answers, e) -> ctx.executor().execute(() -> {
            try {
                if (state != State.KBD_CALLBACK) {
                    return;
                }
                state = State.KBD_SENT;
                if (answers == null || answers.size() != prompts.size()) {
                    // Giving up mid-dialogue: an empty response makes the server answer with FAILURE.
                    sendInfoResponse(List.of());
                } else {
                    sendInfoResponse(answers);
                }
            } finally {
                if (answers != null) {
                    answers.forEach(SshUserAuthHandler::zero);
                }
            }
        }));
    }

    /** Sends SSH_MSG_USERAUTH_INFO_RESPONSE (RFC 4256 §3.4) in a buffer zeroed on release; the caller zeroes
     * the answers. */
    private void sendInfoResponse(List<char[]> answers) {
        ByteBuf b = secretBuffer();
        b.writeByte(USERAUTH_INFO_RESPONSE);
        b.writeInt(answers.size());
        for (char[] a : answers) {
            writeSecretString(b, a == null ? new char[0] : a);
        }
        send(b);
    }

    /** Writes an RFC 4251 §5 string of UTF-8 straight into the buffer, with no intermediate copy to wipe. */
    private static void writeSecretString(ByteBuf b, char[] chars) {
        int lengthAt = b.writerIndex();
        b.writeInt(0);
        int written = b.writeCharSequence(CharBuffer.wrap(chars), StandardCharsets.UTF_8);
        b.setInt(lengthAt, written);
    }

    // ------------------------------------------------------------------ failure

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.DONE) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        fail(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(new HopAuthenticationException(where, "connection closed during authentication; tried " + tried, null));
        super.channelInactive(ctx);
    }

    private void fail(Throwable cause) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        if (cause instanceof SshProtocolException) {
            cause = new HopAuthenticationException(where, "protocol error: " + cause.getMessage(), cause);
        } else if (!(cause instanceof TunnelException)) {
            cause = new HopAuthenticationException(where, cause.toString(), cause);
        }
        LOG.debug("{}: authentication failed: {}", where, cause.getMessage());
        result.tryFailure(cause);
        ctx.close();
    }

    // ------------------------------------------------------------------ helpers

    /** Returns the methods tried, the list cut to a bound: a message must not grow with a peer's rounds. */
    private String triedSummary() {
        return tried.size() <= 12 ? tried.toString()
                : tried.subList(0, 12) + " and " + (tried.size() - 12) + " more";
    }

    private Credential keyCredential() {
        return currentKey.credential();
    }

    private AuthAttempt attempt(String method, Credential credential, boolean success, boolean partial,
            boolean trivial, String detail) {
        AuthAttempt a = new AuthAttempt(method, credential, success, partial, trivial, detail);
        try {
            listener.accept(a);
        } catch (RuntimeException e) {
            LOG.warn("{}: auth listener failed: {}", where, e.toString());
        }
        return a;
    }

    /** Replaces control characters (terminal escapes) and cuts the text to a bound. */
    static String sanitise(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c == '\n' || c == '\t' ? ' ' : c < 0x20 || (c >= 0x7f && c < 0xa0) ? '?' : c);
        }
        if (s.length() > max) {
            b.append("...");
        }
        return b.toString();
    }

    private static void zero(char[] a) {
        if (a != null) {
            Arrays.fill(a, '\0');
        }
    }
}
