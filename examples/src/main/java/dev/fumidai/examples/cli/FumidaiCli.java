// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples.cli;

import dev.fumidai.DynamicForward;
import dev.fumidai.ForwardOptions;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.ReconnectPolicy;
import dev.fumidai.RemoteForward;
import dev.fumidai.RemoteForwardRefusedException;
import dev.fumidai.UnsupportedHopOperationException;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.file.FileAuditSink;
import dev.fumidai.ssh.config.ResolvedSshConfig;
import dev.fumidai.examples.cli.CliOptions.DynamicSpec;
import dev.fumidai.examples.cli.CliOptions.ForwardSpec;
import dev.fumidai.examples.cli.CliOptions.RemoteSpec;
import dev.fumidai.examples.cli.CliOptions.UsageException;
import io.netty.channel.EventLoopGroup;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Is the {@code fumidai} command: {@code ssh -J}-style tunnels from the command line, for ops use and scripts.
 * {@code -W host:port} joins standard input and output to the target (so it works as another tool's
 * {@code ProxyCommand}); {@code -L} listens locally and relays each connection, until the process is stopped.
 * The exit status says what failed ({@link ExitCode}); messages go to standard error and name the hop.
 *
 * <p>Run it from its distribution ({@code bin/fumidai} of {@code examples/target/fumidai-VERSION.tar.gz}), as
 * {@code examples/bin/fumidai ...} in a built checkout, or as {@code java -jar examples/target/fumidai-demo-cli.jar
 * ...}; {@code --help} documents every flag.
 */
public final class FumidaiCli {

    private final InputStream in;
    private final OutputStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final boolean terminal;

    /**
     * Creates a command that reads {@code -W} input from {@code in}, writes {@code -W} output to {@code out} and
     * messages to {@code err}, and never prompts (no terminal, no {@code SSH_ASKPASS}).
     */
    public FumidaiCli(InputStream in, OutputStream out, PrintStream err) {
        this(in, out, err, Map.of(), false);
    }

