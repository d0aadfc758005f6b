// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Holds the agent's HandshakeRequest, PayloadType 5 (SSM spec §6.2).
 *
 * @param agentVersion the agent version, e.g. {@code 3.3.1142.0}; decides mux and keepalive (§8.1)
 * @param requestedClientActions the actions in order; {@code SessionType} comes first
 */
public record HandshakeRequestPayload(String agentVersion, List<RequestedClientAction> requestedClientActions) {

    /** Names the action that announces the session type (§6.2). */
    public static final String ACTION_SESSION_TYPE = "SessionType";
    /** Names the action that asks for KMS encryption (§7); never sent for port sessions. */
    public static final String ACTION_KMS_ENCRYPTION = "KMSEncryption";

    public HandshakeRequestPayload {
        Objects.requireNonNull(agentVersion, "agentVersion");
        requestedClientActions = List.copyOf(requestedClientActions);
    }

    /**
     * Holds one requested action.
     *
     * @param actionType the action type, e.g. {@link #ACTION_SESSION_TYPE}
     * @param actionParameters the parameters as parsed JSON: a map, or {@code null}
     */
    public record RequestedClientAction(String actionType, Object actionParameters) {

        public RequestedClientAction {
            Objects.requireNonNull(actionType, "actionType");
        }
    }

    /** Returns a request with one SessionType action for the given session type and document properties. */
    public static HandshakeRequestPayload sessionType(String agentVersion, String sessionType,
            Map<String, Object> properties) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("SessionType", sessionType);
        params.put("Properties", properties);
        return new HandshakeRequestPayload(agentVersion,
                List.of(new RequestedClientAction(ACTION_SESSION_TYPE, params)));
    }

    /** Returns the JSON form. */
    public byte[] toJson() {
        List<Object> actions = new ArrayList<>();
        for (RequestedClientAction a : requestedClientActions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ActionType", a.actionType());
            m.put("ActionParameters", a.actionParameters());
            actions.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("AgentVersion", agentVersion);
        m.put("RequestedClientActions", actions);
        return Json.write(m);
    }

    /**
     * Parses a HandshakeRequest payload.
     *
     * @throws MalformedMessageException when a field is missing or of the wrong type
     */
    public static HandshakeRequestPayload parse(byte[] json) throws MalformedMessageException {
        String what = "HandshakeRequest";
        Map<String, Object> m = Json.parseObject(json, what);
        String agentVersion = Json.string(m, "AgentVersion", what);
        if (agentVersion == null) {
            throw new MalformedMessageException(what + ".AgentVersion is missing");
        }
        List<RequestedClientAction> actions = new ArrayList<>();
        for (Object o : Json.array(m, "RequestedClientActions", what)) {
            if (!(o instanceof Map)) {
                throw new MalformedMessageException(what + ".RequestedClientActions holds a non-object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) o;
            String type = Json.string(a, "ActionType", what + ".RequestedClientActions[]");
            if (type == null) {
                throw new MalformedMessageException(what + ".RequestedClientActions[].ActionType is missing");
            }
            actions.add(new RequestedClientAction(type, a.get("ActionParameters")));
        }
        return new HandshakeRequestPayload(agentVersion, actions);
    }

    /** Returns the SessionType action's session type, e.g. {@code Port}, or {@code null} when there is none. */
    public String sessionType() {
        Map<String, Object> p = sessionTypeParameters();
        return p == null || !(p.get("SessionType") instanceof String) ? null : (String) p.get("SessionType");
    }

    /** Returns the SessionType action's document properties, or an empty map. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> properties() {
        Map<String, Object> p = sessionTypeParameters();
        if (p == null || !(p.get("Properties") instanceof Map)) {
            return Map.of();
        }
        return (Map<String, Object>) p.get("Properties");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> sessionTypeParameters() {
        for (RequestedClientAction a : requestedClientActions) {
            if (ACTION_SESSION_TYPE.equals(a.actionType()) && a.actionParameters() instanceof Map) {
                return (Map<String, Object>) a.actionParameters();
            }
        }
        return null;
    }
}
