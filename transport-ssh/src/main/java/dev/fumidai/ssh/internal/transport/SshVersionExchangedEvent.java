// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import java.util.Objects;

/**
 * Signals that both version lines are known (RFC 4253 §4.2); fired by {@link SshVersionExchangeHandler}
 * before the first packet byte is passed on. The strings have no CR LF; the exchange hash covers them.
 */
public record SshVersionExchangedEvent(String clientVersion, String serverVersion) {

    public SshVersionExchangedEvent {
        Objects.requireNonNull(clientVersion, "clientVersion");
        Objects.requireNonNull(serverVersion, "serverVersion");
    }
}
