// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Explains a non-success outcome or a close: a code and a free-text detail ({@code reason},
 * {@code reason_detail}). The detail never holds secrets or payloads.
 */
public record Reason(ReasonCode code, @Nullable String detail) {

    public Reason {
        Objects.requireNonNull(code, "code");
    }

    /** Returns a reason without detail. */
    public static Reason of(ReasonCode code) {
        return new Reason(code, null);
    }

    /** Returns a reason with a detail. */
    public static Reason of(ReasonCode code, @Nullable String detail) {
        return new Reason(code, detail);
    }
}
