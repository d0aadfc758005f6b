// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditDegraded;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditRecovered;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Listener;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.SessionStarted;
import dev.fumidai.audit.Source;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditDispatcherTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final Origin ORIGIN = new Origin("host", "test", 1, "0");

    private static AuditDispatcher dispatcher(int capacity, AuditSink... sinks) {
        return new AuditDispatcher(List.of(sinks), Actor.of("test:dispatcher"), ORIGIN, "jh-test", "s-test",
                Clock.systemUTC(), capacity);
    }

    private static AuditEvent event(AuditDispatcher d) {
        return new SessionStarted(d.header(), Outcome.SUCCESS, null,
                new Source(null, 0, new Listener(ListenerKind.IN_PROCESS, null, 0)), List.of());
    }

    private static List<Long> sessionSeqs(InMemoryAuditSink s) {
        return s.events(SessionStarted.class).stream().map(e -> e.header().emitterSeq()).toList();
    }

    @Test
    void bestEffortDropsAreCountedAndReportedAsAGapWithTheirRange() throws Exception {
        InMemoryAuditSink lossy = InMemoryAuditSink.create("lossy", AuditPolicy.BEST_EFFORT);
        InMemoryAuditSink observer = InMemoryAuditSink.create("observer", AuditPolicy.BEST_EFFORT);
        AuditDispatcher d = dispatcher(1024, lossy, observer);
        try {
            d.emit(event(d));
            lossy.await(SessionStarted.class, T);
            lossy.setFailing(true);
            AuditEvent a = event(d);
            AuditEvent b = event(d);
            AuditEvent c = event(d);
            d.emit(a);
            d.emit(b);
            d.emit(c);
            observer.await(e -> e.header().emitterSeq() == c.header().emitterSeq(), T);
            lossy.setFailing(false);
            AuditEvent after = event(d);
            d.emit(after);
            AuditGap gap = lossy.await(AuditGap.class, T);
            assertEquals(3, gap.droppedCount());
            assertEquals(a.header().emitterSeq(), gap.fromSeq());
            assertEquals(c.header().emitterSeq(), gap.toSeq());
            lossy.await(e -> e.header().emitterSeq() == after.header().emitterSeq(), T);
            assertInstanceOf(AuditDegraded.class, observer.await(AuditDegraded.class, T), "the failure is visible");
            assertEquals(3, observer.await(AuditRecovered.class, T).droppedCount());
        } finally {
            d.close(T);
        }
    }

    @Test
    void spoolKeepsEveryEventInOrderWhileTheSinkFails() throws Exception {
        InMemoryAuditSink spool = InMemoryAuditSink.create("spool", AuditPolicy.SPOOL);
        AuditDispatcher d = dispatcher(1024, spool);
        try {
            spool.setFailing(true);
            // The dispatcher numbers its own records (audit.degraded, ...) from the same sequence, concurrently:
            // compare with the numbers of the events this test emitted, not with a consecutive range.
            List<Long> emitted = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                AuditEvent e = event(d);
                emitted.add(e.header().emitterSeq());
                d.emit(e);
            }
            spool.setFailing(false);
            long lastSeq = emitted.get(emitted.size() - 1);
            spool.await(e -> e.header().emitterSeq() == lastSeq, T);
            assertEquals(emitted, sessionSeqs(spool), "every event delivered, once, in order");
            assertTrue(spool.events(AuditGap.class).isEmpty(), "no gap: nothing was lost");
        } finally {
            d.close(T);
        }
    }

    @Test
    void aFullQueueDropsAndReportsTheGapToEverySink() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InMemoryAuditSink memory = InMemoryAuditSink.create();
        AuditSink slow = new AuditSink() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public AuditPolicy policy() {
                return AuditPolicy.BEST_EFFORT;
            }

            @Override
            public void accept(AuditEvent event) throws IOException {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                memory.accept(event);
            }

            @Override
            public void close() {
            }
        };
        AuditDispatcher d = dispatcher(16, slow);
        try {
            for (int i = 0; i < 200; i++) {
                d.emit(event(d));
            }
            release.countDown();
            // Every event is either delivered or counted in a gap (drops may be reported in several gaps).
            long deadline = System.nanoTime() + T.toNanos();
            long delivered;
            long dropped;
            do {
                delivered = memory.events(SessionStarted.class).size();
                dropped = memory.events(AuditGap.class).stream().mapToLong(AuditGap::droppedCount).sum();
            } while (delivered + dropped < 200 && System.nanoTime() < deadline);
            assertEquals(200, delivered + dropped, "delivered " + delivered + " + dropped " + dropped);
            assertTrue(dropped > 100, "most of 200 events found the 16-slot queue full: " + dropped);
            for (AuditGap gap : memory.events(AuditGap.class)) {
                assertTrue(gap.fromSeq() <= gap.toSeq());
            }
            assertFalse(d.isRefusing(), "no fail-closed sink: nothing refused");
        } finally {
            d.close(T);
        }
    }

    /**
     * An event emitted while the dispatcher is closing (its thread still draining) is counted as late, not as a
     * queue overflow: no {@code audit.gap} reaches the sink after its {@code audit.stop}.
     */
    @Test
    void anEventEmittedWhileClosingIsLateNotAnOverflow() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<AuditEvent> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        AuditSink slow = new AuditSink() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public AuditPolicy policy() {
                return AuditPolicy.BEST_EFFORT;
            }

            @Override
            public void accept(AuditEvent event) {
                got.add(event);
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void close() {
            }
        };
        AuditDispatcher d = dispatcher(1024, slow);
        Thread closer = new Thread(() -> d.close(T), "closer");
        try {
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the dispatcher thread is busy in the sink");
            closer.start();
            long until = System.nanoTime() + T.toNanos();
            while (!d.isClosing() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertTrue(d.isClosing(), "close began");
            AuditEvent late = event(d);
            d.emit(late);
            assertEquals(1, d.lateEvents());
            assertEquals(0, d.pendingQueueDrops(), "a late event is no overflow");
        } finally {
            release.countDown();
            closer.join(T.toMillis());
        }
        assertFalse(closer.isAlive(), "close finished");
        assertTrue(got.stream().noneMatch(e -> e instanceof AuditGap), "no audit.gap: " + got);
        assertEquals(0, d.pendingQueueDrops());
        assertEquals(dev.fumidai.audit.AuditStopped.class, got.get(got.size() - 1).getClass(),
                "audit.stop is the sink's last record");
    }
}
