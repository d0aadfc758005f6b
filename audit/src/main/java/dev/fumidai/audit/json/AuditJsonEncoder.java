// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AgentForwarded;
import dev.fumidai.audit.AuditCheckpoint;
import dev.fumidai.audit.AuditDegraded;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.AuditRecovered;
import dev.fumidai.audit.AuditStarted;
import dev.fumidai.audit.AuditStopped;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.AwsIdentity;
import dev.fumidai.audit.CertificateInfo;
import dev.fumidai.audit.Credential;
import dev.fumidai.audit.CryptoInfo;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.ExecEnded;
import dev.fumidai.audit.ExecStarted;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardDenied;
import dev.fumidai.audit.ForwardListened;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.ForwardUnlistened;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.HostKeyInfo;
import dev.fumidai.audit.Listener;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.PolicyDecided;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.SessionEnded;
import dev.fumidai.audit.SessionStarted;
import dev.fumidai.audit.Source;
import dev.fumidai.audit.TargetInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Encodes audit events as one JSON object each, following the field dictionary of {@code docs/audit-schema.md}
 * §1.3 and the nesting of the §1.5 example, with {@code "schema": "fumidai-audit/1"}.
 *
 * <h2>Shape</h2>
 * The envelope comes first ({@code schema}, {@code event_id}, {@code event_type}, {@code outcome}, {@code reason},
 * {@code reason_detail}, {@code time}, {@code seq}, {@code stream_id}, {@code prev_hash}, {@code actor},
 * {@code origin}, {@code session_id}), then the fields of the event type, then {@code hash}. Optional fields
 * whose value is unknown are left out; conditionally required fields whose value is unknown are written as
 * {@code null} ({@code source.address} of an in-process stream, {@code target.address} resolved remotely, with
 * {@code target.resolved_by}). Times are RFC 3339 in UTC with exactly six fraction digits.
 *
 * <h2>Fields the dictionary does not name</h2>
 * The model carries a few facts §1.3 has no name for; they are written as {@code sink_name} (audit.start, stop,
 * degraded, recovered, gap), {@code hop_index} and {@code hop} (a single hop object shaped like
 * {@code hops[i]}, on hop.* and auth.attempt), {@code hops[i].name} (the logical hop name),
 * {@code host_key_recorded} (hop.hostkey: known_hosts was written), {@code trivial} (auth.attempt),
 * {@code connections} (forward.unlisten), and the checkpoint body under {@code checkpoint} (because its own
 * {@code stream_id}, the stream it covers, would collide with the envelope's).
 *
 * <h2>Classes</h2>
 * {@code sensitive} fields pass through the sink's {@link Redaction}; {@code command} is further written as
 * {@link Redaction#REDACTED} unless the encoder records commands (see {@link #AuditJsonEncoder(Redaction, boolean)});
 * {@code secret} values never reach an event.
 * Lone UTF-16 surrogates in any string are written as U+FFFD, so that every event has a UTF-8 and RFC 8785 form.
 *
 * <h2>Threading</h2>
 * Immutable and safe to share.
 */
public final class AuditJsonEncoder {

    /** Is the value of the {@code schema} field; bumped on a breaking change of the field dictionary. */
    public static final String SCHEMA = "fumidai-audit/1";

    private static final DateTimeFormatter RFC3339_MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final Redaction redaction;
    private final boolean recordCommands;

    /**
     * Creates an encoder applying {@code redaction} to every sensitive field, {@code command} included. This is the
     * encoder for round trips (the spool, the decoder's tests); sinks choose with {@link #AuditJsonEncoder(Redaction,
     * boolean)}.
     */
    public AuditJsonEncoder(Redaction redaction) {
        this(redaction, true);
    }

    /**
     * Creates an encoder applying {@code redaction} to sensitive fields, and deciding separately for
     * {@code command}.
     *
     * @param redaction what to write for sensitive fields
     * @param recordCommands whether {@code command} goes through {@code redaction} like the other sensitive fields;
     *     if {@code false} it is written as {@link Redaction#REDACTED}, or as its HMAC when {@code redaction} is
     *     {@link Redaction.Mode#HMAC_SHA256} (keyed, so a guessed command line cannot be confirmed without the key;
     *     a plain SHA-256 is left out on purpose: command lines are short and often guessable)
     */
    public AuditJsonEncoder(Redaction redaction, boolean recordCommands) {
        this.redaction = Objects.requireNonNull(redaction, "redaction");
        this.recordCommands = recordCommands;
    }

    /** Returns whether {@code command} goes through the redaction like other sensitive fields. */
    public boolean recordsCommands() {
        return recordCommands;
    }

    private String command(String value) {
        if (value == null || recordCommands || redaction.mode() == Redaction.Mode.HMAC_SHA256) {
            return redaction.apply(value);
        }
        return Redaction.REDACTED;
    }

    /** Returns the redaction this encoder applies. */
    public Redaction redaction() {
        return redaction;
    }

    /** Formats an instant as RFC 3339 UTC with microseconds (truncating finer digits), as {@code time} is written. */
    public static String formatTime(Instant instant) {
        return RFC3339_MICROS.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * Encodes one event as UTF-8 JSON without a line terminator.
     *
     * @param event the event
     * @param stamp the stream fields; its {@code hash} is written last when not {@code null}
     */
    public byte[] encode(AuditEvent event, ChainStamp stamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            writeEnvelope(g, event, stamp);
            writeBody(g, event);
            if (stamp.hash() != null) {
                writeStr(g, "hash", stamp.hash());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private void writeEnvelope(JsonGenerator g, AuditEvent event, ChainStamp stamp) throws IOException {
        EventHeader h = event.header();
        writeStr(g, "schema", SCHEMA);
        writeStr(g, "event_id", h.eventId());
        writeStr(g, "event_type", event.type().wireName());
        writeStr(g, "outcome", event.outcome().wireName());
        Reason reason = event.reason();
        if (reason != null) {
            writeStr(g, "reason", reason.code().wireName());
            if (reason.detail() != null) {
                writeStr(g, "reason_detail", reason.detail());
            }
        }
        writeStr(g, "time", formatTime(h.time()));
        g.writeNumberField("seq", stamp.seq());
        writeStr(g, "stream_id", stamp.streamId());
        if (stamp.prevHash() != null) {
            writeStr(g, "prev_hash", stamp.prevHash());
        }
        writeActor(g, h.actor());
        writeOrigin(g, h.origin());
        if (h.sessionId() != null) {
            writeStr(g, "session_id", h.sessionId());
        }
    }

    private void writeActor(JsonGenerator g, Actor actor) throws IOException {
        g.writeObjectFieldStart("actor");
        writeStr(g, "id", redaction.apply(actor.id()));
        optString(g, "name", redaction.apply(actor.name()));
        if (!actor.roles().isEmpty()) {
            writeStrings(g, "roles", actor.roles());
        }
        optString(g, "on_behalf_of", redaction.apply(actor.onBehalfOf()));
        if (actor.mfa() != null) {
            g.writeBooleanField("mfa", actor.mfa());
        }
        g.writeEndObject();
    }

    private static void writeOrigin(JsonGenerator g, Origin origin) throws IOException {
        g.writeObjectFieldStart("origin");
        writeStr(g, "host", origin.host());
        g.writeObjectFieldStart("process");
        writeStr(g, "name", origin.processName());
        g.writeNumberField("pid", origin.pid());
        writeStr(g, "library_version", origin.libraryVersion());
        g.writeEndObject();
        g.writeEndObject();
    }

    private void writeBody(JsonGenerator g, AuditEvent event) throws IOException {
        if (event instanceof AuditStarted e) {
            writeStr(g, "sink_name", e.sinkName());
        } else if (event instanceof AuditStopped e) {
            writeStr(g, "sink_name", e.sinkName());
        } else if (event instanceof AuditDegraded e) {
            writeStr(g, "sink_name", e.sinkName());
        } else if (event instanceof AuditRecovered e) {
            writeStr(g, "sink_name", e.sinkName());
            g.writeNumberField("dropped_count", e.droppedCount());
        } else if (event instanceof AuditGap e) {
            writeStr(g, "sink_name", e.sinkName());
            g.writeNumberField("dropped_count", e.droppedCount());
            g.writeNumberField("from_seq", e.fromSeq());
            g.writeNumberField("to_seq", e.toSeq());
        } else if (event instanceof AuditCheckpoint e) {
            g.writeObjectFieldStart("checkpoint");
            writeStr(g, "stream_id", e.streamId());
            g.writeNumberField("first_seq", e.firstSeq());
            g.writeNumberField("last_seq", e.lastSeq());
            writeStr(g, "chain_head", e.chainHead());
            optString(g, "tree_root", e.treeRoot());
            optString(g, "key_id", e.keyId());
            optString(g, "signature", e.signature());
            g.writeEndObject();
        } else if (event instanceof HopConnected e) {
            writeHopRef(g, e.hopIndex(), e.hop(), null);
            writeStr(g, "connection_id", e.connectionId());
            writeCredential(g, e.credential());
        } else if (event instanceof HopDisconnected e) {
            writeHopRef(g, e.hopIndex(), e.hop(), null);
            writeStr(g, "connection_id", e.connectionId());
            writeDuration(g, e.startedAt(), e.durationMs());
        } else if (event instanceof HostKeyChecked e) {
            writeHopRef(g, e.hopIndex(), e.hop(), e.hostKey());
            writeStr(g, "connection_id", e.connectionId());
            g.writeBooleanField("host_key_recorded", e.recorded());
        } else if (event instanceof AuthAttempted e) {
            writeHopRef(g, e.hopIndex(), e.hop(), null);
            writeStr(g, "connection_id", e.connectionId());
            writeCredential(g, e.credential());
            optString(g, "remote_login", redaction.apply(e.remoteLogin()));
            g.writeBooleanField("trivial", e.trivial());
        } else if (event instanceof SessionStarted e) {
            writeSource(g, e.source());
            writeHops(g, e.hops());
        } else if (event instanceof SessionEnded e) {
            writeHops(g, e.hops());
            writeDuration(g, e.startedAt(), e.durationMs());
            writeBytes(g, e.bytesUp(), e.bytesDown());
        } else if (event instanceof ForwardListened e) {
            writeListenerOnly(g, e.listener());
            writeTarget(g, e.target());
            writeHops(g, e.hops());
        } else if (event instanceof ForwardUnlistened e) {
            writeListenerOnly(g, e.listener());
            writeTarget(g, e.target());
            writeHops(g, e.hops());
            writeDuration(g, e.startedAt(), e.durationMs());
            g.writeNumberField("connections", e.connections());
        } else if (event instanceof ForwardOpened e) {
            writeSource(g, e.source());
            writeTarget(g, e.target());
            writeHops(g, e.hops());
            optString(g, "connection_id", e.connectionId());
            optString(g, "channel_id", e.channelId());
        } else if (event instanceof ForwardClosed e) {
            writeSource(g, e.source());
            writeTarget(g, e.target());
            writeHops(g, e.hops());
            optString(g, "connection_id", e.connectionId());
            optString(g, "channel_id", e.channelId());
            writeDuration(g, e.startedAt(), e.durationMs());
            writeBytes(g, e.bytesUp(), e.bytesDown());
        } else if (event instanceof ForwardDenied e) {
            writeSource(g, e.source());
            writeTarget(g, e.target());
            writeHops(g, e.hops());
            if (e.policyRuleId() != null) {
                g.writeObjectFieldStart("policy");
                writeStr(g, "rule_id", e.policyRuleId());
                writeStr(g, "decision", "deny");
                g.writeEndObject();
            }
        } else if (event instanceof ExecStarted e) {
            writeHops(g, e.hops());
            optString(g, "connection_id", e.connectionId());
            optString(g, "channel_id", e.channelId());
            optString(g, "command", command(e.command()));
        } else if (event instanceof ExecEnded e) {
            writeHops(g, e.hops());
            optString(g, "connection_id", e.connectionId());
            optString(g, "channel_id", e.channelId());
            optString(g, "command", command(e.command()));
            if (e.exitStatus() != null) {
                g.writeNumberField("exit_status", e.exitStatus());
            }
            optString(g, "exit_signal", e.exitSignal());
            writeDuration(g, e.startedAt(), e.durationMs());
            writeBytes(g, e.bytesUp(), e.bytesDown());
        } else if (event instanceof AgentForwarded e) {
            writeHops(g, e.hops());
            optString(g, "connection_id", e.connectionId());
        } else if (event instanceof PolicyDecided e) {
            g.writeObjectFieldStart("policy");
            optString(g, "rule_id", e.ruleId());
            optString(g, "decision", e.decision());
            g.writeEndObject();
            writeTarget(g, e.target());
        } else {
            // The interface is sealed: a new record type must get its encoding here before it can be emitted.
            throw new IllegalArgumentException("no JSON encoding for " + event.getClass().getName());
        }
    }

    private void writeHopRef(JsonGenerator g, int index, HopInfo hop, HostKeyInfo presentedKey) throws IOException {
        g.writeNumberField("hop_index", index);
        if (hop != null) {
            g.writeFieldName("hop");
            writeHop(g, presentedKey == null ? hop : hop.withHostKey(presentedKey));
        } else if (presentedKey != null) {
            g.writeObjectFieldStart("hop");
            g.writeFieldName("host_key");
            writeHostKey(g, presentedKey);
            g.writeEndObject();
        }
    }

    private void writeHops(JsonGenerator g, List<HopInfo> hops) throws IOException {
        g.writeArrayFieldStart("hops");
        for (HopInfo hop : hops) {
            writeHop(g, hop);
        }
        g.writeEndArray();
    }

    private void writeHop(JsonGenerator g, HopInfo hop) throws IOException {
        g.writeStartObject();
        writeStr(g, "transport", hop.transport());
        writeStr(g, "name", hop.name());
        optString(g, "host", hop.host());
        optString(g, "address", hop.address());
        if (hop.port() > 0) {
            g.writeNumberField("port", hop.port());
        }
        if (hop.hostKey() != null) {
            g.writeFieldName("host_key");
            writeHostKey(g, hop.hostKey());
        }
        optString(g, "ssm_target", hop.ssmTarget());
        optString(g, "region", hop.region());
        optString(g, "ssm_session_id", hop.ssmSessionId());
        if (hop.crypto() != null) {
            CryptoInfo c = hop.crypto();
            g.writeObjectFieldStart("crypto");
            optString(g, "kex", c.kex());
            optString(g, "cipher", c.cipher());
            optString(g, "mac", c.mac());
            optString(g, "hostkey_alg", c.hostkeyAlg());
            g.writeBooleanField("strict_kex", c.strictKex());
            g.writeEndObject();
        }
        optString(g, "remote_login", redaction.apply(hop.remoteLogin()));
        g.writeEndObject();
    }

    private static void writeHostKey(JsonGenerator g, HostKeyInfo key) throws IOException {
        g.writeStartObject();
        optString(g, "alg", key.alg());
        optString(g, "fingerprint", key.fingerprint());
        if (key.verifiedBy() != null) {
            writeStr(g, "verified_by", key.verifiedBy().wireName());
        }
        g.writeEndObject();
    }

    private void writeCredential(JsonGenerator g, Credential credential) throws IOException {
        if (credential == null) {
            return;
        }
        g.writeObjectFieldStart("credential");
        writeStr(g, "type", credential.type().wireName());
        optString(g, "fingerprint", credential.fingerprint());
        CertificateInfo cert = credential.cert();
        if (cert != null) {
            g.writeObjectFieldStart("cert");
            optString(g, "key_id", cert.keyId());
            g.writeNumberField("serial", cert.serial());
            optString(g, "ca_fingerprint", cert.caFingerprint());
            if (!cert.principals().isEmpty()) {
                writeStrings(g, "principals", cert.principals());
            }
            if (cert.validBefore() != null) {
                writeStr(g, "valid_before", formatTime(cert.validBefore()));
            }
            g.writeEndObject();
        }
        AwsIdentity aws = credential.aws();
        if (aws != null) {
            g.writeObjectFieldStart("aws");
            optString(g, "arn", redaction.apply(aws.arn()));
            optString(g, "access_key_id", redaction.apply(aws.accessKeyId()));
            optString(g, "session_context", redaction.apply(aws.sessionContext()));
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeSource(JsonGenerator g, Source source) throws IOException {
        if (source == null) {
            return;
        }
        g.writeObjectFieldStart("source");
        // Conditionally required (forward.open, session.start): null says "no network peer" (in-process stream).
        writeStr(g, "address", source.address());
        if (source.address() != null) {
            g.writeNumberField("port", source.port());
        }
        if (source.listener() != null) {
            g.writeFieldName("listener");
            writeListener(g, source.listener());
        }
        g.writeEndObject();
    }

    private static void writeListenerOnly(JsonGenerator g, Listener listener) throws IOException {
        if (listener == null) {
            return;
        }
        g.writeObjectFieldStart("source");
        g.writeFieldName("listener");
        writeListener(g, listener);
        g.writeEndObject();
    }

    private static void writeListener(JsonGenerator g, Listener listener) throws IOException {
        g.writeStartObject();
        writeStr(g, "kind", listener.kind().wireName());
        optString(g, "address", listener.address());
        g.writeNumberField("port", listener.port());
        g.writeEndObject();
    }

    private static void writeTarget(JsonGenerator g, TargetInfo target) throws IOException {
        if (target == null) {
            return;
        }
        g.writeObjectFieldStart("target");
        writeStr(g, "host", target.host());
        // Required on a successful forward.open; null with resolved_by "remote" when the last hop resolved it.
        writeStr(g, "address", target.address());
        g.writeNumberField("port", target.port());
        writeStr(g, "protocol", target.protocol().wireName());
        optString(g, "service", target.service());
        optString(g, "resolved_by", target.resolvedBy());
        g.writeEndObject();
    }

    private static void writeDuration(JsonGenerator g, Instant startedAt, long durationMs) throws IOException {
        if (startedAt != null) {
            writeStr(g, "started_at", formatTime(startedAt));
        }
        g.writeNumberField("duration_ms", durationMs);
    }

    private static void writeBytes(JsonGenerator g, long up, long down) throws IOException {
        g.writeNumberField("bytes_up", up);
        g.writeNumberField("bytes_down", down);
    }

    private static void writeStrings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(clean(v));
        }
        g.writeEndArray();
    }

    private static void optString(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            writeStr(g, name, value);
        }
    }

    private static void writeStr(JsonGenerator g, String name, String value) throws IOException {
        g.writeStringField(name, clean(value));
    }

    /**
     * Replaces lone UTF-16 surrogates with U+FFFD: they have no UTF-8 form, I-JSON (RFC 7493 §2.1) forbids them,
     * and RFC 8785 cannot canonicalise them. A value from the application must never make an event unwritable.
     */
    static @Nullable String clean(@Nullable String value) {
        if (value == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean lone;
            if (Character.isHighSurrogate(c)) {
                lone = i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
                if (!lone) {
                    if (sb != null) {
                        sb.append(c).append(value.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                lone = Character.isLowSurrogate(c);
            }
            if (lone && sb == null) {
                sb = new StringBuilder(value.length()).append(value, 0, i);
            }
            if (sb != null) {
                sb.append(lone ? '\uFFFD' : c);
            }
        }
        return sb == null ? value : sb.toString();
    }
}
