// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Carries the envelope fields every event has: id, emitter sequence, time, who, from where, and the
 * logical session.
 *
 * @param eventId a UUIDv7 string ({@code event_id})
 * @param emitterId the emitting {@code JumpHost} instance; sinks append their stream name to form
 *     {@code stream_id}
 * @param emitterSeq monotonic per emitter, from 1; gaps in it are how dropped events are counted
 * @param time when the event happened ({@code time}, microsecond precision on the wire)
 * @param actor who ({@code actor.*})
 * @param origin from where ({@code origin.*})
 * @param sessionId the logical tunnel session ({@code session_id}), or {@code null} for {@code audit.*}
 */
public record EventHeader(String eventId, String emitterId, long emitterSeq, Instant time, Actor actor, Origin origin,
        @Nullable String sessionId) {

    public EventHeader {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(emitterId, "emitterId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(origin, "origin");
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * Returns a new event id: a UUIDv7 (RFC 9562 §5.7) for the given time, so ids sort by time: 48-bit Unix
     * milliseconds, version 7, variant 2, 74 random bits. For sinks that make events of their own.
     */
    public static String newEventId(Instant time) {
        long ms = time.toEpochMilli();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (ms << 16) | 0x7000L | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new java.util.UUID(msb, lsb).toString();
    }
}
