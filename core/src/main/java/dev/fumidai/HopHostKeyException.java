// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reports that a hop's host key was not trusted: unknown, changed, revoked, an invalid certificate, a key the
 * policy refuses, a server that did not prove it holds the key, or a verifier that could not decide. The handshake
 * stopped before any credential was sent. {@link #fingerprint()} and
 * {@link #verdict()} say which key and why, so a caller need not read the message or walk the causes.
 */
public class HopHostKeyException extends HopHandshakeException {

    private static final long serialVersionUID = 1L;

    /** Says why a host key was refused. */
    public enum Verdict {
        /** No entry for this host: the key is unknown. */
        UNKNOWN,
        /** An entry exists for this host with a different key: possibly a man in the middle. */
        MISMATCH,
        /** The key or its certificate authority is marked revoked. */
        REVOKED,
        /** A host certificate is invalid: expired, not yet valid, wrong principal, unknown CA, bad signature. */
        CERTIFICATE_INVALID,
        /** The key type or size is not allowed by policy, or the key cannot be parsed. */
        POLICY,
        /**
         * The server's signature over the exchange hash does not verify with the key it presented: it did not
         * prove that it holds the key (RFC 4253 §8). The verifier was not asked.
         */
        BAD_SIGNATURE,
        /**
         * The verifier could not decide: it threw (a bug, an I/O or parse error reading known_hosts or a revocation
         * list). An error, not a decision about the key; the key is refused all the same (fail closed).
         */
        VERIFIER_ERROR,
        /** The verifier returned no verdict ({@code null}): a verifier bug; the key is refused (fail closed). */
        NO_VERDICT;

        /**
         * Returns whether the key was refused because verification itself failed rather than because of a
         * decision about the key: the audit outcome is {@code error} rather than {@code denied}.
         */
        public boolean isError() {
            return this == VERIFIER_ERROR || this == NO_VERDICT;
        }
    }

    private final String fingerprint;
    private final String keyAlgorithm;
    private final Verdict verdict;

    /**
     * Creates an exception.
     *
     * @param where the hop, as {@code dev.fumidai.spi.Hops#describe} writes it
     * @param what what went wrong, without secrets
     * @param cause the verifier's rejection, or {@code null}
     * @param fingerprint the key's fingerprint, e.g. {@code SHA256:...}
     * @param keyAlgorithm the negotiated host-key algorithm, e.g. {@code ssh-ed25519}
     * @param verdict why the key was refused
     */
    public HopHostKeyException(String where, String what, @Nullable Throwable cause, String fingerprint,
            String keyAlgorithm, Verdict verdict) {
        super(where, what, cause);
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        this.keyAlgorithm = Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        this.verdict = Objects.requireNonNull(verdict, "verdict");
    }

    /**
     * Returns the refused key's fingerprint, {@code SHA256:} and unpadded base64, as OpenSSH prints it: for a host
     * certificate the certified key's; for a key or certificate that cannot be parsed (say, a CA signature that
     * does not verify), the SHA-256 of the blob the server sent.
     */
    public String fingerprint() {
        return fingerprint;
    }

    /** Returns the negotiated host-key algorithm, e.g. {@code ssh-ed25519} or {@code rsa-sha2-512}. */
    public String keyAlgorithm() {
        return keyAlgorithm;
    }

    /** Returns why the key was refused. */
    public Verdict verdict() {
        return verdict;
    }
}
