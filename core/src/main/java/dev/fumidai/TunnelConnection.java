// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Is one byte stream to a target through the route, in process: no local port.
 *
 * <h2>Threading</h2>
 * The streams block the calling thread (fine on virtual threads), never an event loop; one reader and one
 * writer may work at once. Other methods are thread-safe.
 *
 * <h2>Back-pressure</h2>
 * Unread input is buffered up to a fixed bound (256 KiB); past it the tunnel stops reading, so a slow reader
 * slows the far sender. {@code write} blocks while the tunnel is not writable.
 *
 * <h2>Closing</h2>
 * {@link #shutdownOutput()} sends EOF and keeps reading. Closing the output stream does the same. {@link #close()}
 * closes both directions and records {@code forward.close} in the audit log.
 */
public interface TunnelConnection extends Closeable {

    /** Returns the target this stream reaches. */
    Target target();

    /** Returns the stream of bytes from the target; {@code read} returns -1 after the target's EOF. */
    InputStream inputStream();

    /** Returns the stream of bytes to the target. */
    OutputStream outputStream();

    /**
     * Sets how long a read may block; zero (the default) waits forever. A read that times out throws
     * {@link java.net.SocketTimeoutException} and the stream stays usable.
     */
    void setReadTimeout(Duration timeout);

    /** Sends EOF to the target after everything written so far; reading goes on. */
    void shutdownOutput();

    /** Returns whether the stream is still open in at least one direction. */
    boolean isOpen();

    /** Returns bytes written toward the target so far. */
    long bytesSent();

    /** Returns bytes received from the target so far. */
    long bytesReceived();

    /** Closes both directions; never throws. */
    @Override
    void close();
}
