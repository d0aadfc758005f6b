// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.syslog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.json.AuditJsonEncoder;
import dev.fumidai.audit.json.ChainStamp;
import dev.fumidai.audit.json.JsonTree;
import dev.fumidai.audit.json.Redaction;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyslogMessageEncoderTest {

    private final SyslogMessageEncoder encoder = new SyslogMessageEncoder(13, 32473,
            new AuditJsonEncoder(Redaction.redact()));

    @Test
    void formatsTheHeaderStructuredDataAndBomJson() throws IOException {
        EventHeader h = SampleEvents.header("jh-01", 4182);
        byte[] msg = encoder.encode(SampleEvents.forwardClose(h), ChainStamp.plain("jh-01/syslog", 9));
        String text = new String(msg, StandardCharsets.UTF_8);
        // facility 13 (log audit) x 8 + severity 5 (notice) = 109
        String head = "<109>1 " + AuditJsonEncoder.formatTime(h.time())
                + " jump-client-7 ops-portal 4120 forward.close [fumidai@32473 event_id=\"" + h.eventId() + "\"";
        assertTrue(text.startsWith(head), text);
        for (String p : new String[] {"event_type=\"forward.close\"", "outcome=\"success\"",
                "reason=\"closed_by_client\"", "seq=\"9\"", "stream_id=\"jh-01/syslog\"", "session_id=\"s-7f3a\"",
                "origin.host=\"jump-client-7\"", "source.address=\"127.0.0.1\"", "source.port=\"55972\"",
                "source.listener.kind=\"local\"", "target.host=\"db.internal\"", "target.address=\"10.2.3.4\"",
                "target.port=\"5432\"", "target.protocol=\"tcp\"", "bytes_up=\"18211\"", "bytes_down=\"901122\"",
                "duration_ms=\"32479\"", "channel_id=\"c-2/ch-5\""}) {
            assertTrue(text.contains(" " + p), p + " missing in " + text);
        }
        assertFalse(text.substring(0, text.indexOf("] ")).contains("okta"), "sensitive actor.id is not in the SD");
        int bom = text.indexOf("] ") + 2;
        assertArrayEquals(SyslogMessageEncoder.BOM, Arrays.copyOfRange(msg, bom, bom + 3));
        byte[] json = Arrays.copyOfRange(msg, bom + 3, msg.length);
        Map<String, Object> m = JsonTree.parseObject(json, 0, json.length);
        assertEquals("forward.close", m.get("event_type"));
        assertEquals("[redacted]", ((Map<?, ?>) m.get("actor")).get("id"));
        // every SD-PARAM name fits RFC 5424's 32-character limit
        SyslogMessageEncoder.SD_PARAMS.forEach(p -> assertTrue(p.length() <= 32 && !p.contains("=")
                && !p.contains(" ") && !p.contains("]") && !p.contains("\""), p));
    }

    @Test
    void escapesQuoteBackslashAndBracketInParamValues() {
        StringBuilder sb = new StringBuilder();
        SyslogMessageEncoder.escapeParamValue(sb, "a\"b\\c]d[e=f");
        assertEquals("a\\\"b\\\\c\\]d[e=f", sb.toString());

        EventHeader base = SampleEvents.header("jh-01", 1);
        EventHeader h = new EventHeader(base.eventId(), "jh-01", 1, base.time(), Actor.of("x"),
                new Origin("h\u00f6st name", "app " + "n".repeat(60), 7, "1"), "s\"]\\");
        String text = new String(encoder.encode(new dev.fumidai.audit.AuditDegraded(h, "syslog",
                Reason.of(ReasonCode.SINK_FAILURE)), ChainStamp.plain("jh-01/syslog", 1)), StandardCharsets.UTF_8);
        // error outcome: severity 3; header fields printable ASCII with length limits
        assertTrue(text.startsWith("<107>1 "), text);
        String[] fields = text.split(" ", 7);
        assertEquals("h_st_name", fields[2]);
        assertEquals(48, fields[3].length());
        assertEquals("audit.degraded", fields[5]);
        assertTrue(text.contains(" session_id=\"s\\\"\\]\\\\\""), text);
    }

    @Test
    void framesByOctetCount() {
        byte[] msg = "<109>1 - - - - - - \u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] frame = SyslogMessageEncoder.frame(msg);
        assertEquals(msg.length + " ", new String(frame, 0, String.valueOf(msg.length).length() + 1,
                StandardCharsets.US_ASCII));
        assertEquals(21, msg.length, "19 ASCII bytes and a two-byte e-acute");
        assertEquals("21 <109>1", new String(frame, 0, 9, StandardCharsets.US_ASCII));
    }

    @Test
    void refusesFacilitiesThatAreNotForAudit() {
        assertThrows(IllegalArgumentException.class, () -> new SyslogMessageEncoder(1, 32473,
                new AuditJsonEncoder(Redaction.keep())));
    }
}
