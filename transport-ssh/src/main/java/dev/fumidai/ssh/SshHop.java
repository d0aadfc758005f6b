// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.HopHostKeyException;
import dev.fumidai.HopUnreachableException;
import dev.fumidai.Target;
import dev.fumidai.TunnelEventListener;
import dev.fumidai.TunnelException;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.HostKeyInfo;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.Hops;
import dev.fumidai.ssh.internal.agent.SshAgentClient;
import dev.fumidai.ssh.internal.auth.AuthAttempt;
import dev.fumidai.ssh.internal.auth.AuthIdentity;
import dev.fumidai.ssh.internal.auth.SshUserAuthHandler;
import dev.fumidai.ssh.internal.auth.UserAuthConfig;
import dev.fumidai.ssh.internal.connection.SshConnection;
import dev.fumidai.ssh.internal.connection.SshConnectionConfig;
import dev.fumidai.ssh.internal.names.SshNames;
import dev.fumidai.ssh.internal.keys.OpenSshCertificate;
import dev.fumidai.ssh.internal.keys.SshPrivateKey;
import dev.fumidai.ssh.internal.keys.SshPrivateKeys;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.transport.PipelineNames;
import dev.fumidai.ssh.internal.transport.SshTransportHandler;
import dev.fumidai.ssh.internal.transport.SshClientTransport;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Describes an SSH bastion as one hop of a route and connects to it: SSH over whatever upstream channel the
 * route gives (a TCP socket, or a stream of the previous hop, so SSH over SSH works to any depth).
 *
 * <p>Built with a staged builder: the address and the host-key verifier are mandatory (no verifier, no
 * connection); user, identities, password and keyboard-interactive callbacks and the refuse-trivial-auth
 * policy are optional. Each hop has its own user and keys.
 *
 * <pre>{@code
 * SshHop bastion = SshHop.builder()
 *         .address(Target.of("bastion.example.com", 22))
 *         .hostKeyVerifier(KnownHostsVerifier.openSshDefaults())
 *         .user("ops")
 *         .identity(Path.of(System.getProperty("user.home"), ".ssh", "id_ed25519"))
 *         .build();
 * }</pre>
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe. Key files are read and callbacks run on a small shared worker pool, never on an
 * event loop.
 *
 * <h2>Failure</h2>
 * {@link #connect} fails with {@link HopUnreachableException} when the upstream cannot reach the address,
 * {@link HopHandshakeException} when the SSH handshake or host-key check fails or times out,
 * {@link HopAuthenticationException} when no method authenticates; every message names this hop.
 */
public final class SshHop implements Hop {

    private static final Logger LOG = LoggerFactory.getLogger(SshHop.class);

    /** The transport name in audit records. */
    public static final String TRANSPORT = "ssh";

    /** The key files OpenSSH tries when none is given ({@code ssh(1)} {@code -i}), in its order. */
    static final List<String> DEFAULT_IDENTITY_FILES = List.of("id_ecdsa", "id_ed25519", "id_rsa");

    /** Bounds the threads that run user callbacks at once; more callbacks wait in line for a thread. */
    static final int MAX_CALLBACK_THREADS = 8;
    /** Bounds the threads that read key and known_hosts files and run host-key verifiers. */
    static final int MAX_IO_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    /**
     * Runs password and keyboard-interactive callbacks and agent signing: user code and socket I/O that may block
     * for as long as a person takes, so never on an event loop, and on a pool of its own so that blocked prompts
     * cannot hold back another hop's key loading or host-key check. Bounded: a thousand hops waiting for a
     * password hold {@value #MAX_CALLBACK_THREADS} threads, not a thousand.
     */
    private static final ExecutorService CALLBACKS = boundedDaemonPool("fumidai-ssh-callback", MAX_CALLBACK_THREADS);
    /**
     * Reads key files (passphrase callbacks included, they run while a key is decrypted) and known_hosts files and
     * runs host-key verifiers: daemon threads, bounded by the number of cores (bcrypt key derivation is CPU work).
     */
    private static final ExecutorService WORKERS = boundedDaemonPool("fumidai-ssh-io", MAX_IO_THREADS);

    /**
     * Creates a pool of at most {@code threads} daemon threads that end after 30 s idle; tasks beyond them queue
     * (one per hop connecting at once, which the application bounds).
     */
    private static ExecutorService boundedDaemonPool(String name, int threads) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(threads, threads,
                30, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private final String name;
    private final String hostKeyAlias;
    private final Target address;
    private final HostKeyVerifier verifier;
    private final String user;
    private final List<Path> identityFiles;
    private final List<InMemoryIdentity> inMemoryIdentities;
    private final boolean defaultIdentities;
    private final Path agentSocket;
    private final PassphraseProvider passphrase;
    private final PrivateKeyPolicy privateKeyPolicy;
    private final PasswordCallback password;
    private final KeyboardInteractiveCallback keyboardInteractive;
    private final boolean refuseTrivialAuth;
    private final SshTransportConfig transportConfig;
    private final List<Path> certificateFiles;
    private final List<String> preferredAuthentications;
    private final int numberOfPasswordPrompts;
    private final Duration connectTimeout;
    private final Duration serverAliveInterval;
    private final int serverAliveCountMax;

    private SshHop(Builder b) {
        this.address = b.address;
        this.verifier = b.verifier;
        this.name = b.name != null ? b.name : b.address.host();
        this.hostKeyAlias = b.hostKeyAlias;
        this.user = b.user != null ? b.user : System.getProperty("user.name", "root");
        this.identityFiles = List.copyOf(b.identityFiles);
        this.inMemoryIdentities = List.copyOf(b.inMemoryIdentities);
        this.defaultIdentities = b.defaultIdentities;
        this.agentSocket = b.agentSocket;
        this.passphrase = b.passphrase;
        this.privateKeyPolicy = b.privateKeyPolicy;
        this.password = b.password;
        this.keyboardInteractive = b.keyboardInteractive;
        this.refuseTrivialAuth = b.refuseTrivialAuth;
        this.transportConfig = b.transportConfig;
        this.certificateFiles = List.copyOf(b.certificateFiles);
        this.preferredAuthentications = b.preferredAuthentications;
        this.numberOfPasswordPrompts = b.numberOfPasswordPrompts;
        this.connectTimeout = b.connectTimeout;
        this.serverAliveInterval = b.serverAliveInterval;
        this.serverAliveCountMax = b.serverAliveCountMax;
    }

    /** Returns the first stage of a builder: the address comes first. */
    public static AddressStage builder() {
        return address -> verifier -> new Builder(address, verifier);
    }

    /** Takes the hop's address. */
    @FunctionalInterface
    public interface AddressStage {
        /** Sets where the upstream opens a stream to reach the SSH server. */
        VerifierStage address(Target address);
    }

    /** Takes the host-key verifier. */
    @FunctionalInterface
    public interface VerifierStage {
        /** Sets how the server's host key is verified; {@link InsecureAcceptAnyHostKey} only for tests. */
        Builder hostKeyVerifier(HostKeyVerifier verifier);
    }

    /** Returns a builder holding this hop's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(address, verifier);
        b.name = name;
        b.hostKeyAlias = hostKeyAlias;
        b.user = user;
        b.identityFiles.addAll(identityFiles);
        b.inMemoryIdentities.addAll(inMemoryIdentities);
        b.defaultIdentities = defaultIdentities;
        b.agentSocket = agentSocket;
        b.passphrase = passphrase;
        b.privateKeyPolicy = privateKeyPolicy;
        b.password = password;
        b.keyboardInteractive = keyboardInteractive;
        b.refuseTrivialAuth = refuseTrivialAuth;
        b.transportConfig = transportConfig;
        b.certificateFiles.addAll(certificateFiles);
        b.preferredAuthentications = preferredAuthentications;
        b.numberOfPasswordPrompts = numberOfPasswordPrompts;
        b.connectTimeout = connectTimeout;
        b.serverAliveInterval = serverAliveInterval;
        b.serverAliveCountMax = serverAliveCountMax;
        return b;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String transport() {
        return TRANSPORT;
    }

    @Override
    public Target address() {
        return address;
    }

    /** Returns the login user at this hop. */
    public String user() {
        return user;
    }

    /** Returns the key files given for this hop. */
    public List<Path> identityFiles() {
        return identityFiles;
    }

    /** Returns whether a server that lets us in without a real credential is refused ({@code docs/security.md}). */
    public boolean isRefuseTrivialAuth() {
        return refuseTrivialAuth;
    }

    /** Returns the limits and file-mode rule applied to this hop's key files. */
    public PrivateKeyPolicy privateKeyPolicy() {
        return privateKeyPolicy;
    }

    /** Returns the host-key verifier. */
    public HostKeyVerifier hostKeyVerifier() {
        return verifier;
    }

    /** Returns the transport algorithms and limits. */
    public SshTransportConfig transportConfig() {
        return transportConfig;
    }

    /** Returns the certificate files given for this hop (OpenSSH {@code CertificateFile}). */
    public List<Path> certificateFiles() {
        return certificateFiles;
    }

    /** Returns the authentication methods tried, in order (OpenSSH {@code PreferredAuthentications}). */
    public List<String> preferredAuthentications() {
        return preferredAuthentications;
    }

    /**
     * Returns how many passwords, and how many keyboard-interactive tries, one authentication asks for at most
     * (OpenSSH {@code NumberOfPasswordPrompts}).
     */
    public int numberOfPasswordPrompts() {
        return numberOfPasswordPrompts;
    }

    /** Returns the {@code HostKeyAlias} host keys are looked up under, if set. */
    public Optional<String> hostKeyAlias() {
        return Optional.ofNullable(hostKeyAlias);
    }

    /** Returns the name host keys are looked up and recorded under: the alias when set, else the hop name. */
    private String hostKeyName() {
        return hostKeyAlias != null ? hostKeyAlias : name;
    }

    /**
     * Returns the port host keys are looked up under. With a {@code HostKeyAlias} OpenSSH looks the alias up alone,
     * never as {@code [alias]:port} (sshconnect.c, {@code get_hostfile_hostname_ipaddr}); 22 is the port whose
     * known_hosts form is the bare name.
     */
    private int hostKeyPort() {
        return hostKeyAlias != null ? 22 : address.port();
    }

    /** Returns this hop's own bound on reaching the server and finishing key exchange, if it has one. */
    public Optional<Duration> connectTimeout() {
        return Optional.ofNullable(connectTimeout);
    }

    /** Returns the interval of {@code keepalive@openssh.com} probes; zero when off. */
    public Duration serverAliveInterval() {
        return serverAliveInterval;
    }

    /** Returns how many unanswered keepalive probes end the connection. */
    public int serverAliveCountMax() {
        return serverAliveCountMax;
    }

    @Override
    public HopInfo describe() {
        return HopInfo.basic(TRANSPORT, name, address.host(), address.port()).withRemoteLogin(user);
    }

    @Override
    public String toString() {
        return Hops.describe(this);
    }

    @Override
    public CompletableFuture<HopSession> connect(HopContext ctx) {
        String where = Hops.describe(this);
        CompletableFuture<List<AuthIdentity>> keys = CompletableFuture.supplyAsync(this::loadKeys, WORKERS);
        // Reading known_hosts to order host-key algorithms reads files: off the event loop.
        CompletableFuture<SshTransportConfig> config = CompletableFuture.supplyAsync(() ->
                transportConfig.preferringKnownHostKeyAlgorithms(verifier, hostKeyName(), hostKeyPort()), WORKERS)
                .exceptionally(e -> transportConfig);
        CompletableFuture<HopSession> result = new CompletableFuture<>();
        AtomicReference<Channel> reached = new AtomicReference<>();
        CompletableFuture<Void> keyExchanged = new CompletableFuture<>();
        if (connectTimeout != null) {
            // OpenSSH ConnectTimeout bounds reaching the server and the protocol handshake up to the first key
            // exchange (ssh_config(5)), not authentication, which may wait for a person.
            ScheduledFuture<?> timer = ctx.eventLoopGroup().next().schedule(() -> {
                if (result.completeExceptionally(new TunnelTimeoutException(where, "no SSH key exchange within the"
                        + " connect timeout of " + connectTimeout.toMillis() + " ms", null))) {
                    Channel c = reached.get();
                    if (c != null) {
                        c.close();
                    }
                }
            }, connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
            keyExchanged.whenComplete((v, e) -> timer.cancel(false));
            result.whenComplete((s, e) -> timer.cancel(false));
        }
        CompletableFuture<Channel> upstream;
        try {
            upstream = ctx.upstream().open(address);
        } catch (RuntimeException e) {
            upstream = CompletableFuture.failedFuture(e);
        }
        upstream.whenComplete((channel, error) -> {
            if (error != null) {
                keys.thenAccept(loaded -> loaded.forEach(AuthIdentity::destroy));
                Throwable cause = unwrap(error);
                result.completeExceptionally(cause instanceof TunnelException ? cause
                        : new HopUnreachableException(where, "cannot open a stream to " + address + ": " + cause,
                                cause));
                return;
            }
            reached.set(channel);
            if (result.isDone()) {
                keys.thenAccept(loaded -> loaded.forEach(AuthIdentity::destroy));
                channel.close(); // the connect timeout passed while the stream was opening
                return;
            }
            config.whenComplete((c, e) -> channel.eventLoop().execute(() ->
                    handshake(ctx, channel, c, keys, where, result, keyExchanged)));
        });
        return result;
    }

    private void handshake(HopContext ctx, Channel channel, SshTransportConfig config,
            CompletableFuture<List<AuthIdentity>> keys, String where, CompletableFuture<HopSession> result,
            CompletableFuture<Void> keyExchanged) {
        if (result.isDone()) {
            keys.thenAccept(loaded -> loaded.forEach(AuthIdentity::destroy));
            channel.close();
            return;
        }
        String connectionId = ctx.newConnectionId();
        ScheduledFuture<?> timeout = channel.eventLoop().schedule(() -> {
            if (result.completeExceptionally(new TunnelTimeoutException(where, "SSH handshake and authentication took"
                    + " longer than " + ctx.handshakeTimeout(), null))) {
                channel.close();
            }
        }, ctx.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((s, e) -> timeout.cancel(false));
        long handshakeStart = System.nanoTime();
        io.netty.util.concurrent.Future<SshTransportReadyEvent> ready;
        try {
            // The name checked against known_hosts is the logical hop name (or its HostKeyAlias), never the address
            // the channel reached (ssh-client.md, Server authentication); it defaults to the address host.
            ready = SshClientTransport.install(channel, config, hostKeyName(), hostKeyPort(), where, verifier,
                    WORKERS);
        } catch (RuntimeException e) {
            channel.close();
            result.completeExceptionally(new HopHandshakeException(where, "cannot start the SSH transport: " + e, e));
            return;
        }
        ready.addListener(f -> {
            keyExchanged.complete(null);
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                keys.thenAccept(loaded -> loaded.forEach(AuthIdentity::destroy));
                HopHostKeyException refused = hostKeyRefusal(cause);
                if (refused != null) {
                    auditRefusal(ctx, describe(), connectionId, refused);
                }
                result.completeExceptionally(cause instanceof TunnelException ? cause
                        : new HopHandshakeException(where, String.valueOf(cause), cause));
                return;
            }
            SshTransportReadyEvent event = (SshTransportReadyEvent) f.getNow();
            HopInfo info = connectedInfo(channel, event);
            dev.fumidai.audit.CryptoInfo crypto = event.cryptoInfo();
            ctx.events().handshakeEnd(eventId(ctx), Duration.ofNanos(System.nanoTime() - handshakeStart),
                    crypto == null ? null : new TunnelEventListener.Algorithms(crypto.kex(), crypto.hostkeyAlg(),
                            crypto.cipher(), crypto.mac()));
            observeRekeys(ctx, channel);
            // A key re-exchange may present another key (or sign badly) after this: audited as well.
            SshTransportHandler transport = channel.pipeline().get(SshTransportHandler.class);
            if (transport != null) {
                transport.hostKeyRefusalObserver(refused -> auditRefusal(ctx, info, connectionId, refused));
            }
            ctx.audit().emit(new HostKeyChecked(ctx.audit().header(), Outcome.SUCCESS, null, ctx.hopIndex(), info,
                    connectionId, event.hostKeyInfo(), event.verdict() != null && event.verdict().recorded()));
            keys.whenComplete((loaded, e) -> channel.eventLoop().execute(() ->
                    authenticate(ctx, channel, event, info, loaded == null ? List.of() : loaded, where, connectionId,
                            result)));
        });
    }

    private void authenticate(HopContext ctx, Channel channel, SshTransportReadyEvent event, HopInfo info,
            List<AuthIdentity> keys, String where, String connectionId, CompletableFuture<HopSession> result) {
        if (result.isDone() || !channel.isActive()) {
            keys.forEach(AuthIdentity::destroy);
            result.completeExceptionally(new HopHandshakeException(where, "connection closed before authentication",
                    null));
            return;
        }
        UserAuthConfig config = new UserAuthConfig(user, keys, password, keyboardInteractive, refuseTrivialAuth,
                CALLBACKS, preferredAuthentications, numberOfPasswordPrompts);
        Promise<AuthAttempt> auth = channel.eventLoop().newPromise();
        TunnelEventListener.HopId id = eventId(ctx);
        long authStart = System.nanoTime();
        ctx.events().authStart(id);
        auth.addListener(f -> ctx.events().authEnd(id, f.isSuccess(), Duration.ofNanos(System.nanoTime() - authStart)));
        channel.pipeline().addAfter(PipelineNames.TRANSPORT, PipelineNames.USERAUTH,
                new SshUserAuthHandler(config, event, where, a -> ctx.audit().emit(new AuthAttempted(
                        ctx.audit().header(), a.success() ? Outcome.SUCCESS : Outcome.FAILURE,
                        a.success() ? null : Reason.of(ReasonCode.AUTH_FAILED, a.detail()), ctx.hopIndex(), info,
                        connectionId, a.credential(), user, a.trivial())), auth));
        auth.addListener(f -> {
            keys.forEach(AuthIdentity::destroy);
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                result.completeExceptionally(cause instanceof TunnelException ? cause
                        : new HopAuthenticationException(where, String.valueOf(cause), cause));
                return;
            }
            SshConnectionConfig cc = SshConnectionConfig.defaults(where)
                    .withKeepalive(serverAliveInterval, serverAliveCountMax)
                    .withMaxWindowSize(transportConfig.maxReceiveWindow());
            SshConnection connection = SshConnection.install(channel, cc);
            SshHopSession session = new SshHopSession(this, channel, connection, info, connectionId, where,
                    ctx.audit(), ctx.clock());
            if (!result.complete(session)) {
                session.close();
            }
        });
    }

    private TunnelEventListener.HopId eventId(HopContext ctx) {
        return new TunnelEventListener.HopId(ctx.hopIndex(), name(), transport());
    }

    /** Reports the transport's key re-exchanges to the telemetry listener. */
    private void observeRekeys(HopContext ctx, Channel channel) {
        SshTransportHandler t = channel.pipeline().get(SshTransportHandler.class);
        if (t != null) {
            TunnelEventListener.HopId id = eventId(ctx);
            t.rekeyObserver(() -> ctx.events().rekeyStart(id), took -> ctx.events().rekeyEnd(id, took));
        }
    }

    private HopInfo connectedInfo(Channel channel, SshTransportReadyEvent event) {
        HopInfo info = describe().withHostKey(event.hostKeyInfo()).withCrypto(event.cryptoInfo());
        if (channel.remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null) {
            info = info.withAddress(a.getAddress().getHostAddress());
        }
        return info;
    }

    /**
     * Lists the agent's plain keys first, then reads the identity files, as OpenSSH orders them; a key that
     * cannot be read, or an agent that cannot be reached, is logged and skipped. Certificates the agent holds
     * are not offered yet.
     */
    private List<AuthIdentity> loadKeys() {
        List<AuthIdentity> keys = new ArrayList<>();
        if (agentSocket != null) {
            SshAgentClient agent = SshAgentClient.of(agentSocket);
            try {
                agent.identities().stream().filter(i -> !(i.key() instanceof OpenSshCertificate))
                        .forEach(i -> keys.add(AuthIdentity.ofAgent(agent, i.key())));
            } catch (Exception e) {
                LOG.warn("{}: skipping the SSH agent at {}: {}", Hops.describe(this), agentSocket, e.getMessage());
            }
        }
        // In-memory keys first (given explicitly, like -i), in the order added.
        for (InMemoryIdentity id : inMemoryIdentities) {
            try {
                keys.add(AuthIdentity.of(id.load(privateKeyPolicy)));
            } catch (Exception e) {
                LOG.warn("{}: skipping identity {}: {}", Hops.describe(this), id.name, e.getMessage());
            }
        }
        List<Path> files = new ArrayList<>(identityFiles);
        if (defaultIdentities) {
            Path dir = Path.of(System.getProperty("user.home"), ".ssh");
            for (String f : DEFAULT_IDENTITY_FILES) {
                if (Files.isRegularFile(dir.resolve(f))) {
                    files.add(dir.resolve(f));
                }
            }
        }
        // CertificateFile: certificates offered with the identity file whose key they certify.
        List<String[]> certificates = new ArrayList<>();
        for (Path certFile : certificateFiles) {
            try {
                certificates.add(new String[] {certFile.toString(), Files.readString(certFile)});
            } catch (Exception e) {
                LOG.warn("{}: skipping certificate {}: {}", Hops.describe(this), certFile, e.getMessage());
            }
        }
        for (Path file : files) {
            try {
                SshPrivateKey key = SshPrivateKeys.read(file, passphrase, privateKeyPolicy);
                for (String[] cert : certificates) {
                    if (certifies(cert[1], key)) {
                        try {
                            keys.add(AuthIdentity.ofCertificate(key, SshPrivateKeys.certificateFor(cert[1], cert[0],
                                    key)));
                        } catch (Exception e) {
                            LOG.warn("{}: skipping certificate {}: {}", Hops.describe(this), cert[0], e.getMessage());
                        }
                    }
                }
                // OpenSSH offers <key>-cert.pub first when it exists next to the key, then the plain key.
                try {
                    SshPrivateKeys.readCertificateNextTo(file, key)
                            .ifPresent(cert -> keys.add(AuthIdentity.ofCertificate(key, cert)));
                } catch (Exception e) {
                    LOG.warn("{}: skipping the certificate next to {}: {}", Hops.describe(this), file, e.getMessage());
                }
                keys.add(AuthIdentity.of(key));
            } catch (Exception e) {
                LOG.warn("{}: skipping identity {}: {}", Hops.describe(this), file, e.getMessage());
            }
        }
        return keys;
    }

    /** Says whether certificate text certifies this key; unparseable text certifies nothing. */
    private static boolean certifies(String certText, SshPrivateKey key) {
        try {
            return SshPublicKeys.parseText(certText) instanceof OpenSshCertificate c
                    && c.publicKey().equals(key.publicKey());
        } catch (Exception e) {
            return false;
        }
    }

    /** Emits the {@code hop.hostkey} record of a refused key: outcome error or denied, the refused key, no verifier. */
    private static void auditRefusal(HopContext ctx, HopInfo hop, String connectionId, HopHostKeyException refused) {
        ctx.audit().emit(new HostKeyChecked(ctx.audit().header(),
                refused.verdict().isError() ? Outcome.ERROR : Outcome.DENIED, reasonOf(refused.verdict()),
                ctx.hopIndex(), hop, connectionId, new HostKeyInfo(refused.keyAlgorithm(), refused.fingerprint(), null),
                false));
    }

    /** Returns the host-key refusal in a transport failure's causes, or {@code null}. */
    private static @Nullable HopHostKeyException hostKeyRefusal(@Nullable Throwable t) {
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof HopHostKeyException h) {
                return h;
            }
        }
        return null;
    }

    /**
     * Returns the {@code hop.hostkey} reason of a refusal (docs/audit-schema.md, Reason codes). The detail is our
     * own fixed text: the exception's message names files and hosts, which the reader of an audit trail can find
     * in the application's log instead.
     */
    static Reason reasonOf(HopHostKeyException.Verdict verdict) {
        return switch (verdict) {
            case UNKNOWN -> Reason.of(ReasonCode.HOSTKEY_UNKNOWN, "host key not known for the host");
            case MISMATCH -> Reason.of(ReasonCode.HOSTKEY_MISMATCH, "host key differs from the one recorded");
            case REVOKED -> Reason.of(ReasonCode.HOSTKEY_REVOKED, "host key or its CA is revoked");
            case CERTIFICATE_INVALID -> Reason.of(ReasonCode.HOSTKEY_CERT_INVALID, "host certificate is not valid");
            case POLICY -> Reason.of(ReasonCode.POLICY, "host key type or size not allowed");
            case BAD_SIGNATURE -> Reason.of(ReasonCode.HOSTKEY_BAD_SIGNATURE,
                    "signature over the exchange hash does not verify");
            case VERIFIER_ERROR -> Reason.of(ReasonCode.HOSTKEY_VERIFIER_ERROR, "host-key verifier failed");
            case NO_VERDICT -> Reason.of(ReasonCode.HOSTKEY_NO_VERDICT, "host-key verifier returned no verdict");
        };
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Executes a task on the shared, bounded callback pool; for the session's callbacks. */
    static Executor workers() {
        return CALLBACKS;
    }

    /**
     * Is a key given in memory: a JDK key pair, or private key text (OpenSSH or PEM) with an optional passphrase.
     * The text is copied once into the hop and parsed on every connect from a second copy that parsing zeroes;
     * the first copy lives as long as the hop. The file-mode rule does not apply (there is no file).
     */
    private static final class InMemoryIdentity {
        final String name;
        final KeyPair pair;
        final byte[] text;
        final char[] passphrase;

        InMemoryIdentity(String name, KeyPair pair, byte[] text, char[] passphrase) {
            this.name = name;
            this.pair = pair;
            this.text = text;
            this.passphrase = passphrase;
        }

        SshPrivateKey load(PrivateKeyPolicy policy) throws Exception {
            if (pair != null) {
                return SshPrivateKeys.fromKeyPair(pair, name);
            }
            PassphraseProvider p = passphrase == null ? PassphraseProvider.none()
                    : keyName -> passphrase.clone(); // the loader zeroes the array it is given
            return SshPrivateKeys.parse(text.clone(), name, p, policy); // zeroes the clone
        }
    }

    /** Collects an SSH hop's optional settings; {@link #build()} makes the immutable hop. */
    public static final class Builder {

        private final Target address;
        private final HostKeyVerifier verifier;
        private String name;
        private String hostKeyAlias;
        private String user;
        private final List<Path> identityFiles = new ArrayList<>();
        private final List<InMemoryIdentity> inMemoryIdentities = new ArrayList<>();
        private boolean defaultIdentities;
        private Path agentSocket;
        private PassphraseProvider passphrase = PassphraseProvider.none();
        private PrivateKeyPolicy privateKeyPolicy = PrivateKeyPolicy.defaults();
        private PasswordCallback password;
        private KeyboardInteractiveCallback keyboardInteractive;
        private boolean refuseTrivialAuth = true;
        private SshTransportConfig transportConfig = SshTransportConfig.defaults();
        private final List<Path> certificateFiles = new ArrayList<>();
        private List<String> preferredAuthentications = UserAuthConfig.DEFAULT_METHODS;
        private int numberOfPasswordPrompts = UserAuthConfig.DEFAULT_PASSWORD_PROMPTS;
        private Duration connectTimeout;
        private Duration serverAliveInterval = Duration.ZERO;
        private int serverAliveCountMax = 3;

        private Builder(Target address, HostKeyVerifier verifier) {
            this.address = Objects.requireNonNull(address, "address");
            this.verifier = Objects.requireNonNull(verifier, "hostKeyVerifier");
            if (address.isUnixSocket()) {
                throw new IllegalArgumentException("an SSH hop needs a TCP address, not " + address);
            }
        }

        /** Sets the logical name used in messages, audit and host-key lookup; defaults to the host. */
        public Builder name(String value) {
            this.name = SshNames.requireSafe(value, "hop name");
            return this;
        }

        /**
         * Looks the server's host key up (and records it) under this name alone, as OpenSSH's {@code HostKeyAlias}
         * does: known_hosts is searched for the bare alias whatever the port, never for {@code [alias]:port}, and
         * verifiers see port 22. {@code null} (the default) uses the hop name and the address's port.
         */
        public Builder hostKeyAlias(String value) {
            this.hostKeyAlias = value == null ? null : SshNames.requireSafe(value, "HostKeyAlias");
            return this;
        }

        /** Sets the login user; defaults to the {@code user.name} system property. */
        public Builder user(String value) {
            this.user = SshNames.requireSafe(value, "user");
            return this;
        }

        /** Adds a private key file to offer, after those added before. */
        public Builder identity(Path keyFile) {
            identityFiles.add(Objects.requireNonNull(keyFile, "keyFile"));
            return this;
        }

        /**
         * Adds a key pair held in memory (Ed25519, EC P-256/384/521 or RSA, as the JDK or Bouncy Castle makes them)
         * to offer before the key files.
         */
        public Builder identity(KeyPair keyPair) {
            Objects.requireNonNull(keyPair, "keyPair");
            Objects.requireNonNull(keyPair.getPrivate(), "keyPair.private");
            Objects.requireNonNull(keyPair.getPublic(), "keyPair.public");
            inMemoryIdentities.add(new InMemoryIdentity("in-memory key " + (inMemoryIdentities.size() + 1), keyPair,
                    null, null));
            return this;
        }

        /**
         * Adds private key text held in memory, in OpenSSH ({@code -----BEGIN OPENSSH PRIVATE KEY-----}) or PEM
         * (PKCS#1, SEC 1, PKCS#8) form, to offer before the key files; {@code passphrase} decrypts it, or is
         * {@code null} for an unencrypted key. Both arrays are copied; the caller may zero its own.
         */
        public Builder identity(byte[] privateKeyText, char @Nullable [] passphrase) {
            Objects.requireNonNull(privateKeyText, "privateKeyText");
            if (privateKeyText.length > SshPrivateKeys.MAX_FILE_SIZE) {
                throw new IllegalArgumentException("private key text larger than " + SshPrivateKeys.MAX_FILE_SIZE
                        + " bytes");
            }
            inMemoryIdentities.add(new InMemoryIdentity("in-memory key " + (inMemoryIdentities.size() + 1), null,
                    privateKeyText.clone(), passphrase == null ? null : passphrase.clone()));
            return this;
        }

        /** Adds private key text as {@link #identity(byte[], char[])} does, given as characters. */
        public Builder identity(char[] privateKeyText, char[] passphrase) {
            Objects.requireNonNull(privateKeyText, "privateKeyText");
            java.nio.ByteBuffer bb = java.nio.charset.StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(
                    privateKeyText));
            byte[] bytes = new byte[bb.remaining()];
            bb.get(bytes);
            if (bb.hasArray()) {
                java.util.Arrays.fill(bb.array(), (byte) 0);
            }
            try {
                return identity(bytes, passphrase);
            } finally {
                java.util.Arrays.fill(bytes, (byte) 0);
            }
        }

        /** Offers OpenSSH's default key files ({@code ~/.ssh/id_ecdsa}, {@code id_ed25519}, {@code id_rsa}) that
         * exist at connect time, after the identities given. */
        public Builder defaultIdentities(boolean value) {
            this.defaultIdentities = value;
            return this;
        }

        /**
         * Offers the keys of the SSH agent listening on a Unix socket (OpenSSH {@code SSH_AUTH_SOCK}), before
         * the identity files; {@code null} for none. Signing happens in the agent.
         */
        public Builder agent(@Nullable Path socket) {
            this.agentSocket = socket;
            return this;
        }

        /** Sets where passphrases of encrypted keys come from; by default encrypted keys are skipped. */
        public Builder passphrase(PassphraseProvider value) {
            this.passphrase = Objects.requireNonNull(value, "passphrase");
            return this;
        }

        /**
         * Sets the caps on KDF work (bcrypt rounds, PBKDF2 iterations), the decryption deadline and whether key
         * files open to group or others are refused, for this hop's keys; default
         * {@link PrivateKeyPolicy#defaults()}. A key the policy refuses is skipped with a warning naming the file
         * and the limit, as OpenSSH skips a key it cannot use. There is no {@code ssh_config} keyword for it:
         * OpenSSH has none, and an unknown keyword would make {@code ssh} itself reject the file.
         */
        public Builder privateKeyPolicy(PrivateKeyPolicy value) {
            this.privateKeyPolicy = Objects.requireNonNull(value, "privateKeyPolicy");
            return this;
        }

        /** Enables {@code password} authentication with a callback (RFC 4252 §8). */
        public Builder password(@Nullable PasswordCallback value) {
            this.password = value;
            return this;
        }

        /** Enables {@code keyboard-interactive} authentication with a callback (RFC 4256). */
        public Builder keyboardInteractive(@Nullable KeyboardInteractiveCallback value) {
            this.keyboardInteractive = value;
            return this;
        }

        /**
         * Sets whether a server that lets us in without a real credential ({@code none} accepted,
         * keyboard-interactive with no prompts, success to a key query) is refused; on by default
         * ({@code docs/security.md}). Either way the attempt is audited as trivial.
         */
        public Builder refuseTrivialAuth(boolean value) {
            this.refuseTrivialAuth = value;
            return this;
        }

        /** Sets the transport algorithms and limits. */
        public Builder transportConfig(SshTransportConfig value) {
            this.transportConfig = Objects.requireNonNull(value, "transportConfig");
            return this;
        }

        /**
         * Adds an OpenSSH user certificate file ({@code CertificateFile}); it is offered, before the plain key,
         * with the identity file whose key it certifies. A certificate for no given identity file is not offered
         * (certificates for agent keys are not supported yet).
         */
        public Builder certificate(Path certificateFile) {
            certificateFiles.add(Objects.requireNonNull(certificateFile, "certificateFile"));
            return this;
        }

        /**
         * Sets the authentication methods to try and their order, as OpenSSH's {@code PreferredAuthentications}
         * does; methods not listed are never tried, and names this library does not implement (such as
         * {@code gssapi-with-mic} or {@code hostbased}) are skipped. Default: {@code publickey},
         * {@code keyboard-interactive}, {@code password}.
         *
         * @throws IllegalArgumentException if the list is empty
         */
        public Builder preferredAuthentications(List<String> methods) {
            if (methods.isEmpty()) {
                throw new IllegalArgumentException("preferredAuthentications needs at least one method");
            }
            this.preferredAuthentications = List.copyOf(methods);
            return this;
        }

        /**
         * Bounds how many passwords, and separately how many keyboard-interactive tries, one authentication asks
         * for across every partial-success stage, as OpenSSH's {@code NumberOfPasswordPrompts} does (default 3).
         * A server that keeps asking past it fails authentication with {@link dev.fumidai.HopAuthenticationException}
         * naming this hop. 0 never asks.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder numberOfPasswordPrompts(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("numberOfPasswordPrompts must not be negative: " + value);
            }
            this.numberOfPasswordPrompts = value;
            return this;
        }

        /**
         * Bounds reaching the server and the SSH handshake up to the first key exchange, as OpenSSH's
         * {@code ConnectTimeout} does; past it the connect fails with {@link TunnelTimeoutException} naming this
         * hop. It can only shorten the {@code JumpHost}'s own connect and handshake timeouts, which still apply.
         * {@code null} (the default) leaves only those.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder connectTimeout(@Nullable Duration value) {
            if (value != null && (value.isNegative() || value.isZero())) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + value);
            }
            this.connectTimeout = value;
            return this;
        }

        /**
         * Probes the server with {@code keepalive@openssh.com} after {@code interval} without traffic from it and
         * ends the connection after {@code countMax} unanswered probes, as OpenSSH's {@code ServerAliveInterval}
         * and {@code ServerAliveCountMax} do. {@link Duration#ZERO} (the default) turns probing off.
         *
         * @throws IllegalArgumentException if the interval is negative or the count below 1
         */
        public Builder serverAlive(Duration interval, int countMax) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || countMax < 1) {
                throw new IllegalArgumentException("serverAlive needs an interval >= 0 and a count >= 1, got "
                        + interval + " and " + countMax);
            }
            this.serverAliveInterval = interval;
            this.serverAliveCountMax = countMax;
            return this;
        }

        /** Builds the hop. */
        public SshHop build() {
            return new SshHop(this);
        }
    }
}
