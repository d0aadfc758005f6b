// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.syslog;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.json.AuditJsonEncoder;
import dev.fumidai.audit.json.ChainStamp;
import dev.fumidai.audit.json.JsonTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Formats an audit event as an RFC 5424 message (audit schema §1.5 and §4):
 * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [fumidai@PEN ...] BOM JSON}.
 *
 * <ul>
 *   <li>PRI = facility × 8 + severity (RFC 5424 §6.2.1); severity 5 (notice) for success, 4 (warning) for failure and
 *       denied, 3 (error) for error outcomes.</li>
 *   <li>TIMESTAMP is the event's {@code time}: RFC 3339, UTC, six fraction digits (§6.2.3).</li>
 *   <li>HOSTNAME is {@code origin.host} (≤ 255), APP-NAME {@code origin.process.name} (≤ 48), PROCID the pid
 *       (≤ 128), MSGID the {@code event_type} (≤ 32): printable US-ASCII only (§6), other characters become
 *       {@code _}, empty values the NILVALUE {@code -}.</li>
 *   <li>One SD-ELEMENT {@code fumidai@<PEN>} (§6.3.2, private SD-ID) holds the flat public fields under their
 *       dictionary names ({@link #SD_PARAMS}), PARAM-VALUE escaping {@code "}, {@code \} and {@code ]} (§6.3.3).
 *       Sensitive fields stay out of the structured data; they are in the JSON, redacted as the sink says.</li>
 *   <li>MSG is the UTF-8 BOM followed by the event's full JSON (§6.4).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Immutable and safe to share.
 */
public final class SyslogMessageEncoder {

    /** Is the UTF-8 byte order mark that must start a UTF-8 MSG (RFC 5424 §6.4). */
    static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** Lists the public dictionary fields copied into the structured data, as dotted paths into the JSON. */
    public static final List<String> SD_PARAMS = List.of("event_id", "event_type", "outcome", "reason", "seq",
            "stream_id", "session_id", "connection_id", "channel_id", "origin.host", "source.address", "source.port",
            "source.listener.kind", "target.host", "target.address", "target.port", "target.protocol",
            "target.service", "bytes_up", "bytes_down", "duration_ms", "exit_status", "dropped_count", "from_seq",
            "to_seq");

    private final int facility;
    private final String sdId;
    private final AuditJsonEncoder json;

    /**
     * Creates an encoder.
     *
     * @param facility 4 (auth), 10 (authpriv) or 13 (log audit), the facilities of audit schema §4
     * @param enterpriseNumber the IANA Private Enterprise Number of the SD-ID
     * @param json the JSON encoder, with the sink's redaction
     */
    public SyslogMessageEncoder(int facility, long enterpriseNumber, AuditJsonEncoder json) {
        if (facility != 4 && facility != 10 && facility != 13) {
            throw new IllegalArgumentException("facility must be 4, 10 or 13, not " + facility);
        }
        if (enterpriseNumber < 1) {
            throw new IllegalArgumentException("enterprise number must be positive");
        }
        this.facility = facility;
        this.sdId = "fumidai@" + enterpriseNumber;
        this.json = json;
    }

    /** Returns the RFC 5424 message for an event in a stream (without framing). */
    public byte[] encode(AuditEvent event, ChainStamp stamp) {
        byte[] body = json.encode(event, stamp);
        Map<String, Object> tree;
        try {
            tree = JsonTree.parseObject(body, 0, body.length);
        } catch (IOException e) {
            throw new UncheckedIOException("our own JSON must parse", e);
        }
        EventHeader h = event.header();
        int severity = switch (event.outcome()) {
            case SUCCESS -> 5;
            case FAILURE, DENIED -> 4;
            case ERROR -> 3;
        };
        StringBuilder sb = new StringBuilder(512);
        sb.append('<').append(facility * 8 + severity).append(">1 ")
                .append(AuditJsonEncoder.formatTime(h.time())).append(' ')
                .append(header(h.origin().host(), 255)).append(' ')
                .append(header(h.origin().processName(), 48)).append(' ')
                .append(header(Long.toString(h.origin().pid()), 128)).append(' ')
                .append(header(event.type().wireName(), 32)).append(' ')
                .append('[').append(sdId);
        for (String param : SD_PARAMS) {
            Object v = lookup(tree, param);
            if (v instanceof String || v instanceof Long || v instanceof Boolean) {
                sb.append(' ').append(param).append("=\"");
                escapeParamValue(sb, v.toString());
                sb.append('"');
            }
        }
        sb.append("] ");
        ByteArrayOutputStream out = new ByteArrayOutputStream(sb.length() + body.length + 8);
        out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(BOM);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Returns an RFC 6587 §3.4.1 octet-counted frame: {@code MSG-LEN SP SYSLOG-MSG}. */
    public static byte[] frame(byte[] message) {
        byte[] prefix = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[prefix.length + message.length];
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        System.arraycopy(message, 0, frame, prefix.length, message.length);
        return frame;
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Object lookup(Map<String, Object> tree, String dotted) {
        Object v = tree;
        for (String part : dotted.split("\\.")) {
            if (!(v instanceof Map)) {
                return null;
            }
            v = ((Map<String, Object>) v).get(part);
        }
        return v;
    }

    /** Escapes a PARAM-VALUE (RFC 5424 §6.3.3): {@code "}, {@code \} and {@code ]} get a backslash. */
    static void escapeParamValue(StringBuilder sb, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                sb.append('\\');
            }
            sb.append(c);
        }
    }

    /** Returns a header field: PRINTUSASCII (33..126) only, at most {@code max} characters, NILVALUE if empty. */
    static String header(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && sb.length() < max; i++) {
            char c = value.charAt(i);
            sb.append(c >= 33 && c <= 126 ? c : '_');
        }
        return sb.toString();
    }
}
