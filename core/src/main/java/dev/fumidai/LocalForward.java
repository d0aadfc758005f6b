// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.io.Closeable;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Is a local listener whose every accepted connection is relayed to one target through the route, as
 * {@code ssh -L} does.
 *
 * <h2>Closing</h2>
 * {@link #close()} stops accepting, then closes or drains the active connections as the
 * {@link ForwardOptions} say, and records {@code forward.unlisten}.
 */
public interface LocalForward extends Closeable {

    /** Returns the bound TCP address, or {@code null} for a Unix socket listener. */
    @Nullable InetSocketAddress localAddress();

    /** Returns the bound TCP port, or -1 for a Unix socket listener. */
    int localPort();

    /** Returns the Unix socket path, or {@code null} for a TCP listener. */
    @Nullable Path unixSocketPath();

    /** Returns the target connections are relayed to. */
    Target target();

    /** Returns how many relayed connections are open now. */
    int activeConnections();

    /** Returns how many connections were accepted and relayed so far. */
    long acceptedConnections();

    /** Returns whether the listener still accepts. */
    boolean isOpen();

    /** Stops accepting and ends the active connections per the options; never throws. */
    @Override
    void close();
}
