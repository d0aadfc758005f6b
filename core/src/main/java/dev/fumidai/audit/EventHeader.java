package dev.fumidai.audit;

import java.time.Instant;
import java.util.Objects;

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
        String sessionId) {

    public EventHeader {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(emitterId, "emitterId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(origin, "origin");
    }
}
