// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.io.IOException;

/**
 * Receives audit events and stores or ships them. Implement it to send events anywhere; the core has
 * {@link Slf4jAuditSink} and {@link InMemoryAuditSink}, the {@code fumidai-audit} module durable ones.
 *
 * <h2>Threading</h2>
 * The dispatcher of one {@code JumpHost} calls {@link #accept} from one thread of its own, never from a Netty
 * event loop, one event at a time, in emitter order. A sink shared by several {@code JumpHost}s must be
 * thread-safe. {@code accept} may block (disk, network): it only delays this sink's dispatcher thread.
 *
 * <h2>Failure</h2>
 * {@code accept} throws when it could not take the event; the sink's {@link #policy()} decides what the
 * dispatcher does then. It never receives secrets.
 *
 * <h2>Closing</h2>
 * A {@code JumpHost} flushes every sink when it closes, after the last event, but calls {@link #close()} only on a
 * sink it was handed to own ({@code JumpHost.Builder.ownedAuditSink}); a sink added with
 * {@code JumpHost.Builder.auditSink} belongs to the application, which closes it after the {@code JumpHost}s that
 * use it. A {@code JumpHost} closing within a bound ({@code close(Duration)}) leaves a sink that blocks in
 * {@code flush} or {@code close} to finish on a daemon thread.
 */
public interface AuditSink extends AutoCloseable {

    /** Returns a short name used in {@code stream_id} and in {@code audit.*} events. */
    String name();

    /** Returns what the dispatcher does while this sink fails. */
    AuditPolicy policy();

    /**
     * Takes one event. Returns once the sink has taken responsibility for it, as far as its own durability
     * setting promises.
     *
     * @throws IOException if the event was not taken
     */
    void accept(AuditEvent event) throws IOException;

    /** Forces buffered events out. The default does nothing. */
    default void flush() throws IOException {
    }

    /** Releases the sink's resources. */
    @Override
    void close() throws IOException;
}
