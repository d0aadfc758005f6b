// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Carries the per-stream fields a sink adds to an event (audit schema §1.3 and §3): {@code stream_id},
 * {@code seq}, and, when integrity is on, {@code prev_hash} and {@code hash}.
 *
 * @param streamId {@code <emitterId>/<sink stream name>}
 * @param seq monotonic per stream, from 1
 * @param prevHash hex SHA-256 of the previous record of the stream, or {@code null} when integrity is off
 * @param hash hex SHA-256 of this record, or {@code null} (integrity off, or while computing it)
 */
public record ChainStamp(String streamId, long seq, @Nullable String prevHash, @Nullable String hash) {

    public ChainStamp {
        Objects.requireNonNull(streamId, "streamId");
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative: " + seq);
        }
    }

    /** Returns a stamp without integrity fields. */
    public static ChainStamp plain(String streamId, long seq) {
        return new ChainStamp(streamId, seq, null, null);
    }

    /** Returns a copy with the record's own hash. */
    public ChainStamp withHash(String newHash) {
        return new ChainStamp(streamId, seq, prevHash, newHash);
    }
}
