// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that one user-authentication try at a hop, with its outcome ({@code auth.attempt}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param hopIndex position in the route
 * @param hop the hop
 * @param connectionId the hop connection
 * @param credential what was presented (never the secret)
 * @param remoteLogin the login user (sensitive)
 * @param trivial whether the server let us in without a real credential (none, empty keyboard-interactive)
 */
public record AuthAttempted(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        int hopIndex,
        HopInfo hop,
        String connectionId,
        Credential credential,
        String remoteLogin,
        boolean trivial) implements AuditEvent {

    public AuthAttempted {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public EventType type() {
        return EventType.AUTH_ATTEMPT;
    }
}
