// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import dev.fumidai.Target;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/** Opens byte streams to targets: direct TCP, or through the hops of a route so far. */
@FunctionalInterface
public interface StreamOpener {

    /**
     * Opens a stream that follows the {@link StreamChannels} contract.
     *
     * @return a future completing with the channel or failing with a {@link dev.fumidai.TunnelException}
     */
    CompletableFuture<Channel> open(Target target);
}
