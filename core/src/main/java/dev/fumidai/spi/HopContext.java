// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Duration;

/**
 * Gives a {@link Hop} everything it needs from the core to connect: event loops, the upstream, audit,
 * clock and timeouts. A transport module needs nothing else from core.
 */
public interface HopContext {

    /** Returns the hop's position in the route, from 0. */
    int hopIndex();

    /** Returns the event loops of the {@code JumpHost}. A hop may pick its own loop from them. */
    EventLoopGroup eventLoopGroup();

    /** Returns the opener that reaches this hop's {@link Hop#address()}: direct TCP or the previous hop. */
    StreamOpener upstream();

    /** Returns where audit events go. */
    AuditEmitter audit();

    /** Returns the clock for timestamps and durations. */
    Clock clock();

    /** Returns how long a TCP connect or upstream stream open may take. */
    Duration connectTimeout();

    /** Returns how long the protocol handshake, including authentication, may take. */
    Duration handshakeTimeout();

    /**
     * Returns the application's telemetry listener, already guarded (what it throws is caught and logged). A
     * transport reports its handshake, authentication and rekeys to it, from its event loop, naming the hop with
     * {@code new HopId(hopIndex(), hop.name(), hop.transport())}. The default does nothing.
     */
    default dev.fumidai.TunnelEventListener events() {
        return dev.fumidai.TunnelEventListener.NONE;
    }

    /** Returns a fresh connection id for {@code connection_id}, unique within the {@code JumpHost}. */
    String newConnectionId();
}
