// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.CommandExit;
import dev.fumidai.HopDisconnectedException;
import dev.fumidai.Target;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelException;
import dev.fumidai.audit.ExecEnded;
import dev.fumidai.audit.ExecStarted;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.spi.AuditEmitter;
import dev.fumidai.spi.ExecCapableSession;
import dev.fumidai.spi.RemoteForwardingSession;
import dev.fumidai.RemoteForwardRefusedException;
import dev.fumidai.ssh.internal.message.SshWire;
import java.util.function.Consumer;
import dev.fumidai.spi.HopSession;
import dev.fumidai.ssh.internal.connection.ExitStatus;
import dev.fumidai.ssh.internal.connection.SshChannel;
import dev.fumidai.ssh.internal.connection.SshConnection;
import dev.fumidai.ssh.spi.SshExec;
import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Is an authenticated SSH connection to one hop: opens {@code direct-tcpip} (and
 * {@code direct-streamlocal@openssh.com} for Unix socket targets) channels through it, and runs commands on the
 * hop itself with {@link #exec}. {@link SshHop#connect} returns one, typed as the SPI's {@link HopSession}.
 *
 * <h2>Audit</h2>
 * {@link #exec} records {@code exec.start} when the server accepted or refused the command and
 * {@code exec.end} when its channel has closed (audit schema §1.2). The command line is a {@code sensitive}
 * field: it is in the event, and each sink hashes or redacts it as its redaction policy says. The {@code hops}
 * of these events hold this hop only when {@link #exec(String)} is called directly (a session does not know the
 * hops before it); {@code JumpHost.exec} passes the whole route through {@link #exec(String, List)}.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes the connection channel, which sends SSH_MSG_DISCONNECT and closes every SSH channel;
 * {@link #closeFuture()} then completes normally. When the connection breaks by itself, it completes
 * exceptionally with {@link HopDisconnectedException} naming the hop.
 */
public final class SshHopSession implements HopSession, ExecCapableSession, RemoteForwardingSession {

    private final Channel channel;
    private final SshConnection connection;
    private final HopInfo info;
    private final String connectionId;
    private final AuditEmitter audit;
    private final Clock clock;
    private final String where;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile boolean closing;

    SshHopSession(SshHop hop, Channel channel, SshConnection connection, HopInfo info, String connectionId,
            String where, AuditEmitter audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
        this.where = where;
        this.channel = channel;
        this.connection = connection;
        this.info = info;
        this.connectionId = connectionId;
        channel.closeFuture().addListener(f -> {
            if (closing) {
                closeFuture.complete(null);
                return;
            }
            // The connection layer knows why it ended (keepalive timeout, peer violation, disconnect): use its
            // exception when it has one, so the cause reaches the streams' owners.
            connection.terminated().completeOnTimeout(null, 1, java.util.concurrent.TimeUnit.SECONDS)
                    .whenComplete((cause, e) -> closeFuture.completeExceptionally(cause != null ? cause
                            : new HopDisconnectedException(where, "SSH connection closed", null)));
        });
    }

    @Override
    public CompletableFuture<Channel> open(Target target) {
        if (target.isUnixSocket()) {
            return connection.openDirectStreamlocal(target.path());
        }
        // The originator fields are informational (RFC 4254 §7.2); we report no local socket of our own.
        return connection.openDirectTcpip(target.host(), target.port(), "127.0.0.1", 0);
    }

    /**
     * Runs {@code command} on this hop in a new {@code session} channel (RFC 4254 §6.5), as {@code ssh host
     * command} does: no pseudo-terminal, no environment, the server's shell interprets the line.
     *
     * @return the running command once the server accepted it; failed with {@link TargetUnreachableException}
     *         when the server refused the channel or the command, or another {@link TunnelException} when the
     *         connection broke
     */
    public CompletableFuture<SshExec> exec(String command) {
        return startExec(command, List.of(info));
    }

    /**
     * Runs a command as {@link #exec(String)} does for {@code JumpHost.exec}, recording {@code hops} (the whole
     * route) in {@code exec.start} and {@code exec.end}.
     */
    @Override
    public CompletableFuture<ExecChannel> exec(String command, List<HopInfo> hops) {
        return startExec(command, hops).thenApply(e -> new ExecChannel(e.channel(), e.exitStatus().thenApply(s ->
                new CommandExit(s.status().isPresent() ? s.status().getAsInt() : null, s.signal().orElse(null),
                        s.coreDumped(), s.errorMessage()))));
    }

    private CompletableFuture<SshExec> startExec(String command, List<HopInfo> hops) {
        Objects.requireNonNull(command, "command");
        List<HopInfo> route = List.copyOf(hops);
        CompletableFuture<SshExec> result = new CompletableFuture<>();
        connection.openSession().whenComplete((ch, openError) -> {
            if (openError != null) {
                Throwable cause = unwrap(openError);
                audit.emit(new ExecStarted(audit.header(), Outcome.FAILURE, failureReason(cause), route,
                        connectionId, null, command));
                result.completeExceptionally(cause);
                return;
            }
            String channelId = connectionId + "/ch-" + ch.localId();
            ch.deliverExtendedData();
            ch.exec(command).whenComplete((ok, execError) -> {
                if (execError != null) {
                    Throwable cause = unwrap(execError);
                    audit.emit(new ExecStarted(audit.header(), Outcome.FAILURE, failureReason(cause), route,
                            connectionId, channelId, command));
                    ch.close();
                    result.completeExceptionally(cause);
                    return;
                }
                Instant started = clock.instant();
                audit.emit(new ExecStarted(audit.header(), Outcome.SUCCESS, null, route, connectionId,
                        channelId, command));
                CompletableFuture<SshExitStatus> exit = new CompletableFuture<>();
                ch.exitStatus().whenComplete((status, e) -> {
                    // Completes on the event loop once both sides sent CLOSE, so the byte counts are final.
                    ExitStatus s = status != null ? status : ExitStatus.unknown();
                    emitEnd(ch, channelId, command, s, started, route);
                    exit.complete(new SshExitStatus(s.status(), s.signal(), s.coreDumped(), s.errorMessage()));
                });
                if (!result.complete(new SshExec(command, ch, exit))) {
                    ch.close();
                }
            });
        });
        return result;
    }

    /** Is the global request that asks the server to listen on TCP (RFC 4254 §7.1). */
    static final String TCPIP_FORWARD = "tcpip-forward";
    static final String CANCEL_TCPIP_FORWARD = "cancel-tcpip-forward";
    /** Is the global request that asks the server to listen on a Unix socket (OpenSSH PROTOCOL §2.4). */
    static final String STREAMLOCAL_FORWARD = "streamlocal-forward@openssh.com";
    static final String CANCEL_STREAMLOCAL_FORWARD = "cancel-streamlocal-forward@openssh.com";

    /**
     * Asks the server to listen on {@code bindAddress:port} ({@code tcpip-forward}, RFC 4254 §7.1) and accepts its
     * {@code forwarded-tcpip} channels for that port only; with port 0 the reply carries the allocated port.
     */
    @Override
    public CompletableFuture<Listening> listenTcp(String bindAddress, int port, Consumer<IncomingStream> acceptor) {
        SshConnection.ForwardAcceptor fa = (ch, origin, originPort) -> acceptor.accept(
                new IncomingStream(ch, origin, originPort));
        // A fixed port is registered before asking, so no connection can arrive unrecognised; port 0 is registered
        // when the reply is read, on the event loop, before the next message.
        CompletableFuture<Void> pre = port != 0 ? connection.remoteForward("tcp:" + port, fa)
                : CompletableFuture.completedFuture(null);
        return pre.thenCompose(v -> connection.globalRequest(TCPIP_FORWARD, b -> {
            SshWire.writeString(b, bindAddress);
            SshWire.writeUint32(b, port);
        })).thenCompose(reply -> {
            if (reply == null) {
                if (port != 0) {
                    connection.remoteForward("tcp:" + port, null);
                }
                return CompletableFuture.failedFuture(new RemoteForwardRefusedException(where,
                        "the server refused to listen on " + bindAddress + ":" + port + " (" + TCPIP_FORWARD + ")",
                        null));
            }
            if (port != 0) {
                return CompletableFuture.completedFuture(new TcpListening(bindAddress, port));
            }
            if (reply.length < 4) {
                return CompletableFuture.failedFuture(new RemoteForwardRefusedException(where,
                        "the server listens but did not say on which port (RFC 4254 §7.1)", null));
            }
            int bound = ((reply[0] & 0xff) << 24) | ((reply[1] & 0xff) << 16) | ((reply[2] & 0xff) << 8)
                    | (reply[3] & 0xff);
            return connection.remoteForward("tcp:" + bound, fa).thenApply(x -> new TcpListening(bindAddress, bound));
        });
    }

    /** Asks the server to listen on the Unix socket {@code path} ({@code streamlocal-forward@openssh.com}). */
    @Override
    public CompletableFuture<Listening> listenUnix(String path, Consumer<IncomingStream> acceptor) {
        SshConnection.ForwardAcceptor fa = (ch, origin, originPort) -> acceptor.accept(
                new IncomingStream(ch, "", 0));
        return connection.remoteForward("unix:" + path, fa).thenCompose(v -> connection.globalRequest(
                STREAMLOCAL_FORWARD, b -> SshWire.writeString(b, path))).thenCompose(reply -> {
                    if (reply == null) {
                        connection.remoteForward("unix:" + path, null);
                        return CompletableFuture.failedFuture(new RemoteForwardRefusedException(where,
                                "the server refused to listen on " + path + " (" + STREAMLOCAL_FORWARD + ")", null));
                    }
                    return CompletableFuture.completedFuture(new UnixListening(path));
                });
    }

    private final class TcpListening implements Listening {
        private final String address;
        private final int port;

        TcpListening(String address, int port) {
            this.address = address;
            this.port = port;
        }

        @Override
        public String bindAddress() {
            return address;
        }

        @Override
        public int boundPort() {
            return port;
        }

        @Override
        public boolean isUnixSocket() {
            return false;
        }

        @Override
        public CompletableFuture<Void> cancel() {
            return connection.remoteForward("tcp:" + port, null).thenCompose(v -> connection.globalRequest(
                    CANCEL_TCPIP_FORWARD, b -> {
                        SshWire.writeString(b, address);
                        SshWire.writeUint32(b, port);
                    })).thenCompose(reply -> reply != null ? CompletableFuture.<Void>completedFuture(null)
                            : CompletableFuture.failedFuture(new RemoteForwardRefusedException(where,
                                    "the server refused to cancel the forward on " + address + ":" + port, null)));
        }
    }

    private final class UnixListening implements Listening {
        private final String path;

        UnixListening(String path) {
            this.path = path;
        }

        @Override
        public String bindAddress() {
            return path;
        }

        @Override
        public int boundPort() {
            return 0;
        }

        @Override
        public boolean isUnixSocket() {
            return true;
        }

        @Override
        public CompletableFuture<Void> cancel() {
            return connection.remoteForward("unix:" + path, null).thenCompose(v -> connection.globalRequest(
                    CANCEL_STREAMLOCAL_FORWARD, b -> SshWire.writeString(b, path))).thenCompose(reply ->
                            reply != null ? CompletableFuture.<Void>completedFuture(null)
                                    : CompletableFuture.failedFuture(new RemoteForwardRefusedException(where,
                                            "the server refused to cancel the forward on " + path, null)));
        }
    }

    private void emitEnd(SshChannel ch, String channelId, String command, ExitStatus status, Instant started,
            List<HopInfo> route) {
        Outcome outcome;
        Reason reason;
        if (status.status().isPresent()) {
            int code = status.status().getAsInt();
            outcome = code == 0 ? Outcome.SUCCESS : Outcome.FAILURE;
            reason = code == 0 ? Reason.of(ReasonCode.CLOSED_BY_SERVER)
                    : Reason.of(ReasonCode.CLOSED_BY_SERVER, "exit status " + code);
        } else if (status.signal().isPresent()) {
            outcome = Outcome.FAILURE;
            reason = Reason.of(ReasonCode.CLOSED_BY_SERVER, "killed by signal " + status.signal().get()
                    + (status.coreDumped() ? " (core dumped)" : ""));
        } else if (closing) {
            outcome = Outcome.FAILURE;
            reason = Reason.of(ReasonCode.CLOSED_BY_CLIENT, "the hop session was closed before the command ended");
        } else if (connection.isOpen()) {
            // The channel closed without an exit status: we closed it early, or the server did not say.
            outcome = Outcome.FAILURE;
            reason = Reason.of(ReasonCode.CLOSED_BY_CLIENT, "channel closed without an exit status");
        } else {
            outcome = Outcome.ERROR;
            reason = Reason.of(ReasonCode.NETWORK_ERROR, "the SSH connection ended before the command did");
        }
        Instant now = clock.instant();
        audit.emit(new ExecEnded(audit.header(), outcome, reason, route, connectionId, channelId, command,
                status.status().isPresent() ? status.status().getAsInt() : null, status.signal().orElse(null),
                started, Math.max(0, Duration.between(started, now).toMillis()), ch.bytesSent(),
                ch.bytesReceived()));
    }

    private static Reason failureReason(Throwable cause) {
        ReasonCode code = cause instanceof TargetUnreachableException ? ReasonCode.TARGET_UNREACHABLE
                : ReasonCode.NETWORK_ERROR;
        return Reason.of(code, cause);
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public boolean isOpen() {
        return !closing && channel.isActive() && connection.isOpen();
    }

    @Override
    public HopInfo info() {
        return info;
    }

    @Override
    public String connectionId() {
        return connectionId;
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public CompletableFuture<Void> close() {
        closing = true;
        channel.close();
        return closeFuture;
    }

    @Override
    public String toString() {
        return "SshHopSession[" + info.name() + ", " + connectionId + "]";
    }
}
