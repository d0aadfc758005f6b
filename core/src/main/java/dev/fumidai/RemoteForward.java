// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.io.Closeable;
import org.jspecify.annotations.Nullable;

/**
 * Is a listener on the last hop of a route whose every connection is relayed to a target reached from this
 * machine, as {@code ssh -R} does. Made by {@link JumpHost#remoteForward}.
 *
 * <h2>Audit</h2>
 * {@code forward.listen}/{@code forward.unlisten} with listener kind {@code remote} (the hop's bind address and
 * port); every connection as {@code forward.open}/{@code forward.close} whose {@code source} is the originator
 * the hop reported and whose target (resolved here, {@code resolved_by: "local"}) is the local one.
 *
 * <h2>Closing</h2>
 * {@link #close()} asks the hop to stop listening ({@code cancel-tcpip-forward}), closes the active connections
 * and records {@code forward.unlisten}.
 */
public interface RemoteForward extends Closeable {

    /** Returns the address the hop listens on, as requested ({@code ""} or {@code localhost} and so on). */
    String remoteAddress();

    /** Returns the port the hop listens on: the one it allocated when 0 was requested; 0 for a Unix socket. */
    int remotePort();

    /** Returns the Unix socket path on the hop, or {@code null} for a TCP listener. */
    @Nullable String remoteSocketPath();

    /** Returns the local target connections are relayed to. */
    Target target();

    /** Returns how many relayed connections are open now. */
    int activeConnections();

    /** Returns how many connections the hop sent so far. */
    long acceptedConnections();

    /** Returns whether the hop still listens for us. */
    boolean isOpen();

    /** Cancels the listener on the hop and closes the active connections; never throws. */
    @Override
    void close();
}
