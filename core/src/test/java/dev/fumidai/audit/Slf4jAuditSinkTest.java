// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventAware;

class Slf4jAuditSinkTest {

    /** Records fluent-API events with their key-value pairs. */
    private static final class RecordingLogger extends LegacyAbstractLogger implements LoggingEventAware {
        final List<Map<String, Object>> records = new ArrayList<>();
        final List<Level> levels = new ArrayList<>();

        @Override
        public void log(LoggingEvent event) {
            Map<String, Object> kv = new LinkedHashMap<>();
            event.getKeyValuePairs().forEach(p -> kv.put(p.key, p.value));
            records.add(kv);
            levels.add(event.getLevel());
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args,
                Throwable t) {
            throw new AssertionError("the sink must use the fluent API with key-values");
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    @Test
    void writesStructuredKeyValuesAndWarnsOnFailures() {
        RecordingLogger log = new RecordingLogger();
        Slf4jAuditSink sink = Slf4jAuditSink.create(log);
        EventHeader h = new EventHeader("0190f6c4-6b2e-7c1a-9a57-3e2b8f1c0d11", "jh-1", 7, Instant.EPOCH,
                new Actor("okta|00u1abc", "Alice Secret-Name", List.of(), null, true),
                new Origin("client-7", "ops", 42, "0.1.0"), "s-1");
        Source src = new Source("127.0.0.1", 55972, new Listener(ListenerKind.LOCAL, "127.0.0.1", 7100));
        TargetInfo tgt = new TargetInfo("db.internal", null, 5432, TargetProtocol.TCP, null, "remote");
        sink.accept(new ForwardClosed(h, Outcome.SUCCESS, Reason.of(ReasonCode.CLOSED_BY_CLIENT), src, tgt,
                List.of(HopInfo.basic("ssh", "bastion", "10.0.0.5", 22)), "c-1", "c-1/ch-5", Instant.EPOCH, 32479,
                18211, 901122));
        sink.accept(new ForwardDenied(h, Reason.of(ReasonCode.POLICY, "filter"), src, tgt, List.of(), "rule-1"));
        Map<String, Object> kv = log.records.get(0);
        assertEquals("forward.close", kv.get("event_type"));
        assertEquals("success", kv.get("outcome"));
        assertEquals("okta|00u1abc", kv.get("actor.id"));
        assertEquals("127.0.0.1", kv.get("source.address"));
        assertEquals(55972, kv.get("source.port"));
        assertEquals("db.internal", kv.get("target.host"));
        assertEquals(18211L, kv.get("bytes_up"));
        assertEquals(901122L, kv.get("bytes_down"));
        assertEquals("ssh:bastion", kv.get("hops"));
        assertEquals("closed_by_client", kv.get("reason"));
        assertFalse(kv.containsValue("Alice Secret-Name"), "the sensitive actor name is left out");
        assertEquals(Level.INFO, log.levels.get(0));
        assertEquals(Level.WARN, log.levels.get(1), "a denial logs at WARN");
        assertEquals("denied", log.records.get(1).get("outcome"));
    }
}
