// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.route;

import dev.fumidai.internal.Ids;
import dev.fumidai.spi.AuditEmitter;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.StreamOpener;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Duration;

/** Carries what core gives one hop; immutable. */
record HopContextImpl(int hopIndex, EventLoopGroup eventLoopGroup, StreamOpener upstream, AuditEmitter audit,
        Clock clock, Duration connectTimeout, Duration handshakeTimeout,
        dev.fumidai.TunnelEventListener events) implements HopContext {

    @Override
    public String newConnectionId() {
        return Ids.shortId("c-");
    }
}
