// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Names the listener that accepted a connection ({@code source.listener}). For a Unix socket listener
 * the address is the path and the port 0.
 */
public record Listener(ListenerKind kind, @Nullable String address, int port) {

    public Listener {
        Objects.requireNonNull(kind, "kind");
    }
}
