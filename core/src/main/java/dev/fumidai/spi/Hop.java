// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import dev.fumidai.Target;
import dev.fumidai.audit.HopInfo;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Describes one hop of a route and connects to it: immutable configuration that turns a byte stream into
 * a byte-stream opener.
 *
 * <p>{@link #connect} is given an upstream (direct TCP for the first hop, the previous hop's streams after
 * it) and yields a {@link HopSession} whose {@link HopSession#open} reaches targets behind this hop. The
 * next hop installs its pipeline on such a stream exactly as on a TCP socket, so hops compose to any depth.
 *
 * <h2>Threading</h2>
 * Implementations are immutable and thread-safe; {@code connect} never blocks the caller.
 *
 * <h2>Failure</h2>
 * The future fails with a {@link dev.fumidai.TunnelException} subclass whose message names the hop, as
 * {@link Hops#describe} writes it.
 */
public interface Hop {

    /** Returns the logical name: the alias, or the host when there is none. Host keys are checked for it. */
    String name();

    /** Returns the transport name used in audit records: {@code ssh}, {@code ssm}, {@code command}. */
    String transport();

    /**
     * Returns where the upstream must open a stream to reach this hop, or {@code null} when the hop reaches
     * its far end by itself (an SSM hop calls an AWS endpoint; a command hop runs a process).
     */
    @Nullable Target address();

    /** Returns this hop as the audit schema describes it, before connecting. */
    HopInfo describe();

    /**
     * Connects to this hop. When {@link #address()} is not null the transport opens
     * {@code ctx.upstream().open(address())} and speaks its protocol over that channel.
     *
     * @return a future that completes with an authenticated, ready session
     */
    CompletableFuture<HopSession> connect(HopContext ctx);
}
