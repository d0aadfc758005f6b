// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

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
import dev.fumidai.audit.CredentialType;
import dev.fumidai.audit.CryptoInfo;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.EventType;
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
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.PolicyDecided;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.SessionEnded;
import dev.fumidai.audit.SessionStarted;
import dev.fumidai.audit.Source;
import dev.fumidai.audit.TargetInfo;
import dev.fumidai.audit.TargetProtocol;
import dev.fumidai.audit.VerifiedBy;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the JSON written by {@link AuditJsonEncoder} back into event records, for sinks that must store events
 * and hand them on later (the write-ahead spool). The header's {@code emitterId} and {@code emitterSeq} are taken
 * from {@code stream_id} and {@code seq}, so encode with {@code ChainStamp.plain(emitterId, emitterSeq)} to keep
 * them. Only what the JSON holds comes back: redacted values stay redacted, and re-encoding gives the same JSON.
 *
 * <h2>Threading</h2>
 * Stateless; safe from any thread.
 */
public final class AuditJsonDecoder {

    private AuditJsonDecoder() {
    }

    /** Decodes one JSON record. @throws IOException if it is not a well-formed record of a known type */
    public static AuditEvent decode(byte[] json) throws IOException {
        return decode(JsonTree.parseObject(json, 0, json.length));
    }

