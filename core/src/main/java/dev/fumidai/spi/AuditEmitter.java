// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.EventHeader;
import java.util.concurrent.CompletableFuture;

/**
 * Emits audit events from transports and core to the {@code JumpHost}'s dispatcher.
 *
 * <h2>Threading</h2>
 * Safe from any thread, including event loops: both methods only enqueue and never block.
 */
public interface AuditEmitter {

    /** Returns a fresh envelope (new event id and sequence number, current time, actor, origin, session). */
    EventHeader header();

    /** Queues an event for every sink. Never throws; a full queue is counted and reported as {@code audit.gap}. */
    void emit(AuditEvent event);

    /**
     * Queues an opening event and completes once every {@code FAIL_CLOSED} sink has accepted it; fails with
     * {@link dev.fumidai.AuditUnavailableException} when one cannot. Completes at once when there is none.
     */
    CompletableFuture<Void> emitOpening(AuditEvent event);
}
