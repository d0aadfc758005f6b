// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reports one thing the verifier found.
 *
 * @param kind what it is
 * @param streamId the stream, or {@code null} when not known (a malformed or torn line)
 * @param seq the record's {@code seq} (for a range, its first), or -1 when not applicable
 * @param file the file, or {@code null} when the finding concerns the stream as a whole
 * @param line the 1-based line in {@code file}, or 0
 * @param detail a human-readable explanation
 */
public record Finding(FindingKind kind, @Nullable String streamId, long seq, @Nullable Path file, int line,
        String detail) {

    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.name());
        if (file != null) {
            sb.append(' ').append(file).append(':').append(line);
        }
        if (streamId != null) {
            sb.append(" stream ").append(streamId);
        }
        if (seq >= 0) {
            sb.append(" seq ").append(seq);
        }
        return sb.append(": ").append(detail).toString();
    }
}