    /** Decodes one parsed record. @throws IOException if it is not a well-formed record of a known type */
    public static AuditEvent decode(Map<String, Object> m) throws IOException {
        try {
            return decodeUnchecked(m);
        } catch (RuntimeException e) {
            throw new IOException("not a decodable audit record: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static AuditEvent decodeUnchecked(Map<String, Object> m) {
        Map<String, Object> actorMap = obj(m, "actor");
        Map<String, Object> originMap = obj(m, "origin");
        Map<String, Object> process = obj(originMap, "process");
        Actor actor = new Actor(str(actorMap, "id"), str(actorMap, "name"), strings(actorMap.get("roles")),
                str(actorMap, "on_behalf_of"), (Boolean) actorMap.get("mfa"));
        Origin origin = new Origin(str(originMap, "host"), str(process, "name"), lng(process, "pid"),
                str(process, "library_version"));
        EventHeader h = new EventHeader(str(m, "event_id"), str(m, "stream_id"), lng(m, "seq"),
                Instant.parse(str(m, "time")), actor, origin, str(m, "session_id"));
        EventType type = EventType.fromWireName(str(m, "event_type"));
        Outcome outcome = outcome(str(m, "outcome"));
        Reason reason = m.get("reason") == null ? null
                : new Reason(enumOf(ReasonCode.values(), ReasonCode::wireName, str(m, "reason")),
                        str(m, "reason_detail"));
        switch (type) {
            case AUDIT_START:
                return new AuditStarted(h, str(m, "sink_name"));
            case AUDIT_STOP:
                return new AuditStopped(h, str(m, "sink_name"));
            case AUDIT_DEGRADED:
                return new AuditDegraded(h, str(m, "sink_name"), reason);
            case AUDIT_RECOVERED:
                return new AuditRecovered(h, str(m, "sink_name"), lng(m, "dropped_count"));
            case AUDIT_GAP:
                return new AuditGap(h, str(m, "sink_name"), lng(m, "dropped_count"), lng(m, "from_seq"),
                        lng(m, "to_seq"));
            case AUDIT_CHECKPOINT: {
                Map<String, Object> c = obj(m, "checkpoint");
                return new AuditCheckpoint(h, str(c, "stream_id"), lng(c, "first_seq"), lng(c, "last_seq"),
                        str(c, "chain_head"), str(c, "tree_root"), str(c, "key_id"), str(c, "signature"));
            }
            case HOP_CONNECT:
                return new HopConnected(h, outcome, reason, (int) lng(m, "hop_index"), hop(obj(m, "hop")),
                        str(m, "connection_id"), credential(obj(m, "credential")));
            case HOP_DISCONNECT:
                return new HopDisconnected(h, outcome, reason, (int) lng(m, "hop_index"), hop(obj(m, "hop")),
                        str(m, "connection_id"), time(m, "started_at"), lng(m, "duration_ms"));
            case HOP_HOSTKEY: {
                HopInfo hop = hop(obj(m, "hop"));
                return new HostKeyChecked(h, outcome, reason, (int) lng(m, "hop_index"), hop, str(m, "connection_id"),
                        hop == null ? null : hop.hostKey(), Boolean.TRUE.equals(m.get("host_key_recorded")));
            }
            case AUTH_ATTEMPT:
                return new AuthAttempted(h, outcome, reason, (int) lng(m, "hop_index"), hop(obj(m, "hop")),
                        str(m, "connection_id"), credential(obj(m, "credential")), str(m, "remote_login"),
                        Boolean.TRUE.equals(m.get("trivial")));
            case SESSION_START:
                return new SessionStarted(h, outcome, reason, source(obj(m, "source")), hops(m));
            case SESSION_END:
                return new SessionEnded(h, outcome, reason, hops(m), time(m, "started_at"), lng(m, "duration_ms"),
                        lng(m, "bytes_up"), lng(m, "bytes_down"));
            case FORWARD_LISTEN:
                return new ForwardListened(h, outcome, reason, listenerOf(obj(m, "source")), target(obj(m, "target")),
                        hops(m));
            case FORWARD_UNLISTEN:
                return new ForwardUnlistened(h, outcome, reason, listenerOf(obj(m, "source")),
                        target(obj(m, "target")), hops(m), time(m, "started_at"), lng(m, "duration_ms"),
                        lng(m, "connections"));
            case FORWARD_OPEN:
                return new ForwardOpened(h, outcome, reason, source(obj(m, "source")), target(obj(m, "target")),
                        hops(m), str(m, "connection_id"), str(m, "channel_id"));
            case FORWARD_CLOSE:
                return new ForwardClosed(h, outcome, reason, source(obj(m, "source")), target(obj(m, "target")),
                        hops(m), str(m, "connection_id"), str(m, "channel_id"), time(m, "started_at"),
                        lng(m, "duration_ms"), lng(m, "bytes_up"), lng(m, "bytes_down"));
            case FORWARD_DENIED: {
                Map<String, Object> policy = obj(m, "policy");
                return new ForwardDenied(h, reason, source(obj(m, "source")), target(obj(m, "target")), hops(m),
                        policy == null ? null : str(policy, "rule_id"));
            }
            case EXEC_START:
                return new ExecStarted(h, outcome, reason, hops(m), str(m, "connection_id"), str(m, "channel_id"),
                        str(m, "command"));
            case EXEC_END: {
                Object exit = m.get("exit_status");
                return new ExecEnded(h, outcome, reason, hops(m), str(m, "connection_id"), str(m, "channel_id"),
                        str(m, "command"), exit == null ? null : ((Long) exit).intValue(), str(m, "exit_signal"),
                        time(m, "started_at"), lng(m, "duration_ms"), lng(m, "bytes_up"), lng(m, "bytes_down"));
            }
            case AGENT_FORWARD:
                return new AgentForwarded(h, outcome, reason, hops(m), str(m, "connection_id"));
            case POLICY_DECISION: {
                Map<String, Object> policy = obj(m, "policy");
                return new PolicyDecided(h, outcome, reason, str(policy, "rule_id"), str(policy, "decision"),
                        target(obj(m, "target")));
            }
            default:
                throw new IllegalArgumentException("no decoding for " + type);
        }
    }

    private static Outcome outcome(String wire) {
        return enumOf(Outcome.values(), Outcome::wireName, wire);
    }

    private static <E> E enumOf(E[] values, Function<E, String> wire, String name) {
        for (E e : values) {
            if (wire.apply(e).equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown value " + name);
    }

    private static List<HopInfo> hops(Map<String, Object> m) {
        List<HopInfo> result = new ArrayList<>();
        Object v = m.get("hops");
        if (v instanceof List<?> list) {
            for (Object o : list) {
                result.add(hop(asObj(o)));
            }
        }
        return result;
    }

    private static @Nullable HopInfo hop(@Nullable Map<String, Object> m) {
        if (m == null) {
            return null;
        }
        Map<String, Object> hk = obj(m, "host_key");
        HostKeyInfo hostKey = hk == null ? null : new HostKeyInfo(str(hk, "alg"), str(hk, "fingerprint"),
                hk.get("verified_by") == null ? null
                        : enumOf(VerifiedBy.values(), VerifiedBy::wireName, str(hk, "verified_by")));
        Map<String, Object> c = obj(m, "crypto");
        CryptoInfo crypto = c == null ? null : new CryptoInfo(str(c, "kex"), str(c, "cipher"), str(c, "mac"),
                str(c, "hostkey_alg"), Boolean.TRUE.equals(c.get("strict_kex")));
        Object port = m.get("port");
        return new HopInfo(str(m, "transport"), str(m, "name"), str(m, "host"), str(m, "address"),
                port == null ? 0 : ((Long) port).intValue(), hostKey, str(m, "ssm_target"), str(m, "region"),
                str(m, "ssm_session_id"), crypto, str(m, "remote_login"));
    }

    private static @Nullable Credential credential(@Nullable Map<String, Object> m) {
        if (m == null) {
            return null;
        }
        Map<String, Object> c = obj(m, "cert");
        CertificateInfo cert = c == null ? null : new CertificateInfo(str(c, "key_id"), lng(c, "serial"),
                str(c, "ca_fingerprint"), strings(c.get("principals")), time(c, "valid_before"));
        Map<String, Object> a = obj(m, "aws");
        AwsIdentity aws = a == null ? null : new AwsIdentity(str(a, "arn"), str(a, "access_key_id"),
                str(a, "session_context"));
        return new Credential(enumOf(CredentialType.values(), CredentialType::wireName, str(m, "type")),
                str(m, "fingerprint"), cert, aws);
    }

    private static @Nullable Source source(@Nullable Map<String, Object> m) {
        if (m == null) {
            return null;
        }
        Object port = m.get("port");
        String address = str(m, "address");
        if (address == null && port != null) {
            // The encoder writes a source port only beside its address; accepting one alone would decode a record
            // that does not encode back to itself.
            throw new IllegalArgumentException("source.port without source.address");
        }
        return new Source(address, port == null ? 0 : ((Long) port).intValue(), listenerOf(m));
    }

    private static @Nullable Listener listenerOf(Map<String, Object> source) {
        Map<String, Object> l = source == null ? null : obj(source, "listener");
        if (l == null) {
            return null;
        }
        return new Listener(enumOf(ListenerKind.values(), ListenerKind::wireName, str(l, "kind")), str(l, "address"),
                (int) lng(l, "port"));
    }

    private static @Nullable TargetInfo target(@Nullable Map<String, Object> m) {
        if (m == null) {
            return null;
        }
        return new TargetInfo(str(m, "host"), str(m, "address"), (int) lng(m, "port"),
                enumOf(TargetProtocol.values(), TargetProtocol::wireName, str(m, "protocol")), str(m, "service"),
                str(m, "resolved_by"));
    }

    private static Instant time(Map<String, Object> m, String name) {
        String s = str(m, name);
        return s == null ? null : Instant.parse(s);
    }

    private static String str(Map<String, Object> m, String name) {
        Object v = m.get(name);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException(name + " is not a string");
        }
        return (String) v;
    }

    private static long lng(Map<String, Object> m, String name) {
        Object v = m.get(name);
        if (!(v instanceof Long l)) {
            throw new IllegalArgumentException(name + " is not an integer");
        }
        return l;
    }

    private static Map<String, Object> obj(Map<String, Object> m, String name) {
        return asObj(m.get(name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObj(Object v) {
        if (v != null && !(v instanceof Map)) {
            throw new IllegalArgumentException("expected an object");
        }
        return (Map<String, Object>) v;
    }

    private static List<String> strings(Object v) {
        List<String> result = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (Object o : list) {
                result.add((String) o);
            }
        }
        return result;
    }
}
