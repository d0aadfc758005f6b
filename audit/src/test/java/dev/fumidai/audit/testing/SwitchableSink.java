// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.testing;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps accepted events in memory and refuses them while switched down, like a collector that went away. */
public final class SwitchableSink implements AuditSink {

    private final List<AuditEvent> events = new ArrayList<>();
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean closed;

    public void down(boolean value) {
        down = value;
    }

    public int refusals() {
        return refusals.get();
    }

    public boolean closed() {
        return closed;
    }

    public synchronized List<AuditEvent> events() {
        return new ArrayList<>(events);
    }

    @Override
    public String name() {
        return "collector";
    }

    @Override
    public AuditPolicy policy() {
        return AuditPolicy.SPOOL;
    }

    @Override
    public synchronized void accept(AuditEvent event) throws IOException {
        if (down) {
            refusals.incrementAndGet();
            throw new IOException("collector is down");
        }
        events.add(event);
    }

    @Override
    public void close() {
        closed = true;
    }
}
