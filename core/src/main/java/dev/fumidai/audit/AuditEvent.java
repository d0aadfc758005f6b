// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Is one audit record: a past-tense fact with the envelope of {@code docs/audit-schema.md}.
 *
 * <p>The set of records is closed (one per event type of §1.2), so that every sink can encode every
 * event. Records hold no secrets: no password, private key or token ever enters an event.
 */
public sealed interface AuditEvent permits AuditStarted, AuditStopped, AuditDegraded, AuditRecovered, AuditGap, AuditCheckpoint, HopConnected, HopDisconnected, HostKeyChecked, AuthAttempted, SessionStarted, SessionEnded, ForwardListened, ForwardUnlistened, ForwardOpened, ForwardClosed, ForwardDenied, ExecStarted, ExecEnded, AgentForwarded, PolicyDecided {

    /** Returns the envelope: id, sequence, time, actor, origin, session. */
    EventHeader header();

    /** Returns the event type. */
    EventType type();

    /** Returns whether the action worked. */
    Outcome outcome();

    /** Returns why the outcome is not success or why something closed, or {@code null}. */
    @Nullable Reason reason();
}
