// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.EventType;
import dev.fumidai.audit.InMemoryAuditSink;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JumpHost closes only the audit sinks it was asked to own ({@code ownedAuditSink}); a sink passed with
 * {@code auditSink} gets every event and a flush but stays open for its owner. {@code close(Duration)} returns within
 * its bound even when a sink blocks.
 */
class AuditSinkOwnershipTest {

    /** Fails the test instead of hanging it when close is not bounded. */
    private static final Duration HANG = Duration.ofSeconds(30);

    @Test
    void onlyOwnedSinksAreClosedAndEverySinkGetsTheEndOfTheSession() {
        InMemoryAuditSink borrowed = InMemoryAuditSink.create("borrowed", AuditPolicy.BEST_EFFORT);
        InMemoryAuditSink owned = InMemoryAuditSink.create("owned", AuditPolicy.BEST_EFFORT);
        JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:ownership").auditSink(borrowed)
                .ownedAuditSink(owned).build();
        jh.close();
        assertFalse(borrowed.isClosed(), "a sink passed with auditSink belongs to the caller");
        assertTrue(owned.isClosed(), "a sink passed with ownedAuditSink is closed by the JumpHost");
        for (InMemoryAuditSink s : new InMemoryAuditSink[] {borrowed, owned}) {
            assertTrue(s.events().stream().anyMatch(e -> e.type() == EventType.SESSION_END), s.name());
            assertTrue(s.events().stream().anyMatch(e -> e.type() == EventType.AUDIT_STOP), s.name());
        }
        borrowed.close();
    }

    @Test
    void closeWithATimeoutReturnsAlthoughASinkBlocksInClose() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BlockingSink stuck = new BlockingSink(release, false);
        try {
            JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:bounded").ownedAuditSink(stuck).build();
            long t0 = System.nanoTime();
            assertTimeoutPreemptively(HANG, () -> jh.close(Duration.ofMillis(500)));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(stuck.closeCalled.await(10, TimeUnit.SECONDS), "the owned sink was asked to close");
            assertTrue(tookMs < 10_000, "close(500 ms) took " + tookMs + " ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void closeWithATimeoutReturnsAlthoughASinkBlocksInAccept() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BlockingSink stuck = new BlockingSink(release, true);
        try {
            JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:bounded").ownedAuditSink(stuck).build();
            assertTrue(stuck.acceptCalled.await(10, TimeUnit.SECONDS), "the dispatcher is stuck in accept");
            assertTimeoutPreemptively(HANG, () -> jh.close(Duration.ofMillis(500)));
        } finally {
            release.countDown();
        }
    }

    /** Blocks in {@code accept} or in {@code close} until released. */
    private static final class BlockingSink implements AuditSink {
        private final CountDownLatch release;
        private final boolean inAccept;
        final CountDownLatch acceptCalled = new CountDownLatch(1);
        final CountDownLatch closeCalled = new CountDownLatch(1);

        BlockingSink(CountDownLatch release, boolean inAccept) {
            this.release = release;
            this.inAccept = inAccept;
        }

        @Override
        public String name() {
            return "stuck";
        }

        @Override
        public AuditPolicy policy() {
            return AuditPolicy.BEST_EFFORT;
        }

        @Override
        public void accept(AuditEvent event) throws java.io.IOException {
            acceptCalled.countDown();
            if (inAccept) {
                await();
            }
        }

        @Override
        public void close() {
            closeCalled.countDown();
            await();
        }

        private void await() {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
