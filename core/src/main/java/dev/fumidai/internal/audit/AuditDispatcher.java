// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.audit;

import dev.fumidai.AuditUnavailableException;
import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditDegraded;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditRecovered;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.AuditStarted;
import dev.fumidai.audit.AuditStopped;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.internal.retry.Backoff;
import dev.fumidai.spi.AuditEmitter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the audit events of one {@code JumpHost} to its sinks from a thread of its own, applying each sink's
 * {@link AuditPolicy} (audit schema §2).
 *
 * <h2>Threading</h2>
 * {@link #emit} and {@link #emitOpening} only enqueue: safe from event loops. One daemon thread drains the
 * bounded queue and calls every sink in order.
 *
 * <h2>Failure</h2>
 * <ul>
 *   <li>Queue full: the event is dropped and counted; every sink later gets an {@code audit.gap} with the range
 *       of emitter sequence numbers lost. An opening event that finds the queue full is refused.</li>
 *   <li>Emitted after {@link #close} began: not delivered, counted apart from overflows and logged as such (no
 *       {@code audit.gap}, which would come after {@code audit.stop}); an opening event is refused.</li>
 *   <li>{@code FAIL_CLOSED} sink throws: it is marked failing, {@code audit.degraded} goes to the other sinks, and
 *       {@link #isRefusing()} is true (new tunnels are refused) until it accepts an event again.</li>
 *   <li>{@code SPOOL} sink throws: the event and all later ones wait in a bounded backlog and are retried with
 *       exponential backoff and full jitter ({@link Backoff}: up to 50 ms, doubling, capped at 30 s); overflow
 *       is counted and reported as {@code audit.gap}.</li>
 *   <li>{@code BEST_EFFORT} sink throws: the event is dropped and counted; the sink gets {@code audit.gap} once it
 *       accepts again.</li>
 * </ul>
 *
 * <h2>Closing</h2>
 * {@link #close(Duration)} delivers what is queued, flushes every sink and closes the sinks it owns (see the
 * constructor), all within the given time: a sink that blocks in {@code accept}, {@code flush} or {@code close} is
 * left behind on a daemon thread, with a warning, rather than holding up the application.
 */
public final class AuditDispatcher implements AuditEmitter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditDispatcher.class);

    /** Events waiting for the dispatcher thread; past this, events are dropped and counted as a gap. */
    public static final int DEFAULT_QUEUE_CAPACITY = 16_384;

    /** Events a failing SPOOL sink keeps in memory before it starts dropping (the audit module spools to disk). */
    public static final int SPOOL_BACKLOG_LIMIT = 100_000;

    /** Waits between retries of a failing SPOOL sink's backlog: full jitter up to 50 ms, doubling, capped at 30 s. */
    private static final Backoff RETRY = Backoff.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(30));

    private final String emitterId;
    private final Actor actor;
    private final Origin origin;
    private final String sessionId;
    private final Clock clock;
    private final List<SinkState> sinks = new ArrayList<>();
    private final BlockingQueue<Item> queue;
    private final AtomicLong seq = new AtomicLong();
    private final Thread thread;
    private final boolean hasFailClosed;
    private volatile boolean refusing;
    private volatile boolean closing;

    /** Events emitted after {@link #close} began: not delivered, and no overflow (see {@link #late}). */
    private final AtomicLong lateEvents = new AtomicLong();

    private final Object queueDropLock = new Object();
    private long queueDropped;
    private long queueDropFrom;
    private long queueDropTo;

    private record Item(AuditEvent event, CompletableFuture<Void> confirmation, boolean stop) {
    }

    private static final class SinkState {
        final AuditSink sink;
        final boolean owned;
        final ArrayDeque<AuditEvent> backlog = new ArrayDeque<>();
        boolean failing;
        long dropped;
        long dropFrom;
        long dropTo;
        long nextRetryAt;
        /** Failures since the sink last accepted an event, less one: the retry number for {@link #RETRY}. */
        int retries;

        SinkState(AuditSink sink, boolean owned) {
            this.sink = sink;
            this.owned = owned;
        }

        void countDrop(long s) {
            if (dropped == 0) {
                dropFrom = s;
            }
            dropped++;
            dropTo = s;
        }
    }

    /** Creates and starts a dispatcher that owns (and so closes) every sink. */
    public AuditDispatcher(List<AuditSink> sinks, Actor actor, Origin origin, String emitterId, String sessionId,
            Clock clock, int queueCapacity) {
        this(sinks, s -> true, actor, origin, emitterId, sessionId, clock, queueCapacity);
    }

    /**
     * Creates and starts a dispatcher. Every sink gets the events and a flush at {@link #close}; only those
     * {@code owns} accepts are closed then.
     */
    public AuditDispatcher(List<AuditSink> sinks, java.util.function.Predicate<AuditSink> owns, Actor actor,
            Origin origin, String emitterId, String sessionId, Clock clock, int queueCapacity) {
        this.actor = actor;
        this.origin = origin;
        this.emitterId = emitterId;
        this.sessionId = sessionId;
        this.clock = clock;
        boolean fc = false;
        for (AuditSink s : sinks) {
            this.sinks.add(new SinkState(s, owns.test(s)));
            fc |= s.policy() == AuditPolicy.FAIL_CLOSED;
        }
        this.hasFailClosed = fc;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(this::run, "fumidai-audit-" + emitterId);
        this.thread.setDaemon(true);
        this.thread.start();
        for (AuditSink s : sinks) {
            emit(new AuditStarted(headerFor(null), s.name()));
        }
    }

    private final java.util.concurrent.atomic.AtomicLong totalQueueDrops = new java.util.concurrent.atomic.AtomicLong();

    /** Returns how many events wait in the queue for the sinks now. */
    public int queueDepth() {
        return queue.size();
    }

    /** Returns how many events were dropped because the queue was full, since the start. */
    public long queueDrops() {
        return totalQueueDrops.get();
    }

    /** Returns the emitter id that prefixes every sink's {@code stream_id}. */
    public String emitterId() {
        return emitterId;
    }

    /** Returns whether a fail-closed sink is failing, so that new tunnels must be refused. */
    public boolean isRefusing() {
        return refusing;
    }

    @Override
    public EventHeader header() {
        return headerFor(sessionId);
    }

    private EventHeader headerFor(String session) {
        Instant now = clock.instant();
        return new EventHeader(EventHeader.newEventId(now), emitterId, seq.incrementAndGet(), now, actor, origin,
                session);
    }

    @Override
    public void emit(AuditEvent event) {
        if (closing) {
            late(event);
        } else if (!queue.offer(new Item(event, null, false))) {
            countQueueDrop(event.header().emitterSeq());
        }
    }

    @Override
    public CompletableFuture<Void> emitOpening(AuditEvent event) {
        if (!hasFailClosed) {
            emit(event);
            return CompletableFuture.completedFuture(null);
        }
        if (refusing) {
            emit(event);
            return CompletableFuture.failedFuture(refusal("a fail-closed audit sink is failing"));
        }
        if (closing) {
            late(event);
            return CompletableFuture.failedFuture(refusal("the audit log is closing"));
        }
        CompletableFuture<Void> confirmation = new CompletableFuture<>();
        if (!queue.offer(new Item(event, confirmation, false))) {
            countQueueDrop(event.header().emitterSeq());
            confirmation.completeExceptionally(refusal("the audit queue is full"));
        }
        return confirmation;
    }

    private static AuditUnavailableException refusal(String why) {
        return new AuditUnavailableException("audit", why + "; new tunnels are refused while it fails", null);
    }

    /**
     * Accounts for an event that came after {@link #close} began (typically a transport reporting a connection it
     * was tearing down while the {@code JumpHost} closed). It is not delivered: the sinks have had, or are about to
     * get, their {@code audit.stop}, and a record after it would sit outside the stream they close. Nor is it a
     * queue overflow: no {@code audit.gap} follows, which would itself land after {@code audit.stop}. It is
     * logged, the first at INFO (one record is missing from the trail, for a known reason) and the rest at DEBUG.
     */
    private void late(AuditEvent event) {
        long n = lateEvents.incrementAndGet();
        if (n == 1) {
            LOG.info("audit event {} (emitter seq {}) came after the audit log began closing; it is not recorded",
                    event.type().wireName(), event.header().emitterSeq());
        } else {
            LOG.debug("audit event {} (emitter seq {}) came after the audit log began closing; it is not recorded"
                    + " ({} so far)", event.type().wireName(), event.header().emitterSeq(), n);
        }
    }

    /** Returns how many events were emitted after {@link #close} began and so not recorded. */
    long lateEvents() {
        return lateEvents.get();
    }

    /** Returns how many events the full queue dropped that no {@code audit.gap} has reported yet. */
    long pendingQueueDrops() {
        synchronized (queueDropLock) {
            return queueDropped;
        }
    }

    /** Returns whether {@link #close} has begun. */
    boolean isClosing() {
        return closing;
    }

    private void countQueueDrop(long s) {
        totalQueueDrops.incrementAndGet();
        synchronized (queueDropLock) {
            if (queueDropped == 0) {
                queueDropFrom = s;
            }
            queueDropped++;
            queueDropTo = s;
        }
    }

    private void run() {
        try {
            for (;;) {
                Item item = queue.poll(nextWakeupMs(), TimeUnit.MILLISECONDS);
                reportQueueDrops();
                retryBacklogs();
                if (item == null) {
                    continue;
                }
                if (item.stop) {
                    break;
                }
                deliver(item.event, item.confirmation);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long nextWakeupMs() {
        long now = System.currentTimeMillis();
        long wait = 1000;
        for (SinkState s : sinks) {
            if (!s.backlog.isEmpty() || (s.failing && s.sink.policy() != AuditPolicy.SPOOL)) {
                wait = Math.min(wait, Math.max(1, s.nextRetryAt - now));
            }
        }
        return wait;
    }

    private void reportQueueDrops() {
        long n;
        long from;
        long to;
        synchronized (queueDropLock) {
            n = queueDropped;
            from = queueDropFrom;
            to = queueDropTo;
            queueDropped = 0;
        }
        if (n > 0) {
            LOG.warn("audit queue overflowed: {} event(s) dropped (emitter seq {}..{})", n, from, to);
            for (SinkState s : sinks) {
                deliverToSink(s, new AuditGap(headerFor(null), s.sink.name(), n, from, to), null);
            }
        }
    }

    private void deliver(AuditEvent event, CompletableFuture<Void> confirmation) {
        boolean confirmed = true;
        for (SinkState s : sinks) {
            boolean ok = deliverToSink(s, event, confirmation);
            if (!ok && s.sink.policy() == AuditPolicy.FAIL_CLOSED) {
                confirmed = false;
            }
        }
        if (confirmation != null) {
            if (confirmed) {
                confirmation.complete(null);
            } else {
                confirmation.completeExceptionally(refusal("a fail-closed audit sink did not accept the opening event"));
            }
        }
    }

    /** Delivers to one sink under its policy; returns whether the sink has the event (or has it spooled). */
    private boolean deliverToSink(SinkState s, AuditEvent event, CompletableFuture<Void> confirmation) {
        if (s.sink.policy() == AuditPolicy.SPOOL && !s.backlog.isEmpty()) {
            return backlog(s, event);
        }
        try {
            if (s.failing && s.dropped > 0) {
                // The sink accepted nothing for a while: say so first, then deliver.
                s.sink.accept(new AuditGap(headerFor(null), s.sink.name(), s.dropped, s.dropFrom, s.dropTo));
            }
            s.sink.accept(event);
            if (s.failing) {
                recovered(s);
            }
            return true;
        } catch (Exception | LinkageError e) {
            failed(s, event, e);
            if (s.sink.policy() == AuditPolicy.SPOOL) {
                return backlog(s, event);
            }
            s.countDrop(event.header().emitterSeq());
            return false;
        }
    }

    private boolean backlog(SinkState s, AuditEvent event) {
        if (s.backlog.size() >= SPOOL_BACKLOG_LIMIT) {
            s.countDrop(event.header().emitterSeq());
            return false;
        }
        s.backlog.add(event);
        return true;
    }

    private void failed(SinkState s, AuditEvent event, Throwable e) {
        long now = System.currentTimeMillis();
        if (!s.failing) {
            s.failing = true;
            s.retries = 0;
            LOG.warn("audit sink '{}' ({}) failed on {}: {}", s.sink.name(), s.sink.policy(), event.type().wireName(),
                    e.toString());
            if (s.sink.policy() == AuditPolicy.FAIL_CLOSED) {
                refusing = true;
            }
            AuditDegraded degraded = new AuditDegraded(headerFor(null), s.sink.name(),
                    Reason.of(ReasonCode.SINK_FAILURE, e));
            for (SinkState other : sinks) {
                if (other != s && !other.failing) {
                    deliverToSink(other, degraded, null);
                }
            }
        } else if (s.retries < Integer.MAX_VALUE) {
            s.retries++;
        }
        s.nextRetryAt = now + RETRY.delayMillis(s.retries);
    }

    private void recovered(SinkState s) {
        long lost = s.dropped;
        s.failing = false;
        s.dropped = 0;
        s.retries = 0;
        LOG.info("audit sink '{}' recovered; {} event(s) lost while it failed", s.sink.name(), lost);
        if (s.sink.policy() == AuditPolicy.FAIL_CLOSED) {
            refusing = sinks.stream().anyMatch(o -> o.failing && o.sink.policy() == AuditPolicy.FAIL_CLOSED);
        }
        AuditRecovered rec = new AuditRecovered(headerFor(null), s.sink.name(), lost);
        for (SinkState o : sinks) {
            if (!o.failing || o == s) {
                try {
                    o.sink.accept(rec);
                } catch (Exception | LinkageError e) {
                    LOG.debug("sink '{}' refused audit.recovered: {}", o.sink.name(), e.toString());
                }
            }
        }
    }

    private void retryBacklogs() {
        long now = System.currentTimeMillis();
        for (SinkState s : sinks) {
            if (s.sink.policy() != AuditPolicy.SPOOL || s.backlog.isEmpty() || now < s.nextRetryAt) {
                continue;
            }
            while (!s.backlog.isEmpty()) {
                AuditEvent e = s.backlog.peek();
                try {
                    if (s.dropped > 0) {
                        s.sink.accept(new AuditGap(headerFor(null), s.sink.name(), s.dropped, s.dropFrom, s.dropTo));
                        s.dropped = 0;
                    }
                    s.sink.accept(e);
                    s.backlog.poll();
                } catch (Exception | LinkageError ex) {
                    failed(s, e, ex);
                    break;
                }
            }
            if (s.backlog.isEmpty() && s.failing) {
                recovered(s);
            }
        }
    }

    /**
     * Emits {@code audit.stop} for every sink, delivers what is queued, flushes every sink and closes the owned
     * ones, returning after at most about {@code timeout} whatever the sinks do. A sink still busy then is left to
     * finish on a daemon thread, and a warning names it.
     */
    public void close(Duration timeout) {
        if (closing) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (SinkState s : sinks) {
            emit(new AuditStopped(headerFor(null), s.sink.name()));
        }
        closing = true;
        try {
            if (!queue.offer(new Item(null, null, true), remainingMs(deadline), TimeUnit.MILLISECONDS)) {
                LOG.warn("audit queue still full after {}; stopping without draining it", timeout);
            }
            thread.join(remainingMs(deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("audit dispatcher did not drain within {}; {} event(s) left", timeout, queue.size());
            thread.interrupt();
        }
        // Flushing and closing run on a thread of their own, so that a sink blocking in them (a dead network
        // collector, a hung disk) cannot hold the caller past the deadline.
        Thread finisher = new Thread(this::finish, "fumidai-audit-close-" + emitterId);
        finisher.setDaemon(true);
        finisher.start();
        try {
            finisher.join(remainingMs(deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (finisher.isAlive()) {
            LOG.warn("audit sinks did not flush and close within {}; left to finish in the background: {}", timeout,
                    sinks.stream().map(s -> s.sink.name()).toList());
        }
    }

    /** Milliseconds left until {@code deadline} (a {@code nanoTime}), at least 1: {@code join(0)} waits forever. */
    private static long remainingMs(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private void finish() {
        retryBacklogs();
        for (SinkState s : sinks) {
            if (!s.backlog.isEmpty()) {
                LOG.warn("audit sink '{}' closes with {} undelivered event(s)", s.sink.name(), s.backlog.size());
            }
            try {
                s.sink.flush();
            } catch (Exception e) {
                LOG.warn("audit sink '{}' failed to flush: {}", s.sink.name(), e.toString());
            }
            if (!s.owned) {
                continue; // the application's: it closes the sink itself
            }
            try {
                s.sink.close();
            } catch (Exception e) {
                LOG.warn("audit sink '{}' failed to close: {}", s.sink.name(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
