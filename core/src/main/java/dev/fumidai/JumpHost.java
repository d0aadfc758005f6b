// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.Listener;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.SessionEnded;
import dev.fumidai.audit.SessionStarted;
import dev.fumidai.audit.Source;
import dev.fumidai.internal.Ids;
import dev.fumidai.internal.LibraryVersion;
import dev.fumidai.internal.TunnelOpener;
import dev.fumidai.internal.audit.AuditDispatcher;
import dev.fumidai.internal.forward.DynamicForwardImpl;
import dev.fumidai.internal.forward.LocalForwardImpl;
import dev.fumidai.internal.forward.RemoteForwardImpl;
import dev.fumidai.spi.RemoteForwardingSession;
import dev.fumidai.internal.net.NettyTransport;
import dev.fumidai.internal.route.RouteRuntime;
import dev.fumidai.internal.socket.TunnelSocketFactory;
import dev.fumidai.internal.stream.RemoteCommandImpl;
import dev.fumidai.internal.stream.TunnelConnectionImpl;
import dev.fumidai.spi.ExecCapableSession;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.Hops;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.SocketFactory;

/**
 * Opens tunnels to targets through a {@link Route} of jump hosts, in process: as a byte stream
 * ({@link #connect}), a local port ({@link #forward}) or a {@link SocketFactory} ({@link #socketFactory()}).
 * Every hop, authentication and forwarded connection is recorded by the configured audit sinks.
 *
 * <pre>{@code
 * try (JumpHost jh = JumpHost.builder()
 *         .route(Route.parse("ssh://ops@bastion:22"))
 *         .auditSink(Slf4jAuditSink.create())
 *         .actor("ci:job-1234")
 *         .build()) {
 *     try (LocalForward fwd = jh.forward(Target.of("db.internal", 5432))) {
 *         String url = "jdbc:postgresql://127.0.0.1:" + fwd.localPort() + "/app";
 *     }
 * }
 * }</pre>
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe. Hop sessions are shared: all streams through a hop multiplex over one session,
 * opened on first use and re-established under the {@link ReconnectPolicy} after a failure.
 *
 * <p>Every future this class returns completes on the callback executor ({@link Builder#callbackExecutor}),
 * never on an event loop or the audit thread, so a callback may block (read a stream, run JDBC) without stalling
 * the tunnels. A failed future fails with the {@link TunnelException} itself, not wrapped. Cancelling a future,
 * or failing it through {@code orTimeout}, closes what it would have delivered if that arrives later.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes forwards and streams, then hop sessions, then delivers what is queued for the audit sinks
 * and flushes them, and last shuts down the event loops if the {@code JumpHost} created them.
 * {@link #close(Duration)} does the same within a bound: a hop or a sink that does not finish in time is left
 * behind (with a warning) rather than holding the application up; {@code close()} allows
 * {@link #DEFAULT_CLOSE_TIMEOUT}.
 *
 * <p>Ownership follows one rule: the {@code JumpHost} closes what it created or was handed to own, and nothing else.
 * Event loops it created are shut down; a group lent through {@link dev.fumidai.spi.NettyOptions} or an
 * {@link Builder#eventLoopExecutor executor} is left to the caller. A sink added with {@link Builder#ownedAuditSink}
 * is closed; a sink added with {@link Builder#auditSink} is flushed but left open, for its owner to close (it may be
 * shared by several {@code JumpHost}s).
 *
 * <h2>Failure</h2>
 * Every failure is a {@link TunnelException} (an {@link IOException}) whose message names the hop.
 */
public final class JumpHost implements AutoCloseable {

    /** The library version written into audit records: the POM's version, filtered into the jar at build time. */
    public static final String LIBRARY_VERSION = LibraryVersion.VALUE;

