// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes each event as one SLF4J log record with structured key-values (SLF4J 2 fluent API), under the logger
 * {@code dev.fumidai.audit}. Keys are the audit schema's field names. Events of failures log at WARN, others at
 * INFO. It is {@link AuditPolicy#BEST_EFFORT}: logging cannot tell whether a record reached its appender.
 *
 * <p>Fields classed {@code sensitive} in the schema (actor name, command, remote login) are left out; the actor
 * id is kept because every PCI DSS record needs it.
 */
public final class Slf4jAuditSink implements AuditSink {

    private final Logger logger;

    private Slf4jAuditSink(Logger logger) {
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    /** Returns a sink logging to {@code dev.fumidai.audit}. */
    public static Slf4jAuditSink create() {
        return new Slf4jAuditSink(LoggerFactory.getLogger("dev.fumidai.audit"));
    }

    /** Returns a sink logging to a logger of the caller's choice. */
    public static Slf4jAuditSink create(Logger logger) {
        return new Slf4jAuditSink(logger);
    }

    @Override
    public String name() {
        return "slf4j";
    }

    @Override
    public AuditPolicy policy() {
        return AuditPolicy.BEST_EFFORT;
    }

    @Override
    public void accept(AuditEvent e) {
        boolean bad = e.outcome() != Outcome.SUCCESS;
        LoggingEventBuilder b = bad ? logger.atWarn() : logger.atInfo();
        EventHeader h = e.header();
        b = b.addKeyValue("event_type", e.type().wireName())
                .addKeyValue("outcome", e.outcome().wireName())
                .addKeyValue("event_id", h.eventId())
                .addKeyValue("time", h.time())
                .addKeyValue("seq", h.emitterSeq())
                .addKeyValue("actor.id", h.actor().id())
                .addKeyValue("origin.host", h.origin().host());
        if (h.sessionId() != null) {
            b = b.addKeyValue("session_id", h.sessionId());
        }
        if (e.reason() != null) {
            b = b.addKeyValue("reason", e.reason().code().wireName());
            if (e.reason().detail() != null) {
                b = b.addKeyValue("reason_detail", e.reason().detail());
            }
        }
        b = details(b, e);
        b.log("{} {}", e.type().wireName(), e.outcome().wireName());
    }

    private static LoggingEventBuilder details(LoggingEventBuilder b, AuditEvent e) {
        if (e instanceof ForwardOpened) {
            ForwardOpened f = (ForwardOpened) e;
            return hops(target(source(b, f.source()), f.target()), f.hops()).addKeyValue("channel_id", f.channelId());
        }
        if (e instanceof ForwardClosed) {
            ForwardClosed f = (ForwardClosed) e;
            return hops(target(source(b, f.source()), f.target()), f.hops())
                    .addKeyValue("channel_id", f.channelId())
                    .addKeyValue("bytes_up", f.bytesUp())
                    .addKeyValue("bytes_down", f.bytesDown())
                    .addKeyValue("duration_ms", f.durationMs());
        }
        if (e instanceof ForwardDenied) {
            ForwardDenied f = (ForwardDenied) e;
            return hops(target(source(b, f.source()), f.target()), f.hops());
        }
        if (e instanceof ForwardListened) {
            ForwardListened f = (ForwardListened) e;
            return target(listener(b, f.listener()), f.target());
        }
        if (e instanceof ForwardUnlistened) {
            ForwardUnlistened f = (ForwardUnlistened) e;
            return target(listener(b, f.listener()), f.target()).addKeyValue("connections", f.connections());
        }
        if (e instanceof HopConnected) {
            HopConnected f = (HopConnected) e;
            return hop(b, f.hop()).addKeyValue("hop_index", f.hopIndex()).addKeyValue("connection_id", f.connectionId());
        }
        if (e instanceof HopDisconnected) {
            HopDisconnected f = (HopDisconnected) e;
            return hop(b, f.hop()).addKeyValue("hop_index", f.hopIndex()).addKeyValue("connection_id", f.connectionId())
                    .addKeyValue("duration_ms", f.durationMs());
        }
        if (e instanceof HostKeyChecked) {
            HostKeyChecked f = (HostKeyChecked) e;
            b = hop(b, f.hop()).addKeyValue("hop_index", f.hopIndex());
            if (f.hostKey() != null) {
                b = b.addKeyValue("host_key.alg", f.hostKey().alg())
                        .addKeyValue("host_key.fingerprint", f.hostKey().fingerprint());
                if (f.hostKey().verifiedBy() != null) {
                    b = b.addKeyValue("host_key.verified_by", f.hostKey().verifiedBy().wireName());
                }
            }
            return b;
        }
        if (e instanceof AuthAttempted) {
            AuthAttempted f = (AuthAttempted) e;
            b = hop(b, f.hop()).addKeyValue("credential.type", f.credential().type().wireName());
            return f.credential().fingerprint() == null ? b
                    : b.addKeyValue("credential.fingerprint", f.credential().fingerprint());
        }
        if (e instanceof AuditGap) {
            AuditGap f = (AuditGap) e;
            return b.addKeyValue("sink", f.sinkName()).addKeyValue("dropped_count", f.droppedCount())
                    .addKeyValue("from_seq", f.fromSeq()).addKeyValue("to_seq", f.toSeq());
        }
        return b;
    }

    private static LoggingEventBuilder source(LoggingEventBuilder b, Source s) {
        if (s == null) {
            return b;
        }
        if (s.address() != null) {
            b = b.addKeyValue("source.address", s.address()).addKeyValue("source.port", s.port());
        }
        return s.listener() == null ? b : listener(b, s.listener());
    }

    private static LoggingEventBuilder listener(LoggingEventBuilder b, Listener l) {
        if (l == null) {
            return b;
        }
        return b.addKeyValue("source.listener.kind", l.kind().wireName())
                .addKeyValue("source.listener.address", l.address())
                .addKeyValue("source.listener.port", l.port());
    }

    private static LoggingEventBuilder target(LoggingEventBuilder b, TargetInfo t) {
        if (t == null) {
            return b;
        }
        return b.addKeyValue("target.host", t.host()).addKeyValue("target.port", t.port())
                .addKeyValue("target.protocol", t.protocol().wireName());
    }

    private static LoggingEventBuilder hops(LoggingEventBuilder b, List<HopInfo> hops) {
        StringBuilder sb = new StringBuilder();
        for (HopInfo h : hops) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(h.transport()).append(':').append(h.name());
        }
        return b.addKeyValue("hops", sb.toString());
    }

    private static LoggingEventBuilder hop(LoggingEventBuilder b, HopInfo h) {
        return b.addKeyValue("hop.transport", h.transport()).addKeyValue("hop.name", h.name());
    }

    @Override
    public void close() {
        // Nothing to release: the logging backend belongs to the application.
    }
}
