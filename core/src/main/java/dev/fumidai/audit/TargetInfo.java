// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Names the destination ({@code target.*}).
 *
 * @param host the host as requested (or the Unix socket path)
 * @param address the resolved IP actually connected, or {@code null} when the last hop resolved it
 * @param port the port, 0 for Unix sockets
 * @param protocol the protocol
 * @param service a label from the application's catalogue, or {@code null}
 * @param resolvedBy {@code "local"} or {@code "remote"}: who resolved the host name
 */
public record TargetInfo(String host, @Nullable String address, int port, TargetProtocol protocol,
        @Nullable String service, String resolvedBy) {

    public TargetInfo {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
    }
}