    /** How long {@link #close()} may take: 30 s. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Route route;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final AuditDispatcher audit;
    private final RouteRuntime runtime;
    private final TunnelOpener opener;
    private final Clock clock;
    private final Instant started;
    private final String sessionId;
    private final List<java.io.Closeable> forwards = new CopyOnWriteArrayList<>();
    private final List<TunnelConnection> connections = new CopyOnWriteArrayList<>();
    private final List<RemoteCommand> commands = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Executor callbacks;
    private final ExecutorService ownedCallbacks;
    private final Source inProcess = new Source(null, 0, new Listener(ListenerKind.IN_PROCESS, null, 0));

    private JumpHost(Builder b) {
        this.route = b.route;
        this.clock = b.clock;
        this.ownsGroup = b.group == null;
        this.group = ownsGroup ? NettyTransport.newGroup(b.threads, "fumidai", b.eventLoopExecutor) : b.group;
        this.sessionId = Ids.shortId("s-");
        this.ownedCallbacks = b.callbackExecutor == null ? newCallbackPool() : null;
        this.callbacks = b.callbackExecutor == null ? ownedCallbacks : b.callbackExecutor;
        String emitterId = b.emitterId != null ? b.emitterId : Ids.shortId("jh-");
        java.util.Set<AuditSink> owned = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        owned.addAll(b.ownedSinks);
        this.audit = new AuditDispatcher(b.sinks, owned::contains, b.actor, origin(b.processName), emitterId, sessionId, clock,
                b.auditQueueCapacity);
        dev.fumidai.TunnelEventListener events = dev.fumidai.internal.observe.SafeEventListener.of(b.events);
        this.runtime = new RouteRuntime(route, group, audit, clock, b.connectTimeout, b.handshakeTimeout,
                b.reconnectPolicy, events);
        this.opener = new TunnelOpener(runtime, audit, clock, events);
        this.started = clock.instant();
        audit.emit(new SessionStarted(audit.header(), Outcome.SUCCESS, null, inProcess, runtime.hopInfos()));
    }

    /** The default callback executor: up to 4 daemon threads, which end after 30 s without work. */
    private static ExecutorService newCallbackPool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "fumidai-callback-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Returns a future that completes like {@code inner}, but on the callback executor, failing with the cause
     * itself (not a {@code CompletionException}). If the returned future is already done when {@code inner}
     * delivers (cancelled, or failed by {@code orTimeout}), the late value is closed at once.
     */
    private <T> CompletableFuture<T> deliver(CompletableFuture<? extends T> inner, Consumer<? super T> closer) {
        CompletableFuture<T> out = new CompletableFuture<>();
        if (inner.isDone()) { // already settled on the caller's thread (a direct route, a closed JumpHost)
            inner.whenComplete((v, t) -> {
                if (t != null) {
                    out.completeExceptionally(asTunnelCause(t));
                } else {
                    out.complete(v);
                }
            });
            return out;
        }
        inner.whenComplete((v, t) -> {
            if (out.isDone()) {
                if (v != null) {
                    closer.accept(v);
                }
                return;
            }
            Runnable complete = () -> {
                if (t != null) {
                    out.completeExceptionally(asTunnelCause(t));
                } else if (!out.complete(v)) {
                    closer.accept(v);
                }
            };
            try {
                callbacks.execute(complete);
            } catch (RejectedExecutionException e) {
                complete.run(); // the executor is shut down: complete here rather than never
            }
        });
        return out;
    }

