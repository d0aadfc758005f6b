// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that a transport connection to a hop is up, or failed to come up ({@code hop.connect}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param hopIndex position in the route, from 0
 * @param hop the hop, with address, host key and crypto once known
 * @param connectionId the hop connection
 * @param credential the credential that authenticated, or null
 */
public record HopConnected(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        int hopIndex,
        HopInfo hop,
        @Nullable String connectionId,
        @Nullable Credential credential) implements AuditEvent {

    public HopConnected {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public EventType type() {
        return EventType.HOP_CONNECT;
    }
}
