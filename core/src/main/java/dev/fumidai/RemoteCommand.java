// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Is a command running on the last hop of a route, started with {@link JumpHost#exec}: its standard input,
 * output and error as blocking JDK streams and how it ended as a future.
 *
 * <h2>Back-pressure</h2>
 * Standard output is read from the hop only as the application reads it: at most a bounded amount (256 KiB plus
 * one read) waits in this object, and the hop's window holds the rest on the server, so a slow reader slows the
 * command, never grows the heap. {@link #bufferedBytes()} says how much waits. Standard error is kept in its own
 * queue and its buffers are released as the application reads them; read it, or close it to discard it.
 *
 * <h2>Closing</h2>
 * Closing {@link #stdin()} sends EOF. {@link #close()} closes the channel, which asks the server to end the
 * command, and discards unread output. The server closes the channel after the command ends.
 *
 * <h2>Audit</h2>
 * {@code exec.start} was recorded when the server accepted the command; {@code exec.end} is recorded once the
 * channel has closed, with the exit status or signal; both list every hop of the route.
 */
public interface RemoteCommand extends Closeable {

    /** Returns the command line as sent. */
    String command();

    /** Returns the command's standard input; {@code close()} sends EOF. */
    OutputStream stdin();

    /** Returns the command's standard output. */
    InputStream stdout();

    /** Returns the command's standard error. */
    InputStream stderr();

    /**
     * Returns how the command ended; completed once the channel has closed (a server may send the status after its
     * EOF), with neither status nor signal when the connection broke first. Like every future the
     * {@link JumpHost} returns, it completes on the callback executor, never on an event loop.
     */
    CompletableFuture<CommandExit> exit();

    /** Returns the bytes of standard output and error received and not yet read by the application. */
    long bufferedBytes();

    /** Closes the channel, asking the server to end the command if it still runs; never throws. */
    @Override
    void close();
}
