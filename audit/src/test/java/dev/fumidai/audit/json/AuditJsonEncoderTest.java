// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.EventType;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AuditJsonEncoderTest {

    private static final Pattern RFC3339_UTC_MICROS =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");

    private final AuditJsonEncoder encoder = new AuditJsonEncoder(Redaction.keep());

    private static Map<String, Object> decode(byte[] json) throws IOException {
        return JsonTree.parseObject(json, 0, json.length);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Map<String, Object> m, String name) {
        Object v = m.get(name);
        assertInstanceOf(Map.class, v, name + " must be an object in " + m);
        return (Map<String, Object>) v;
    }

    /** PCI DSS v4 10.2.2 elements, audit schema §1.4: each a required, typed field in a forward.close. */
    @Test
    @SuppressWarnings("unchecked")
    void forwardCloseCarriesEveryPciDss10_2_2Element() throws IOException {
        EventHeader h = SampleEvents.header("jh-01", 4182);
        byte[] json = encoder.encode(SampleEvents.forwardClose(h),
                new ChainStamp("jh-01/file-main", 4182, "00".repeat(32), "11".repeat(32)));
        Map<String, Object> m = decode(json);

        // 10.2.2.1 user identification: actor.id, never blank
        Map<String, Object> actor = obj(m, "actor");
        assertEquals("okta|00u1abc", actor.get("id"));
        // 10.2.2.2 type of event
        assertEquals("forward.close", m.get("event_type"));
        // 10.2.2.3 date and time: RFC 3339 UTC with microseconds
        String time = (String) m.get("time");
        assertTrue(RFC3339_UTC_MICROS.matcher(time).matches(), time);
        assertEquals(h.time(), Instant.parse(time));
        // 10.2.2.4 success and failure indication (+ reason)
        assertEquals("success", m.get("outcome"));
        assertEquals("closed_by_client", m.get("reason"));
        // 10.2.2.5 origination: origin.host, source.address/port, source.listener
        Map<String, Object> origin = obj(m, "origin");
        assertEquals("jump-client-7", origin.get("host"));
        Map<String, Object> process = obj(origin, "process");
        assertEquals("ops-portal", process.get("name"));
        assertEquals(4120L, process.get("pid"));
        assertEquals("0.4.0", process.get("library_version"));
        Map<String, Object> source = obj(m, "source");
        assertEquals("127.0.0.1", source.get("address"));
        assertEquals(55972L, source.get("port"));
        Map<String, Object> listener = obj(source, "listener");
        assertEquals(Map.of("kind", "local", "address", "127.0.0.1", "port", 7100L), listener);
        // 10.2.2.6 identity of the affected resource, name and protocol: target.*, hops[]
        Map<String, Object> target = obj(m, "target");
        assertEquals("db.internal", target.get("host"));
        assertEquals("10.2.3.4", target.get("address"));
        assertEquals(5432L, target.get("port"));
        assertEquals("tcp", target.get("protocol"));
        assertEquals("postgres-prod", target.get("service"));
        List<Object> hops = (List<Object>) m.get("hops");
        assertEquals(2, hops.size());
        Map<String, Object> ssm = (Map<String, Object>) hops.get(0);
        assertEquals("ssm", ssm.get("transport"));
        assertEquals("i-0abc", ssm.get("ssm_target"));
        assertEquals("eu-west-1", ssm.get("region"));
        assertEquals("alice-0e34", ssm.get("ssm_session_id"));
        Map<String, Object> ssh = (Map<String, Object>) hops.get(1);
        assertEquals("ssh", ssh.get("transport"));
        assertEquals("bastion-2", ssh.get("host"));
        assertEquals("10.1.0.5", ssh.get("address"));
        assertEquals(22L, ssh.get("port"));
        assertEquals("alice", ssh.get("remote_login"));
        Map<String, Object> hostKey = obj(ssh, "host_key");
        assertEquals("ssh-ed25519", hostKey.get("alg"));
        assertEquals("ca", hostKey.get("verified_by"));
        Map<String, Object> crypto = obj(ssh, "crypto");
        assertEquals(Boolean.TRUE, crypto.get("strict_kex"));
        assertEquals("<implicit>", crypto.get("mac"));

        // the rest of the §1.5 example: envelope, correlation and measurements
        assertEquals("fumidai-audit/1", m.get("schema"));
        assertEquals(h.eventId(), m.get("event_id"));
        assertEquals(4182L, m.get("seq"));
        assertEquals("jh-01/file-main", m.get("stream_id"));
        assertEquals("00".repeat(32), m.get("prev_hash"));
        assertEquals("11".repeat(32), m.get("hash"));
        assertEquals("s-7f3a", m.get("session_id"));
        assertEquals("c-2", m.get("connection_id"));
        assertEquals("c-2/ch-5", m.get("channel_id"));
        assertEquals("2026-11-28T13:34:40.002114Z", m.get("started_at"));
        assertEquals(32479L, m.get("duration_ms"));
        assertEquals(18211L, m.get("bytes_up"));
        assertEquals(901122L, m.get("bytes_down"));
        assertEquals(List.of("db-oncall"), actor.get("roles"));
        assertEquals(Boolean.TRUE, actor.get("mfa"));
        // hash is the last member, so that "the event without hash" is a prefix of the line
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.endsWith(",\"hash\":\"" + "11".repeat(32) + "\"}"), text);
        assertTrue(text.startsWith("{\"schema\":\"fumidai-audit/1\",\"event_id\""), text);
    }

    @Test
    void encodesEveryEventTypeWithTheRequiredEnvelope() throws IOException {
        List<AuditEvent> events = SampleEvents.oneOfEach("jh-01");
        Set<EventType> seen = EnumSet.noneOf(EventType.class);
        long seq = 1;
        for (AuditEvent e : events) {
            Map<String, Object> m = decode(encoder.encode(e, ChainStamp.plain("jh-01/x", seq)));
            seen.add(EventType.fromWireName((String) m.get("event_type")));
            assertEquals(e.type().wireName(), m.get("event_type"));
            assertEquals("fumidai-audit/1", m.get("schema"));
            assertEquals(e.header().eventId(), m.get("event_id"));
            assertEquals(e.outcome().wireName(), m.get("outcome"));
            assertTrue(RFC3339_UTC_MICROS.matcher((String) m.get("time")).matches());
            assertEquals(seq, m.get("seq"));
            assertEquals("jh-01/x", m.get("stream_id"));
            assertNotNull(obj(m, "actor").get("id"));
            assertNotNull(obj(m, "origin").get("host"));
            assertFalse(m.containsKey("hash"), "no hash without integrity");
            assertFalse(m.containsKey("prev_hash"));
            if (e.outcome() != dev.fumidai.audit.Outcome.SUCCESS && e.reason() != null) {
                assertEquals(e.reason().code().wireName(), m.get("reason"));
            }
            if (!e.type().wireName().startsWith("audit.")) {
                assertEquals("s-7f3a", m.get("session_id"), e.type() + " needs session_id");
            }
            seq++;
        }
        assertEquals(EnumSet.allOf(EventType.class), seen, "one sample per event type");
    }

    @Test
    @SuppressWarnings("unchecked")
    void typeSpecificFieldsFollowTheDictionary() throws IOException {
        List<AuditEvent> events = SampleEvents.oneOfEach("jh-01");
        Map<String, Object> gap = decode(encoder.encode(events.get(4), ChainStamp.plain("s", 1)));
        assertEquals(3L, gap.get("dropped_count"));
        assertEquals(40L, gap.get("from_seq"));
        assertEquals(42L, gap.get("to_seq"));
        assertEquals("syslog", gap.get("sink_name"));

        Map<String, Object> checkpoint = obj(decode(encoder.encode(events.get(5), ChainStamp.plain("s", 1))),
                "checkpoint");
        assertEquals("jh-01/file-main", checkpoint.get("stream_id"));
        assertEquals(1L, checkpoint.get("first_seq"));
        assertEquals(4182L, checkpoint.get("last_seq"));

        Map<String, Object> hopConnect = decode(encoder.encode(events.get(6), ChainStamp.plain("s", 1)));
        assertEquals("c-2", hopConnect.get("connection_id"));
        assertEquals(1L, hopConnect.get("hop_index"));
        assertNotNull(obj(obj(hopConnect, "hop"), "crypto"), "crypto is required on hop.connect");
        Map<String, Object> credential = obj(hopConnect, "credential");
        assertEquals("certificate", credential.get("type"));
        assertEquals("SHA256:hjt22Oo4c2FtcGxl", credential.get("fingerprint"));
        Map<String, Object> cert = obj(credential, "cert");
        assertEquals(Map.of("key_id", "alice@corp", "serial", 771L, "ca_fingerprint", "SHA256:Y2EtZmluZ2Vy",
                "principals", List.of("alice"), "valid_before", "2026-11-29T00:00:00.000000Z"), cert);

        Map<String, Object> hostKey = decode(encoder.encode(events.get(8), ChainStamp.plain("s", 1)));
        assertEquals("tofu", obj(obj(hostKey, "hop"), "host_key").get("verified_by"));
        assertEquals(Boolean.TRUE, hostKey.get("host_key_recorded"));

        Map<String, Object> auth = decode(encoder.encode(events.get(9), ChainStamp.plain("s", 1)));
        assertEquals("failure", auth.get("outcome"));
        assertEquals("auth_failed", auth.get("reason"));
        assertEquals("ssm-user", auth.get("remote_login"));
        assertEquals("aws-iam", obj(auth, "credential").get("type"));
        assertEquals("ASIAEXAMPLE", obj(obj(auth, "credential"), "aws").get("access_key_id"));

        Map<String, Object> listen = decode(encoder.encode(events.get(12), ChainStamp.plain("s", 1)));
        assertEquals("local", obj(obj(listen, "source"), "listener").get("kind"));

        Map<String, Object> denied = decode(encoder.encode(events.get(16), ChainStamp.plain("s", 1)));
        assertEquals("denied", denied.get("outcome"));
        assertEquals("policy", denied.get("reason"));
        assertEquals("port not allowed", denied.get("reason_detail"));
        assertEquals(Map.of("rule_id", "rule-7", "decision", "deny"), obj(denied, "policy"));
        Map<String, Object> deniedTarget = obj(denied, "target");
        assertTrue(deniedTarget.containsKey("address"));
        assertNull(deniedTarget.get("address"), "unresolved address is an explicit null");
        assertEquals("remote", deniedTarget.get("resolved_by"));

        Map<String, Object> execEnd = decode(encoder.encode(events.get(18), ChainStamp.plain("s", 1)));
        assertEquals("pg_dump --schema-only app", execEnd.get("command"));
        assertEquals(0L, execEnd.get("exit_status"));
        assertEquals(1200L, execEnd.get("duration_ms"));
        assertEquals(5000L, execEnd.get("bytes_down"));
        assertEquals(1, ((List<Object>) execEnd.get("hops")).size() - 1);
    }

    @Test
    void redactReplacesEverySensitiveFieldAndNothingElse() throws IOException {
        AuditJsonEncoder redacting = new AuditJsonEncoder(Redaction.redact());
        List<AuditEvent> events = SampleEvents.oneOfEach("jh-01");
        for (AuditEvent e : events) {
            String kept = new String(encoder.encode(e, ChainStamp.plain("s", 1)), StandardCharsets.UTF_8);
            String red = new String(redacting.encode(e, ChainStamp.plain("s", 1)), StandardCharsets.UTF_8);
            for (String sensitive : List.of("okta|00u1abc", "Alice Example", "okta|admin9", "ASIAEXAMPLE",
                    "arn:aws:sts::123456789012:assumed-role/ops/alice", "ops-session", "ssm-user",
                    "\"remote_login\":\"alice\"", "pg_dump")) {
                assertFalse(red.contains(sensitive), sensitive + " leaked in " + red);
            }
            // everything public is unchanged: the redacted text equals the kept one with values substituted
            Map<String, Object> m = decode(red.getBytes(StandardCharsets.UTF_8));
            assertEquals(Redaction.REDACTED, obj(m, "actor").get("id"));
            assertEquals(decode(kept.getBytes(StandardCharsets.UTF_8)).keySet(), m.keySet());
        }
    }

    @Test
    void hmacReplacesSensitiveFieldsWithAKeyedDigest() throws IOException {
        byte[] key = new byte[32];
        key[0] = 7;
        AuditJsonEncoder hmac = new AuditJsonEncoder(Redaction.hmacSha256(key));
        AuditEvent e = SampleEvents.forwardClose(SampleEvents.header("jh-01", 1));
        Map<String, Object> m = decode(hmac.encode(e, ChainStamp.plain("s", 1)));
        String id = (String) obj(m, "actor").get("id");
        assertTrue(id.matches("hmac-sha256:[0-9a-f]{64}"), id);
        // deterministic under one key (correlation), different under another
        assertEquals(id, Redaction.hmacSha256(key).apply("okta|00u1abc"));
        byte[] other = key.clone();
        other[0] = 8;
        assertFalse(id.equals(Redaction.hmacSha256(other).apply("okta|00u1abc")));
        // RFC 4231 test case 2 is for a short key; with a 32-byte key we check against the JDK's own HMAC
        assertThrows(IllegalArgumentException.class, () -> Redaction.hmacSha256(new byte[16]));
    }

    @Test
    void loneSurrogatesBecomeReplacementCharactersSoEveryEventIsWritable() throws IOException {
        EventHeader base = SampleEvents.header("jh-01", 1);
        EventHeader h = new EventHeader(base.eventId(), "jh-01", 1, base.time(),
                dev.fumidai.audit.Actor.of("a\ud800b\udc00c\ud83d\ude00"), base.origin(), "s");
        byte[] json = encoder.encode(SampleEvents.forwardClose(h), ChainStamp.plain("s", 1));
        Map<String, Object> m = decode(json);
        assertEquals("a\ufffdb\ufffdc\ud83d\ude00", obj(m, "actor").get("id"));
        assertEquals(64, dev.fumidai.audit.file.ChainHash.compute(dev.fumidai.audit.file.ChainHash.GENESIS, m)
                .length());
    }

    @Test
    void decoderGivesBackEveryEventTypeSoThatReEncodingIsIdentical() throws IOException {
        for (AuditEvent e : SampleEvents.oneOfEach("jh-01")) {
            ChainStamp stamp = ChainStamp.plain(e.header().emitterId(), e.header().emitterSeq());
            byte[] json = encoder.encode(e, stamp);
            AuditEvent back = AuditJsonDecoder.decode(json);
            assertEquals(e.getClass(), back.getClass());
            assertEquals(e.header(), back.header());
            assertEquals(new String(json, StandardCharsets.UTF_8),
                    new String(encoder.encode(back, stamp), StandardCharsets.UTF_8));
        }
        assertEquals(SampleEvents.forwardClose(SampleEvents.header("jh-01", 3)),
                AuditJsonDecoder.decode(encoder.encode(SampleEvents.forwardClose(SampleEvents.header("jh-01", 3)),
                        ChainStamp.plain("jh-01", 3))));
        assertThrows(IOException.class, () -> AuditJsonDecoder.decode("{\"event_type\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void timeHasExactlySixFractionDigitsInUtc() {
        assertEquals("2026-11-28T13:35:12.000000Z", AuditJsonEncoder.formatTime(Instant.parse("2026-11-28T13:35:12Z")));
        assertEquals("2026-11-28T13:35:12.481233Z",
                AuditJsonEncoder.formatTime(Instant.parse("2026-11-28T13:35:12.481233999Z")));
    }

    @Test
    void decoderRejectsDuplicateNamesAndTrailingContent() {
        assertThrows(IOException.class, () -> JsonTree.parse("{\"a\":1,\"a\":2}"));
        assertThrows(IOException.class, () -> JsonTree.parse("{\"a\":1} {}"));
        assertThrows(IOException.class, () -> JsonTree.parse("{\"a\":"));
        assertThrows(IOException.class, () -> JsonTree.parse("[".repeat(100) + "]".repeat(100)));
    }
}