    private static Throwable asTunnelCause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static Origin origin(String processName) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
        return new Origin(host, processName, ProcessHandle.current().pid(), LIBRARY_VERSION);
    }

    /** Returns a builder; a route and an actor are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the route. */
    public Route route() {
        return route;
    }

    /** Returns the logical session id written as {@code session_id} in this JumpHost's audit records. */
    public String sessionId() {
        return sessionId;
    }

    /**
     * Returns a snapshot of every hop's shared session, first hop first (empty for a direct route): whether it is
     * up and since when, the negotiated algorithms, open streams, bytes, the last error. Cheap, never blocks; for
     * health endpoints.
     */
    public java.util.List<HopStatus> status() {
        return runtime.status();
    }

    /** Returns how many audit events wait for the sinks now (a gauge for telemetry). */
    public int auditQueueDepth() {
        return audit.queueDepth();
    }

    /** Returns how many audit events were dropped because the queue was full, since the start. */
    public long auditQueueDrops() {
        return audit.queueDrops();
    }

    /**
     * Connects the session of every hop of the route without opening a stream, so that a tool can check the
     * route up front, as {@code ssh -L} connects before it listens. The sessions are the shared ones later streams
     * use (they are not closed after the check); a hop already connected is not connected again. Hops connect
     * under the {@link ReconnectPolicy}, and are audited with {@code hop.connect}, as for a stream.
     *
     * @return a future that completes when every hop is connected (at once for a direct route) or fails with
     *     the {@link TunnelException} naming the hop: {@link HopUnreachableException},
     *     {@link HopHandshakeException}, {@link HopAuthenticationException} or {@link TunnelTimeoutException}
     */
    public CompletableFuture<Void> connectHops() {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new TunnelException(route.toString(), "the JumpHost is closed",
                    null));
        }
        return deliver(runtime.connectHops(), v -> { });
    }

    /**
     * Connects the session of every hop, as {@link #connectHops()} does, waiting at most {@code timeout}.
     *
     * @throws TunnelTimeoutException if the hops did not connect in time (they go on connecting, for later use)
     * @throws TunnelException if a hop failed; the message names it
     */
    public void connectHops(Duration timeout) throws IOException {
        CompletableFuture<Void> f = connectHops();
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TunnelTimeoutException(route.toString(), "hops not connected within " + timeout.toMillis()
                    + " ms", e);
        } catch (ExecutionException e) {
            throw asIo(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting the hops of " + route);
        }
    }

    /**
     * Opens an in-process byte stream to a target.
     *
     * @return a future that completes with the connection or fails with a {@link TunnelException}
     */
    public CompletableFuture<TunnelConnection> connect(Target target) {
        return deliver(openConnection(target, false), TunnelConnection::close);
    }

    /**
     * Opens an in-process byte stream, waiting at most {@code timeout}.
     *
     * @throws TunnelTimeoutException if it did not open in time
     * @throws TunnelException if a hop or the target failed; the message names it
     */
    public TunnelConnection connect(Target target, Duration timeout) throws IOException {
        CompletableFuture<TunnelConnectionImpl> f = openConnection(target, false);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.thenAccept(TunnelConnection::close);
            throw new TunnelTimeoutException(runtime.where(target), "no stream within " + timeout.toMillis() + " ms",
                    e);
        } catch (ExecutionException e) {
            throw asIo(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.thenAccept(TunnelConnection::close);
            throw new InterruptedIOException("interrupted while connecting to " + target);
        }
    }

    private CompletableFuture<TunnelConnectionImpl> openConnection(Target target, boolean socketSemantics) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new TunnelException(runtime.where(target), "the JumpHost is closed",
                    null));
        }
        return opener.open(target, inProcess).thenApply(o -> {
            TunnelConnectionImpl c = new TunnelConnectionImpl(target, o, socketSemantics,
                    runtime.where(target));
            connections.add(c);
            o.channel().closeFuture().addListener(f -> connections.remove(c));
            return c;
        });
    }

    /** Listens on 127.0.0.1, an ephemeral port, and relays each connection to the target. */
    public LocalForward forward(Target target) throws IOException {
        return forward(target, ForwardOptions.defaults());
    }

    /**
     * Listens as the options say and relays each connection to the target.
     *
     * @throws IOException if the address or socket path cannot be bound
     */
    public LocalForward forward(Target target, ForwardOptions options) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        if (closed.get()) {
            throw new TunnelException(runtime.where(target), "the JumpHost is closed", null);
        }
        LocalForwardImpl f = LocalForwardImpl.bind(target, options, opener, group, clock);
        forwards.add(f);
        return f;
    }

    /** Listens on 127.0.0.1, an ephemeral port, as a SOCKS4a/5 proxy whose CONNECTs go through the route. */
    public DynamicForward socks() throws IOException {
        return socks(ForwardOptions.defaults());
    }

    /**
     * Listens as the options say as a SOCKS4a/5 proxy whose CONNECTs go through the route, as {@code ssh -D}
     * does; domain names are resolved by the last hop. See {@link DynamicForward} for the replies and the audit.
     *
     * @throws IOException if the address cannot be bound
     * @throws IllegalArgumentException if the options name a Unix socket (a SOCKS proxy listens on TCP)
     */
    public DynamicForward socks(ForwardOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        if (closed.get()) {
            throw new TunnelException(route.toString(), "the JumpHost is closed", null);
        }
        DynamicForwardImpl f = DynamicForwardImpl.bind(options, opener, group, clock);
        forwards.add(f);
        return f;
    }

    /**
     * Runs a command on the last hop of the route, as {@code ssh -J ... host command} does: no pseudo-terminal, the
     * hop's shell interprets the line. Recorded as {@code exec.start} and {@code exec.end} with every hop.
     *
     * @return a future completing with the running command once the hop accepted it, or failing with
     *     {@link UnsupportedHopOperationException} when the last hop cannot run commands (SSM, a command hop, a
     *     direct route), {@link AuditUnavailableException} while a fail-closed sink fails,
     *     {@link TargetUnreachableException} when the server refused, or another {@link TunnelException} naming
     *     the hop
     */
    public CompletableFuture<RemoteCommand> exec(String command) {
        Objects.requireNonNull(command, "command");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new TunnelException(route.toString(), "the JumpHost is closed",
                    null));
        }
        CompletableFuture<HopSession> last = runtime.lastSession();
        if (last == null) {
            return CompletableFuture.failedFuture(new UnsupportedHopOperationException("direct",
                    "a direct route has no hop to run a command on", null));
        }
        if (audit.isRefusing()) {
            return CompletableFuture.failedFuture(new AuditUnavailableException(Hops.describe(runtime.lastHop()),
                    "refused: a fail-closed audit sink is failing", null));
        }
        return deliver(last.thenCompose(s -> {
            if (!(s instanceof ExecCapableSession e)) {
                return CompletableFuture.<ExecCapableSession.ExecChannel>failedFuture(
                        new UnsupportedHopOperationException(Hops.describe(runtime.lastHop()), "a "
                                + runtime.lastHop().transport() + " hop cannot run commands", null));
            }
            return e.exec(command, runtime.hopInfos());
        }).thenApply(ec -> {
            RemoteCommandImpl c = new RemoteCommandImpl(command, ec, Hops.describe(runtime.lastHop()) + " exec",
                    callbacks);
            commands.add(c);
            ec.channel().closeFuture().addListener(f -> commands.remove(c));
            return c;
        }), RemoteCommand::close);
    }

    /**
     * Runs a command on the last hop as {@link #exec(String)} does, waiting at most {@code timeout} for it to
     * start.
     *
     * @throws TunnelTimeoutException if it did not start in time
     * @throws TunnelException if the hop cannot or would not run it; the message names the hop
     */
    public RemoteCommand exec(String command, Duration timeout) throws IOException {
        CompletableFuture<RemoteCommand> f = exec(command);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.thenAccept(RemoteCommand::close);
            throw new TunnelTimeoutException(route.toString(), "command not started within " + timeout.toMillis()
                    + " ms", e);
        } catch (ExecutionException e) {
            throw asIo(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.thenAccept(RemoteCommand::close);
            throw new InterruptedIOException("interrupted while starting a command on " + route);
        }
    }

    /**
     * Asks the last hop of the route to listen on {@code bindAddress:port} and relays each connection it accepts to
     * {@code target}, reached from this machine, as {@code ssh -R [bind:]port:host:hostport} does. With port 0 the
     * hop picks a port, which {@link RemoteForward#remotePort()} reports. The bind address is as the server
     * understands it ({@code ""} for all addresses, {@code localhost}; OpenSSH's {@code GatewayPorts} decides
     * whether a wider one is honoured).
     *
     * @return a future completing once the hop listens, or failing with {@link RemoteForwardRefusedException}
     *     naming the hop when it refused, {@link UnsupportedHopOperationException} when the last hop cannot listen
     *     (SSM, a command hop, a direct route), or another {@link TunnelException}
     */
    public CompletableFuture<RemoteForward> remoteForward(String bindAddress, int port, Target target) {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(target, "target");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        return remoteForward(bindAddress, port, null, target);
    }

    /**
     * Asks the last hop to listen on the Unix socket {@code remotePath} of its machine
     * ({@code streamlocal-forward@openssh.com}) and relays each connection to {@code target}, as
     * {@code ssh -R /path:host:port} does; see {@link #remoteForward(String, int, Target)}.
     */
    public CompletableFuture<RemoteForward> remoteForwardUnix(String remotePath, Target target) {
        Objects.requireNonNull(remotePath, "remotePath");
        Objects.requireNonNull(target, "target");
        return remoteForward(null, 0, remotePath, target);
    }

    /**
     * Asks the last hop to listen as {@link #remoteForward(String, int, Target)} does, waiting at most
     * {@code timeout}.
     *
     * @throws RemoteForwardRefusedException if the hop refused; the message names it
     * @throws TunnelTimeoutException if the hop did not answer in time
     */
    public RemoteForward remoteForward(String bindAddress, int port, Target target, Duration timeout)
            throws IOException {
        CompletableFuture<RemoteForward> f = remoteForward(bindAddress, port, target);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.thenAccept(RemoteForward::close);
            throw new TunnelTimeoutException(route.toString(), "remote forward not listening within "
                    + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw asIo(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.thenAccept(RemoteForward::close);
            throw new InterruptedIOException("interrupted while asking " + route + " to listen");
        }
    }

    private CompletableFuture<RemoteForward> remoteForward(String bindAddress, int port, String unixPath,
            Target target) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new TunnelException(route.toString(), "the JumpHost is closed",
                    null));
        }
        CompletableFuture<HopSession> last = runtime.lastSession();
        if (last == null) {
            return CompletableFuture.failedFuture(new UnsupportedHopOperationException("direct",
                    "a direct route has no hop to listen on", null));
        }
        return deliver(last.thenCompose(s -> {
            if (!(s instanceof RemoteForwardingSession r)) {
                return CompletableFuture.<RemoteForward>failedFuture(new UnsupportedHopOperationException(
                        Hops.describe(runtime.lastHop()), "a " + runtime.lastHop().transport()
                                + " hop cannot listen for remote forwards", null));
            }
            return RemoteForwardImpl.listen(r, bindAddress, port, unixPath, target, opener, clock);
        }).thenApply(f -> {
            forwards.add(f);
            return f;
        }), RemoteForward::close);
    }

    /**
     * Returns a socket factory whose sockets, on {@code connect(host:port)}, open a stream to that target through
     * the route. The host name is resolved by the last hop.
     */
    public SocketFactory socketFactory() {
        return new TunnelSocketFactory(t -> openConnection(t, true));
    }

    private static IOException asIo(Throwable t) {
        if (t instanceof IOException) {
            return (IOException) t;
        }
        return new IOException(t.getMessage(), t);
    }

    /**
     * Closes as {@link #close(Duration)} does, within {@link #DEFAULT_CLOSE_TIMEOUT}; never throws.
     */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Closes forwards and streams, hop sessions, the audit sinks it owns (after delivering what is queued and
     * flushing every sink) and the event loops it created, returning after at most about {@code timeout} (plus a
     * few milliseconds per step). What has not finished by then (a hop that does not answer its disconnect, a sink
     * that blocks in {@code flush} or {@code close}) is left to finish on daemon threads and logged. Never throws;
     * a second call returns at once.
     */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (java.io.Closeable f : forwards) {
            try {
                f.close();
            } catch (IOException | RuntimeException e) {
                // Forwards never throw from close; closing goes on regardless.
            }
        }
        for (TunnelConnection c : new ArrayList<>(connections)) {
            c.close();
        }
        for (RemoteCommand c : new ArrayList<>(commands)) {
            c.close();
        }
        try {
            // Hops get at most half of what is left, so that a hop that never answers its disconnect cannot take
            // the audit's time: session.end and the records before it matter more.
            runtime.close().get(Math.max(1, remainingMs(deadline) / 2), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Reported through hop.disconnect; closing goes on.
        }
        Instant now = clock.instant();
        audit.emit(new SessionEnded(audit.header(), Outcome.SUCCESS, Reason.of(ReasonCode.CLOSED_BY_APPLICATION),
                runtime.hopInfos(), started, Duration.between(started, now).toMillis(), opener.totalBytesUp(),
                opener.totalBytesDown()));
        audit.close(Duration.ofMillis(remainingMs(deadline)));
        if (ownsGroup) {
            long left = remainingMs(deadline);
            group.shutdownGracefully(0, Math.min(2000, left), TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(left, TimeUnit.MILLISECONDS);
        }
        if (ownedCallbacks != null) {
            ownedCallbacks.shutdown(); // queued completions still run; its threads are daemons
        }
    }

    /** Milliseconds left until {@code deadline} (a {@code nanoTime}), at least 1 so that every step is tried. */
    private static long remainingMs(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Builds a {@link JumpHost}. Configuration is copied at {@link #build()}. */
    public static final class Builder {
        static {
            // The Netty-level path (dev.fumidai.spi.NettyOptions) sets the group through here: no public method of
            // this builder shows a Netty type.
            dev.fumidai.internal.JumpHostAccess.installGroupSetter((b, g) -> b.group = g);
        }

        private Route route;
        private Actor actor;
        private final List<AuditSink> sinks = new ArrayList<>();
        private final List<AuditSink> ownedSinks = new ArrayList<>();
        private EventLoopGroup group;
        private int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private Executor eventLoopExecutor;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
        private Clock clock = Clock.systemUTC();
        private String processName = ProcessHandle.current().info().command()
                .map(c -> c.substring(c.lastIndexOf('/') + 1)).orElse("java");
        private String emitterId;
        private int auditQueueCapacity = AuditDispatcher.DEFAULT_QUEUE_CAPACITY;
        private TunnelEventListener events = TunnelEventListener.NONE;
        private Executor callbackExecutor;

        private Builder() {
        }

        /** Sets the route (required; {@link Route#direct()} for none). */
        public Builder route(Route r) {
            this.route = Objects.requireNonNull(r, "route");
            return this;
        }

        /** Sets who acts, as a stable principal id (required), e.g. an SSO subject or {@code service:<name>}. */
        public Builder actor(String id) {
            this.actor = Actor.of(id);
            return this;
        }

        /** Sets who acts, with name, roles and MFA facts. */
        public Builder actor(Actor a) {
            this.actor = Objects.requireNonNull(a, "actor");
            return this;
        }

        /**
         * Adds an audit sink that the caller owns; events go to every sink, each under its own policy. The JumpHost
         * flushes it when it closes but does not close it: close it after closing the JumpHost (one sink may serve
         * several). To hand the sink over, use {@link #ownedAuditSink}.
         */
        public Builder auditSink(AuditSink sink) {
            this.sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /**
         * Adds an audit sink and hands it over: as {@link #auditSink}, and {@link JumpHost#close()} also closes it
         * (after its last event and a flush). For a sink made only for this JumpHost, such as a file or syslog sink
         * built in place.
         */
        public Builder ownedAuditSink(AuditSink sink) {
            auditSink(sink);
            this.ownedSinks.add(sink);
            return this;
        }

        /**
         * Sets the number of event loops the JumpHost creates (default: cores, at least 2). Each is one thread that
         * runs the I/O and crypto of its channels. To run the tunnels on an existing Netty event loop group, see
         * {@link dev.fumidai.spi.NettyOptions#eventLoopGroup}.
         */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads must be at least 1: " + n);
            }
            this.threads = n;
            return this;
        }

        /**
         * Runs the event loops on threads {@code e} supplies instead of daemon threads the JumpHost creates (e.g. to
         * name, group or account for them): each of the {@link #threads(int)} loops takes one thread from it and holds
         * it until {@link JumpHost#close()}, which shuts the loops down. The caller owns the executor and shuts it
         * down after closing the JumpHost; it must run each task on a thread of its own (a pool of at least
         * {@code threads} threads, or one thread per task), never inline.
         */
        public Builder eventLoopExecutor(Executor e) {
            this.eventLoopExecutor = Objects.requireNonNull(e, "eventLoopExecutor");
            return this;
        }

        /** Sets how long a TCP connect or a stream open through a hop may take (default 10 s). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d, "connectTimeout");
            return this;
        }

        /** Sets how long a hop's handshake and authentication may take (default 30 s). */
        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = Objects.requireNonNull(d, "handshakeTimeout");
            return this;
        }

        /** Sets how broken hop sessions are re-established (default: 3 attempts, 200 ms to 5 s backoff). */
        public Builder reconnectPolicy(ReconnectPolicy p) {
            this.reconnectPolicy = Objects.requireNonNull(p, "reconnectPolicy");
            return this;
        }

        /** Sets the clock for audit timestamps (tests). */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** Sets {@code origin.process.name} in audit records (default: the executable's name). */
        public Builder processName(String name) {
            this.processName = Objects.requireNonNull(name, "processName");
            return this;
        }

        /** Sets the emitter id that starts every {@code stream_id} (default: random {@code jh-xxxxxxxx}). */
        public Builder emitterId(String id) {
            this.emitterId = Objects.requireNonNull(id, "emitterId");
            return this;
        }

        /**
         * Sets the executor on which the futures this JumpHost returns complete, so callbacks such as
         * {@code thenAccept} run there and may block. The caller owns it and shuts it down after closing the
         * JumpHost. Default: a pool of up to 4 daemon threads that the JumpHost creates and shuts down on
         * {@link JumpHost#close()}. An executor that runs tasks inline ({@code Runnable::run}) would run callbacks
         * on an event loop: do not pass one.
         */
        public Builder callbackExecutor(Executor e) {
            this.callbackExecutor = Objects.requireNonNull(e, "callbackExecutor");
            return this;
        }

        /** Sets how many audit events may wait for the sinks before new ones are dropped and counted. */
        public Builder auditQueueCapacity(int n) {
            if (n < 16) {
                throw new IllegalArgumentException("auditQueueCapacity must be at least 16: " + n);
            }
            this.auditQueueCapacity = n;
            return this;
        }

        /**
         * Sets the telemetry listener (default: none). Its callbacks run on event loops and must never block; what
         * it throws is caught and logged. It is separate from audit: audit is the record, this is telemetry.
         */
        public Builder eventListener(TunnelEventListener l) {
            this.events = Objects.requireNonNull(l, "eventListener");
            return this;
        }

        /**
         * Returns the JumpHost. Nothing connects yet: hop sessions open on first use.
         *
         * @throws IllegalStateException if the route or the actor is missing
         */
        public JumpHost build() {
            if (route == null) {
                throw new IllegalStateException("a route is required (Route.direct() for none)");
            }
            if (actor == null) {
                throw new IllegalStateException("an actor is required: audit records must say who acted");
            }
            return new JumpHost(this);
        }
    }
}
