// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import dev.fumidai.Target;
import dev.fumidai.audit.HopInfo;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Is a live connection to one hop that opens streams to targets behind it. Many streams share one session.
 *
 * <h2>Streams</h2>
 * The channel that {@link #open} yields follows the contract of {@link StreamChannels}: active, registered,
 * {@code autoRead} off, {@code ByteBuf} messages, half-close through {@link io.netty.channel.socket.DuplexChannel},
 * writability that follows the transport's flow control.
 *
 * <h2>Threading</h2>
 * All methods are thread-safe and never block.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes all streams. When the session breaks by itself, its streams are closed with the
 * cause recorded in {@link StreamChannels#CLOSE_CAUSE} and {@link #closeFuture()} completes exceptionally.
 */
public interface HopSession {

    /**
     * Opens a stream to a target through this hop.
     *
     * @return a future completing with the stream channel, or failing with
     *     {@link dev.fumidai.TargetUnreachableException} when the hop refused or could not reach the target,
     *     or another {@link dev.fumidai.TunnelException} when the session broke
     */
    CompletableFuture<Channel> open(Target target);

    /** Returns whether the session can still open streams. */
    boolean isOpen();

    /** Returns the hop as connected: with address, host key, crypto or SSM session id filled in. */
    HopInfo info();

    /** Returns an id for this connection, used as {@code connection_id} in audit records. */
    String connectionId();

    /**
     * Returns whether this session records {@code hop.connect} and {@code hop.disconnect} itself, one pair per
     * underlying connection it makes; the route then records only a failure to create the session. An SSM hop
     * session does: it starts one SSM session per destination, lazily, and each record carries that session's
     * id. The default is {@code false}: the route records the session's connect and disconnect.
     */
    default boolean recordsOwnConnections() {
        return false;
    }

    /** Returns a future completed when the session has closed; exceptionally with the cause if it broke. */
    CompletableFuture<Void> closeFuture();

    /** Closes the session and all its streams; returns {@link #closeFuture()}. */
    CompletableFuture<Void> close();
}
