// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Keeps events in memory, for tests and for applications that show them. Its failure can be switched on and off,
 * so that tests can check what each {@link AuditPolicy} promises.
 *
 * <h2>Threading</h2>
 * Thread-safe. {@link #await} blocks the calling thread, never an event loop.
 */
public final class InMemoryAuditSink implements AuditSink {

    /** Most events kept; older ones are discarded first so that memory stays bounded. */
    public static final int DEFAULT_CAPACITY = 1_000_000;

    private final String name;
    private final AuditPolicy policy;
    private final int capacity;
    private final List<AuditEvent> events = new ArrayList<>();
    private boolean failing;
    private boolean closed;

    private InMemoryAuditSink(String name, AuditPolicy policy, int capacity) {
        this.name = Objects.requireNonNull(name, "name");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.capacity = capacity;
    }

    /** Returns a best-effort sink named {@code memory}. */
    public static InMemoryAuditSink create() {
        return new InMemoryAuditSink("memory", AuditPolicy.BEST_EFFORT, DEFAULT_CAPACITY);
    }

    /** Returns a sink with a name and policy. */
    public static InMemoryAuditSink create(String name, AuditPolicy policy) {
        return new InMemoryAuditSink(name, policy, DEFAULT_CAPACITY);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AuditPolicy policy() {
        return policy;
    }

    /** Makes {@link #accept} throw (true) or work again (false). */
    public synchronized void setFailing(boolean fail) {
        this.failing = fail;
    }

    @Override
    public synchronized void accept(AuditEvent event) throws IOException {
        if (failing) {
            throw new IOException("in-memory sink '" + name + "' is set to fail");
        }
        if (events.size() >= capacity) {
            events.remove(0);
        }
        events.add(event);
        notifyAll();
    }

    /** Returns a copy of the events received so far, oldest first. */
    public synchronized List<AuditEvent> events() {
        return new ArrayList<>(events);
    }

    /** Returns the events of one type received so far. */
    public synchronized <T extends AuditEvent> List<T> events(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (AuditEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** Returns the event types received so far, as wire names, oldest first. */
    public synchronized List<String> types() {
        List<String> out = new ArrayList<>();
        for (AuditEvent e : events) {
            out.add(e.type().wireName());
        }
        return out;
    }

    /**
     * Waits until an event matching the condition has arrived.
     *
     * @return the first matching event
     * @throws AssertionError if none arrived in time
     */
    public synchronized AuditEvent await(Predicate<AuditEvent> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            for (AuditEvent e : events) {
                if (condition.test(e)) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching audit event within " + timeout + "; got " + types());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits until an event of a type has arrived and returns it. */
    public <T extends AuditEvent> T await(Class<T> type, Duration timeout) throws InterruptedException {
        return type.cast(await(type::isInstance, timeout));
    }

    /** Returns whether {@link #close()} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
