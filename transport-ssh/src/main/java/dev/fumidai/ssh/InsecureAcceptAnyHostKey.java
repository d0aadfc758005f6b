// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts every host key without verifying it. INSECURE: anyone between this JVM and the hop can read and
 * change everything sent through it. It exists for throw-away test environments only; it is never a
 * default, and each acceptance is logged at WARN and audited as {@link VerifiedBy#UNVERIFIED}.
 *
 * <h2>Threading</h2>
 * Stateless and thread-safe.
 */
public final class InsecureAcceptAnyHostKey implements HostKeyVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(InsecureAcceptAnyHostKey.class);

    private InsecureAcceptAnyHostKey() {
    }

    /** Returns a verifier that accepts any host key; read the class documentation first. */
    public static InsecureAcceptAnyHostKey acceptingAnyHostKeyInsecurely() {
        return new InsecureAcceptAnyHostKey();
    }

    @Override
    public HostKeyVerdict verify(HostKeyCheck check) {
        String fingerprint = SshPublicKeys.fingerprint(check.hostKeyBlob());
        try {
            fingerprint = SshPublicKeys.parse(check.hostKeyBlob()).fingerprint();
        } catch (Exception e) {
            // keep the blob's fingerprint: this verifier accepts anything, even what it cannot parse
        }
        LOG.warn("host key of {} ({} {}) accepted WITHOUT verification (InsecureAcceptAnyHostKey)",
                HostKeys.label(check), check.keyAlgorithm(), fingerprint);
        return new HostKeyVerdict(VerifiedBy.UNVERIFIED, fingerprint, false);
    }

    @Override
    public String toString() {
        return "InsecureAcceptAnyHostKey";
    }
}
