// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Holds the client's HandshakeResponse, PayloadType 6 (SSM spec §6.3).
 *
 * @param clientVersion the version the client reports; it selects agent behaviour (§8.1)
 * @param processedClientActions one entry per requested action, in order
 * @param errors error texts, or an empty list (written as JSON {@code null})
 */
public record HandshakeResponsePayload(String clientVersion, List<ProcessedClientAction> processedClientActions,
        List<String> errors) {

    /** Is {@code ActionStatus} for a performed action. */
    public static final int STATUS_SUCCESS = 1;
    /** Is {@code ActionStatus} for a failed action. */
    public static final int STATUS_FAILED = 2;
    /** Is {@code ActionStatus} for an action the client does not know (§6.3, §11 item 6). */
    public static final int STATUS_UNSUPPORTED = 3;

    public HandshakeResponsePayload {
        Objects.requireNonNull(clientVersion, "clientVersion");
        processedClientActions = List.copyOf(processedClientActions);
        errors = List.copyOf(errors);
    }

    /**
     * Holds the answer to one requested action.
     *
     * @param actionType the action type answered
     * @param actionStatus {@link #STATUS_SUCCESS}, {@link #STATUS_FAILED} or {@link #STATUS_UNSUPPORTED}
     * @param actionResult the result as a JSON value, or {@code null}
     * @param error an error text, empty when none
     */
    public record ProcessedClientAction(String actionType, int actionStatus, Object actionResult, String error) {

        public ProcessedClientAction {
            Objects.requireNonNull(actionType, "actionType");
            error = error == null ? "" : error;
        }
    }

    /** Returns the JSON form, fields in the order the plugin writes them. */
    public byte[] toJson() {
        List<Object> actions = new ArrayList<>();
        for (ProcessedClientAction a : processedClientActions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ActionType", a.actionType());
            m.put("ActionStatus", (long) a.actionStatus());
            m.put("ActionResult", a.actionResult());
            m.put("Error", a.error());
            actions.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ClientVersion", clientVersion);
        m.put("ProcessedClientActions", actions);
        m.put("Errors", errors.isEmpty() ? null : new ArrayList<Object>(errors));
        return Json.write(m);
    }

    /**
     * Parses a HandshakeResponse payload.
     *
     * @throws MalformedMessageException when a field is missing or of the wrong type
     */
    public static HandshakeResponsePayload parse(byte[] json) throws MalformedMessageException {
        String what = "HandshakeResponse";
        Map<String, Object> m = Json.parseObject(json, what);
        String clientVersion = Json.string(m, "ClientVersion", what);
        List<ProcessedClientAction> actions = new ArrayList<>();
        for (Object o : Json.array(m, "ProcessedClientActions", what)) {
            if (!(o instanceof Map)) {
                throw new MalformedMessageException(what + ".ProcessedClientActions holds a non-object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) o;
            String w = what + ".ProcessedClientActions[]";
            String type = Json.string(a, "ActionType", w);
            if (type == null) {
                throw new MalformedMessageException(w + ".ActionType is missing");
            }
            actions.add(new ProcessedClientAction(type, (int) Json.integer(a, "ActionStatus", 0, w),
                    a.get("ActionResult"), Json.string(a, "Error", w)));
        }
        List<String> errors = new ArrayList<>();
        for (Object o : Json.array(m, "Errors", what)) {
            errors.add(String.valueOf(o));
        }
        return new HandshakeResponsePayload(clientVersion == null ? "" : clientVersion, actions, errors);
    }
}
