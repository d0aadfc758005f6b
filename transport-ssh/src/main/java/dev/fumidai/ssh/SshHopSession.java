package dev.fumidai.ssh;

import dev.fumidai.HopDisconnectedException;
import dev.fumidai.Target;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.spi.HopSession;
import dev.fumidai.ssh.internal.connection.SshConnection;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Is an authenticated SSH connection to one hop: opens {@code direct-tcpip} (and
 * {@code direct-streamlocal@openssh.com} for Unix socket targets) channels through it.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes the connection channel, which sends SSH_MSG_DISCONNECT and closes every SSH channel;
 * {@link #closeFuture()} then completes normally. When the connection breaks by itself, it completes
 * exceptionally with {@link HopDisconnectedException} naming the hop.
 */
final class SshHopSession implements HopSession {

    private final Channel channel;
    private final SshConnection connection;
    private final HopInfo info;
    private final String connectionId;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile boolean closing;

    SshHopSession(SshHop hop, Channel channel, SshConnection connection, HopInfo info, String connectionId,
            String where) {
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
