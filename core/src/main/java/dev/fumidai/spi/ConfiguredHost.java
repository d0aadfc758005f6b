// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import dev.fumidai.Target;
import java.util.List;
import java.util.Objects;

/**
 * Holds what an {@link SshConfigResolver} made of one host alias: the hops that reach the host, the hop that logs
 * in to it, and its address.
 *
 * <p>For {@code Host db} with {@code HostName 10.0.0.9}, {@code Port 5022} and {@code ProxyJump bastion},
 * {@code via} is the hop to {@code bastion}, {@code hop} logs in to {@code 10.0.0.9:5022} through it, and
 * {@code address} is {@code 10.0.0.9:5022}. A {@code ProxyCommand} becomes the first hop of {@code via}.
 *
 * @param alias the alias that was resolved (OpenSSH's {@code %n})
 * @param via the hops that reach {@code address}, first to last; empty when the host is reached by direct TCP
 * @param hop the hop that logs in to the host itself, reached through {@code via}
 * @param address the host's {@code HostName} and {@code Port}
 */
public record ConfiguredHost(String alias, List<Hop> via, Hop hop, Target address) {

    /** Copies {@code via}; every part is mandatory. */
    public ConfiguredHost {
        Objects.requireNonNull(alias, "alias");
        via = List.copyOf(via);
        Objects.requireNonNull(hop, "hop");
        Objects.requireNonNull(address, "address");
    }
}
