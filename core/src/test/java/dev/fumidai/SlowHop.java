// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import dev.fumidai.audit.HopInfo;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Is a hop whose connect takes a fixed time and then fails: for testing time limits without any network.
 */
final class SlowHop implements Hop {

    private final Duration delay;

    SlowHop(Duration delay) {
        this.delay = delay;
    }

    @Override
    public String name() {
        return "slow";
    }

    @Override
    public String transport() {
        return "test";
    }

    @Override
    public Target address() {
        return null;
    }

    @Override
    public HopInfo describe() {
        return HopInfo.basic("test", "slow", null, 0);
    }

    @Override
    public CompletableFuture<HopSession> connect(HopContext ctx) {
        CompletableFuture<HopSession> f = new CompletableFuture<>();
        ctx.eventLoopGroup().schedule(() -> f.completeExceptionally(
                new HopUnreachableException("test hop \"slow\"", "gave up after " + delay.toMillis() + " ms", null)),
                delay.toMillis(), TimeUnit.MILLISECONDS);
        return f;
    }
}
