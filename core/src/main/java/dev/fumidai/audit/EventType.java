// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/** Lists the audit event types of {@code docs/audit-schema.md}; the wire name is the JSON value. */
public enum EventType {
    AUDIT_START("audit.start"),
    AUDIT_STOP("audit.stop"),
    AUDIT_DEGRADED("audit.degraded"),
    AUDIT_RECOVERED("audit.recovered"),
    AUDIT_GAP("audit.gap"),
    AUDIT_CHECKPOINT("audit.checkpoint"),
    HOP_CONNECT("hop.connect"),
    HOP_DISCONNECT("hop.disconnect"),
    HOP_HOSTKEY("hop.hostkey"),
    AUTH_ATTEMPT("auth.attempt"),
    SESSION_START("session.start"),
    SESSION_END("session.end"),
    FORWARD_LISTEN("forward.listen"),
    FORWARD_UNLISTEN("forward.unlisten"),
    FORWARD_OPEN("forward.open"),
    FORWARD_CLOSE("forward.close"),
    FORWARD_DENIED("forward.denied"),
    EXEC_START("exec.start"),
    EXEC_END("exec.end"),
    AGENT_FORWARD("agent.forward"),
    POLICY_DECISION("policy.decision");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name written in the {@code event_type} field. */
    public String wireName() {
        return wireName;
    }

    /** Returns the type for a wire name. @throws IllegalArgumentException if unknown */
    public static EventType fromWireName(String name) {
        for (EventType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown event_type: " + name);
    }
}
