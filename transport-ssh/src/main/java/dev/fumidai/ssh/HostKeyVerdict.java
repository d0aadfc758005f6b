// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.audit.VerifiedBy;
import java.util.Objects;

/**
 * Says how a host key was accepted; it goes into the {@code hop.hostkey} audit event.
 *
 * @param verifiedBy known_hosts, CA, pinned fingerprint, TOFU or a custom verifier
 * @param fingerprint the key's {@code SHA256:...} fingerprint (of the CA-signed key for certificates)
 * @param recorded whether a new entry was written to a known_hosts file
 */
public record HostKeyVerdict(VerifiedBy verifiedBy, String fingerprint, boolean recorded) {

    public HostKeyVerdict {
        Objects.requireNonNull(verifiedBy, "verifiedBy");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }
}