    /**
     * Creates a command as {@link #FumidaiCli(InputStream, OutputStream, PrintStream)} does that may prompt for
     * passphrases and passwords: through {@code SSH_ASKPASS} as {@code env} says (see {@code Prompts}), and on the
     * process's terminal if {@code terminal} is true and one is attached.
     */
    public FumidaiCli(InputStream in, OutputStream out, PrintStream err, Map<String, String> env, boolean terminal) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.terminal = terminal;
    }

    /**
     * Runs the command and exits with its status; {@code -L} runs until the process gets SIGINT, SIGTERM or
     * SIGHUP, and such a signal also ends a {@code -W} stream.
     */
    public static void main(String[] args) {
        // Library warnings go to standard error through slf4j-simple; -v raises the level. Set before any logger.
        int v = 0;
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.matches("-v+")) {
                v += a.length() - 1;
            }
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", v == 0 ? "warn" : v == 1 ? "info"
                : v == 2 ? "debug" : "trace");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread hook = new Thread(() -> {
            stop.complete(null);
            try {
                done.get(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // Exiting anyway.
            }
        }, "fumidai-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status;
        try {
            status = new FumidaiCli(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                    System.err, System.getenv(), true).run(args, stop, f -> { });
        } finally {
            done.complete(0);
        }
        System.exit(status);
    }

    /**
     * Is every listener a forwarding command opened: {@code -L}, {@code -D} and {@code -R}, with those from
     * ssh_config, in order.
     */
    public record Listening(List<LocalForward> local, List<DynamicForward> dynamic, List<RemoteForward> remote) {

        /** Copies the lists. */
        public Listening {
            local = List.copyOf(local);
            dynamic = List.copyOf(dynamic);
            remote = List.copyOf(remote);
        }
    }

    /**
     * Runs a command line and returns its exit status.
     *
     * @param stop completes when an {@code -L} command should stop listening and return
     * @param ready receives the bound {@code -L} listeners once all are listening
     */
    public int run(String[] args, CompletableFuture<?> stop, Consumer<List<LocalForward>> ready) {
        return runListening(args, stop, l -> ready.accept(l.local()));
    }

    /**
     * Runs a command line as {@link #run(String[], CompletableFuture, Consumer)} does; {@code ready} receives every
     * {@code -L}, {@code -D} and {@code -R} listener once all listen.
     */
    public int runListening(String[] args, CompletableFuture<?> stop, Consumer<Listening> ready) {
        CliOptions o;
        try {
            o = CliOptions.parse(args);
        } catch (UsageException e) {
            err.println("fumidai: " + e.getMessage());
            err.println("usage: fumidai [-NvV] [-J route] [-F config] [-i identity] [-o Keyword=value] "
                    + "[--known-hosts file] [--audit-file dir] [--actor id] (-W host:port | -L/-D/-R spec...) "
                    + "[[user@]host]   (--help for more)");
            return ExitCode.USAGE.status();
        }
        if (o.help() || o.version()) {
            err.flush();
            PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
            p.print(o.help() ? help() : versionLine() + System.lineSeparator());
            p.flush();
            return ExitCode.OK.status();
        }
        Prompts prompts = o.batchMode() ? Prompts.none()
                : Prompts.of(false, env, terminal ? Prompts.systemTerminal() : null);
        CliRoute.Built built;
        try {
            built = CliRoute.build(o, System.getProperty("user.name", "root"),
                    Path.of(System.getProperty("user.home")), prompts);
        } catch (UsageException e) {
            err.println("fumidai: " + e.getMessage());
            return ExitCode.USAGE.status();
        } catch (CliRoute.ConfigException e) {
            err.println("fumidai: " + e.getMessage());
            return ExitCode.CONFIG.status();
        }
        try {
            o = withConfigForwards(o, built);
        } catch (UsageException e) {
            err.println("fumidai: " + e.getMessage());
            return ExitCode.CONFIG.status();
        }
        if (o.stdio() == null && o.forwards().isEmpty() && o.dynamicForwards().isEmpty()
                && o.remoteForwards().isEmpty()) {
            err.println("fumidai: nothing to do: give -W host:port or at least one -L, -D or -R, or set"
                    + " LocalForward, RemoteForward or DynamicForward for the destination in ssh_config");
            return ExitCode.USAGE.status();
        }
        if (o.verbosity() > 0) {
            err.println("fumidai: route " + built.route());
        }
        Duration timeout = Duration.ofSeconds(o.connectTimeoutSeconds() > 0 ? o.connectTimeoutSeconds()
                : CliOptions.DEFAULT_CONNECT_TIMEOUT_SECONDS);
        Duration tcp = built.connectTimeout().orElse(Duration.ofSeconds(10));
        JumpHost.Builder b = JumpHost.builder().route(built.route())
                .actor(o.actor() != null ? o.actor() : "user:" + System.getProperty("user.name", "unknown"))
                .processName("fumidai")
                .threads(2)
                .connectTimeout(tcp.compareTo(timeout) < 0 ? tcp : timeout)
                .handshakeTimeout(timeout)
                // -W fails with one message and its exit status; -L reports each failed connection as it happens.
                .ownedAuditSink(new StderrAuditSink(err, o.verbosity() > 0, o.stdio() == null));
        if (o.stdio() != null) {
            // One stream: a script wants the failure now, not after the reconnect backoff.
            b.reconnectPolicy(ReconnectPolicy.none());
        }
        // The checkpoint sink is closed after the JumpHost has closed (and so flushed) the log it anchors.
        FileAuditSink checkpoints = null;
        try {
            if (o.auditDir() != null) {
                Path dir = Path.of(o.auditDir());
                FileAuditSink.Builder fb = FileAuditSink.builder(dir).name("fumidai-cli");
                if (o.auditKey() != null) {
                    KeyPair key = AuditKeys.readEd25519(Path.of(o.auditKey()));
                    checkpoints = FileAuditSink.builder(dir.resolve("checkpoints")).name("checkpoints")
                            .filePrefix("checkpoints").checkpointInterval(null).build();
                    fb.checkpoints(key, checkpoints);
                }
                b.ownedAuditSink(fb.build());
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            err.println("fumidai: --audit-file " + o.auditDir() + ": " + e.getMessage());
            closeQuietly(checkpoints);
            return ExitCode.CONFIG.status();
        }
        try {
            return open(b, o, timeout, stop, ready);
        } finally {
            closeQuietly(checkpoints);
        }
    }

    /**
     * Adds the destination's ssh_config {@code LocalForward}, {@code RemoteForward} and {@code DynamicForward} lines
     * (and {@code -o} ones) after the command line's, as ssh does; with {@code -W} they are ignored, as ssh clears
     * forwardings for {@code -W}.
     *
     * @throws UsageException naming the keyword if a line is malformed
     */
    static CliOptions withConfigForwards(CliOptions o, CliRoute.Built built) throws UsageException {
        ResolvedSshConfig c = built.destination();
        if (o.stdio() != null || c == null || (c.localForwards().isEmpty() && c.remoteForwards().isEmpty()
                && c.dynamicForwards().isEmpty())) {
            return o;
        }
        List<ForwardSpec> local = new ArrayList<>(o.forwards());
        for (String line : c.localForwards()) {
            local.add(CliOptions.forward(colons(line), "ssh_config LocalForward"));
        }
        List<DynamicSpec> dynamic = new ArrayList<>(o.dynamicForwards());
        for (String line : c.dynamicForwards()) {
            dynamic.add(CliOptions.dynamicForward(colons(line), "ssh_config DynamicForward"));
        }
        List<RemoteSpec> remote = new ArrayList<>(o.remoteForwards());
        for (String line : c.remoteForwards()) {
            remote.add(CliOptions.remoteForward(colons(line), "ssh_config RemoteForward"));
        }
        return new CliOptions(o.jump(), local, dynamic, remote, o.stdio(), o.configFile(), o.identities(),
                o.options(), o.port(), o.login(), o.verbosity(), o.knownHosts(), o.auditDir(), o.auditKey(),
                o.actor(), o.connectTimeoutSeconds(), o.help(), o.destination(), o.version(), o.batchMode(),
                o.awsProfile(), o.awsRegion());
    }

    /** Turns ssh_config's {@code listen target} (two words) into the command line's {@code listen:target}. */
    private static String colons(String line) {
        return line.strip().replaceAll("\\s+", ":");
    }

    private int open(JumpHost.Builder b, CliOptions o, Duration timeout, CompletableFuture<?> stop,
            Consumer<Listening> ready) {
        JumpHost jh;
        try {
            jh = b.build();
        } catch (IllegalArgumentException e) {
            err.println("fumidai: " + e.getMessage());
            return ExitCode.USAGE.status();
        }
        try (jh) {
            // Each hop's session on SIGUSR1 (where the JVM lets us handle it), and with -v at exit.
            Runnable printStatus = () -> printStatus(jh);
            Object previous = onStatusSignal(printStatus);
            try {
                return o.stdio() != null ? stdio(jh, o, timeout, stop) : forward(jh, o, timeout, stop, ready);
            } finally {
                restoreStatusSignal(previous);
                if (o.verbosity() > 0) {
                    printStatus.run();
                }
            }
        } catch (IOException e) {
            err.println("fumidai: " + e.getMessage());
            return ExitCode.of(e).status();
        } catch (RuntimeException e) {
            err.println("fumidai: unexpected error: " + e);
            return ExitCode.ERROR.status();
        }
    }

    /** Prints one {@code fumidai: status} line per hop (none for a direct route). */
    private void printStatus(JumpHost jh) {
        for (dev.fumidai.HopStatus st : jh.status()) {
            err.println("fumidai: status " + st);
        }
    }

    /**
     * Installs a SIGUSR1 handler that runs {@code action}, returning the handler it replaced, or {@code null} when
     * this JVM or platform has no such signal for us (sun.misc.Signal is unsupported API: guarded).
     */
    private static Object onStatusSignal(Runnable action) {
        try {
            return sun.misc.Signal.handle(new sun.misc.Signal("USR1"), sig -> action.run());
        } catch (IllegalArgumentException | LinkageError | SecurityException e) {
            return null;
        }
    }

    private static void restoreStatusSignal(Object previous) {
        if (previous instanceof sun.misc.SignalHandler h) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("USR1"), h);
            } catch (IllegalArgumentException | LinkageError | SecurityException e) {
                // Nothing to restore on this platform.
            }
        }
    }

    private void closeQuietly(FileAuditSink sink) {
        if (sink != null) {
            try {
                sink.close();
            } catch (IOException e) {
                err.println("fumidai: closing the audit checkpoints: " + e.getMessage());
            }
        }
    }

    private int stdio(JumpHost jh, CliOptions o, Duration timeout, CompletableFuture<?> stop) throws IOException {
        Target target = Target.of(o.stdio().host(), o.stdio().port());
        try (TunnelConnection c = jh.connect(target, timeout)) {
            // A signal (ssh sends its ProxyCommand SIGHUP when it is done) ends the stream, so the JVM exits now.
            stop.thenRun(c::close);
            if (o.verbosity() > 0) {
                err.println("fumidai: stdio connected to " + target);
            }
            Thread up = new Thread(() -> pumpUp(c), "fumidai-stdin");
            up.setDaemon(true);
            up.start();
            byte[] buf = new byte[32 * 1024];
            InputStream fromTarget = c.inputStream();
            int n;
            while ((n = fromTarget.read(buf)) >= 0) {
                try {
                    out.write(buf, 0, n);
                    out.flush();
                } catch (IOException e) {
                    // Standard output closed: the consumer (e.g. the ssh that runs us as ProxyCommand) is gone.
                    return ExitCode.OK.status();
                }
            }
            return ExitCode.OK.status();
        }
    }

    private void pumpUp(TunnelConnection c) {
        byte[] buf = new byte[32 * 1024];
        try {
            OutputStream toTarget = c.outputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                toTarget.write(buf, 0, n);
                toTarget.flush();
            }
            c.shutdownOutput();
        } catch (IOException e) {
            // The tunnel closed under us; the reading side reports why.
            c.shutdownOutput();
        }
    }

    private int forward(JumpHost jh, CliOptions o, Duration timeout, CompletableFuture<?> stop,
            Consumer<Listening> ready) throws IOException {
        // As ssh -L does, connect the route before listening: a bad hop ends the command now, with its status,
        // rather than at each connection. The sessions stay up and carry the forwarded connections.
        jh.connectHops(timeout);
        if (o.verbosity() > 0) {
            err.println("fumidai: connected " + jh.route());
        }
        List<LocalForward> listening = new ArrayList<>();
        for (ForwardSpec f : o.forwards()) {
            ForwardOptions.Builder fo = ForwardOptions.builder().bindPort(f.bindPort());
            if (f.bindAddress() != null) {
                fo.bindAddress(f.bindAddress());
            }
            Target target = Target.of(f.target().host(), f.target().port());
            try {
                LocalForward lf = jh.forward(target, fo.build());
                listening.add(lf);
                err.println("fumidai: forwarding " + hostPort(lf) + " -> " + f.target());
            } catch (IOException | IllegalArgumentException e) {
                err.println("fumidai: -L " + (f.bindAddress() != null ? f.bindAddress() + ":" : "") + f.bindPort()
                        + ":" + f.target() + ": cannot listen: " + e.getMessage());
                return ExitCode.LOCAL_BIND.status();
            }
        }
        List<DynamicForward> socks = new ArrayList<>();
        for (DynamicSpec d : o.dynamicForwards()) {
            ForwardOptions.Builder fo = ForwardOptions.builder().bindPort(d.bindPort());
            if (d.bindAddress() != null) {
                fo.bindAddress(d.bindAddress());
            }
            try {
                DynamicForward df = jh.socks(fo.build());
                socks.add(df);
                err.println("fumidai: SOCKS proxy on " + hostPort(df.localAddress().getAddress().getHostAddress(),
                        df.localPort()));
            } catch (IOException | IllegalArgumentException e) {
                err.println("fumidai: -D " + (d.bindAddress() != null ? d.bindAddress() + ":" : "") + d.bindPort()
                        + ": cannot listen: " + e.getMessage());
                return ExitCode.LOCAL_BIND.status();
            }
        }
        List<RemoteForward> remote = new ArrayList<>();
        for (RemoteSpec r : o.remoteForwards()) {
            Target target = r.targetSocket() != null ? Target.unixSocket(r.targetSocket())
                    : Target.of(r.target().host(), r.target().port());
            try {
                RemoteForward rf;
                if (r.remoteSocket() != null) {
                    rf = waitFor(jh.remoteForwardUnix(r.remoteSocket(), target), timeout, jh);
                } else {
                    // Without a bind address ssh asks for "localhost": loopback only, whatever GatewayPorts says.
                    rf = jh.remoteForward(r.bindAddress() == null ? "localhost" : r.bindAddress(), r.bindPort(),
                            target, timeout);
                }
                remote.add(rf);
                String where = rf.remoteSocketPath() != null ? rf.remoteSocketPath()
                        : hostPort(rf.remoteAddress().isEmpty() ? "*" : rf.remoteAddress(), rf.remotePort());
                err.println("fumidai: remote forwarding " + where + " -> " + r.targetSide());
            } catch (RemoteForwardRefusedException e) {
                err.println("fumidai: -R " + r.listenSide() + ":" + r.targetSide() + ": " + e.getMessage());
                return ExitCode.LOCAL_BIND.status();
            } catch (UnsupportedHopOperationException e) {
                err.println("fumidai: -R " + r.listenSide() + ":" + r.targetSide() + ": " + e.getMessage());
                return ExitCode.USAGE.status();
            }
        }
        ready.accept(new Listening(listening, socks, remote));
        try {
            stop.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Stopping either way.
        }
        return ExitCode.OK.status();
    }

    private static String hostPort(LocalForward lf) {
        return hostPort(lf.localAddress().getAddress().getHostAddress(), lf.localPort());
    }

    private static String hostPort(String a, int port) {
        return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + port;
    }

    /** Waits for a Unix-socket remote forward as {@code JumpHost.remoteForward(..., timeout)} does for TCP. */
    private static RemoteForward waitFor(CompletableFuture<RemoteForward> f, Duration timeout, JumpHost jh)
            throws IOException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.thenAccept(RemoteForward::close);
            throw new dev.fumidai.TunnelTimeoutException(jh.route().toString(), "remote forward not listening"
                    + " within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(c), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.thenAccept(RemoteForward::close);
            throw new java.io.InterruptedIOException("interrupted while asking the last hop to listen");
        }
    }

    /** Returns what {@code --version} prints: the command's version, then the Java runtime's and the OS's. */
    static String versionLine() {
        String version = "unknown";
        try (InputStream v = FumidaiCli.class.getResourceAsStream("version.properties")) {
            if (v != null) {
                Properties p = new Properties();
                p.load(v);
                version = p.getProperty("version", version);
            }
        } catch (IOException e) {
            // Keep "unknown".
        }
        return "fumidai " + version + " (Java " + Runtime.version() + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ")";
    }

    /** Returns the {@code --help} text: every flag and every exit status. */
    static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                usage: fumidai [flags] -W host:port [[user@]host]
                       fumidai [flags] -L [bind_address:]port:host:hostport... [[user@]host]
                       fumidai [flags] [-L spec] [-D [bind_address:]port] [-R spec]... [[user@]host]

                Opens a tunnel through a route of jump hosts (SSH bastions, AWS SSM) like ssh -J, without ssh.
                The route is the -J hops, then the destination [user@]host if given (it becomes the last hop:
                -W and -L targets are reached from there). Host keys are always checked against known_hosts:
                an unknown or changed key fails; no flag accepts any key.

                  -W host:port      join standard input and output to host:port through the route, until the
                                    target closes. Works as ProxyCommand:
                                      ssh -o ProxyCommand='fumidai -W %h:%p -J bastion' db-host
                  -L [bind_address:]port:host:hostport
                                    listen on bind_address:port (default 127.0.0.1; * for all; port 0 picks
                                    one) and relay each connection to host:hostport through the route.
                                    Repeatable. Prints "fumidai: forwarding ADDR:PORT -> host:hostport" on
                                    standard error per listener, then runs until SIGINT or SIGTERM (exit
                                    status 130 or 143, as for any program a signal ends). Every hop is
                                    connected first, as ssh does, so a bad route exits with its status
                                    before anything listens; a later failure (a target refused, a hop
                                    lost) is printed per connection and the listener stays up.
                  -D [bind_address:]port
                                    listen (default 127.0.0.1; * for all; port 0 picks one) as a SOCKS4a/5
                                    proxy whose CONNECTs go through the route, names resolved by the last
                                    hop: curl --socks5-hostname 127.0.0.1:1080 http://intranet/
                                    Repeatable; prints "fumidai: SOCKS proxy on ADDR:PORT".
                  -R [bind_address:]port:host:hostport
                                    ask the last (SSH) hop to listen and relay each connection it accepts
                                    to host:hostport from this machine. No bind_address: loopback on the
                                    hop; * asks for all (the server's GatewayPorts decides). Port 0 lets
                                    the hop pick; prints "fumidai: remote forwarding ADDR:PORT -> target".
                                    Also -R /remote/socket:host:hostport, -R [bind_address:]port:/local/socket
                                    and -R /remote/socket:/local/socket. Repeatable. A hop that refuses
                                    exits 12; a lone [bind_address:]port (remote SOCKS) is not supported.
                                    -L, -D and -R combine; every hop is connected before any listens.
                                    With a destination, its ssh_config LocalForward, RemoteForward and
                                    DynamicForward lines (or -o "LocalForward 5432 db:5432") are added, as
                                    ssh does; the -J hops' lines are not, and -W ignores them.
                  -J route          comma-separated hops, first to last: ssh_config aliases,
                                    [user@]host[:port], ssh://[user@]host[:port] or ssm://... URIs. Each SSH
                                    hop is resolved through ssh_config; the first follows its own ProxyJump
                                    or ProxyCommand, later ones are reached through the hop before them.
                  -F file           ssh_config file (default ~/.ssh/config if it exists; "none" for none).
                  -i file           private key to offer, for every SSH hop (repeatable). Jump hosts get it
                                    too, unlike ssh -i.
                  -o Keyword=value  ssh_config option for every SSH hop, before the config file (first value
                                    wins). Unknown keywords are refused; Host, Match and Include are not allowed.
                  -p port           port of the destination.
                  -l user           user at the destination ([user@]host wins over -l).
                  -v                print the route and every audit event on standard error; -vv, -vvv also
                                    raise the library's log level to debug, trace.
                  -N                accepted and ignored, for ssh habits: fumidai never runs a remote
                                    command or shell, so there is nothing to leave out.
                  -o BatchMode=yes  never prompt (passphrases, passwords, keyboard-interactive): a hop that
                                    needs an answer fails with exit status 7. Read from the command line
                                    only, not from ssh_config.
                  --known-hosts file
                                    check host keys only against this known_hosts file (repeatable), instead
                                    of UserKnownHostsFile/GlobalKnownHostsFile or ~/.ssh/known_hosts.
                  --audit-file dir  also write audit records to dir as tamper-evident JSON Lines (fail-closed:
                                    no tunnel opens if the record cannot be written). Check it, in the
                                    distribution's directory, with
                                      java -cp 'lib/*' dev.fumidai.audit.verify.VerifyCommand dir
                                        dir/checkpoints --public-key public.pem
                  --audit-key file  sign checkpoints of the --audit-file log with this Ed25519 private key
                                    (PKCS#8 PEM, e.g. openssl genpkey -algorithm ed25519); they go to
                                    dir/checkpoints. Without it the log's hash chain is written unsigned.
                  --actor id        who acts, in every audit record (default user:<local user>).
                  --connect-timeout seconds
                                    the route and the target must open within this (default 30).
                  --profile name    AWS profile (as aws --profile) for every ssm:// hop without profile=.
                  --region region   AWS region (as aws --region) for every ssm:// hop without region=.
                  -h, --help        print this help and exit 0.
                  -V, --version     print the version (and the Java runtime's) on standard output, exit 0.
                  --                end of flags.

                Prompts: the passphrase of an encrypted key, a password or keyboard-interactive answers are
                asked on the terminal with echo off (standard input when it is the terminal, else /dev/tty, so
                it works as a ProxyCommand), or through the SSH_ASKPASS program as ssh does (used when no
                terminal can be opened and DISPLAY or WAYLAND_DISPLAY is set; SSH_ASKPASS_REQUIRE=force uses
                it always, prefer whenever DISPLAY allows, never not at all). Without a terminal or askpass,
                or with -o BatchMode=yes, nothing prompts: encrypted keys are skipped, password and
                keyboard-interactive are not offered.

                Standard output carries only -W data, --help and --version. Messages start with "fumidai: " and name the
                hop that failed, e.g.
                  fumidai: ssh hop "bastion-2" 127.0.0.1:2222: host key SHA256:... for bastion-2 rejected: ...

                exit status:
                """);
        for (ExitCode c : ExitCode.values()) {
            sb.append(String.format("  %2d  %s%n", c.status(), c.meaning()));
        }
        return sb.toString();
    }
}
