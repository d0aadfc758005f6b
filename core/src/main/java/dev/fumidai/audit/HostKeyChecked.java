// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Records that a hop's host key was verified, accepted new (TOFU, recorded) or rejected ({@code hop.hostkey}).
 *
 * @param header the envelope
 * @param outcome whether it worked
 * @param reason why it did not succeed or why it closed, or null
 * @param hopIndex position in the route
 * @param hop the hop
 * @param connectionId the hop connection
 * @param hostKey the key presented and how it was verified
 * @param recorded whether known_hosts was written (credential change, PCI 10.2.1.5)
 */
public record HostKeyChecked(
        EventHeader header,
        Outcome outcome,
        @Nullable Reason reason,
        int hopIndex,
        HopInfo hop,
        String connectionId,
        @Nullable HostKeyInfo hostKey,
        boolean recorded) implements AuditEvent {

    public HostKeyChecked {
        java.util.Objects.requireNonNull(header, "header");
        java.util.Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public EventType type() {
        return EventType.HOP_HOSTKEY;
    }
}
