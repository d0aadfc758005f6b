// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Reports that a host key must not be trusted. The SSH transport turns it into a
 * {@link dev.fumidai.HopHostKeyException} that names the hop, with the verdict of the same name as the kind.
 */
public class HostKeyVerificationException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    /** Says why a key was refused. */
    public enum Kind {
        /** No entry for this host: the key is unknown. */
        UNKNOWN,
        /** An entry exists for this host with a different key: possible man in the middle. */
        MISMATCH,
        /** The key or its CA is marked {@code @revoked}. */
        REVOKED,
        /** A host certificate is invalid: expired, not yet valid, wrong principal, unknown CA, bad signature. */
        CERTIFICATE_INVALID,
        /** The key type or size is not allowed by policy. */
        POLICY,
        /**
         * The verifier could not decide: a known_hosts or revocation file could not be read or parsed, a
         * directory could not be written. The key is refused all the same; the cause says what failed, and the
         * {@code hop.hostkey} audit event has outcome {@code error} rather than {@code denied}.
         */
        VERIFIER_ERROR
    }

    private final Kind kind;

    /** Creates an exception of a kind with a message that names host and fingerprint, never secrets. */
    public HostKeyVerificationException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Returns why the key was refused. */
    public Kind kind() {
        return kind;
    }
}
