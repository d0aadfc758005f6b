// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import dev.fumidai.ssh.HostKeyCheck;
import dev.fumidai.ssh.HostKeyVerdict;
import dev.fumidai.ssh.HostKeyVerificationException;
import dev.fumidai.ssh.HostKeyVerifier;

/**
 * Calls a {@link HostKeyVerifier} so that every way it can fail rejects the key (security checklist H1, R15;
 * OpenSSH CVE-2025-26465 was an error path that let a key through). The transport calls verifiers only
 * through this.
 *
 * <h2>Failure</h2>
 * A {@link HostKeyVerificationException} passes through. Any other exception or error thrown by the verifier
 * (including unchecked ones a custom verifier should not throw, and allocation failures), and a {@code null}
 * verdict, become a {@link HostKeyVerificationException} of kind {@code UNKNOWN} whose cause is the original
 * problem; the transport reports it with audit outcome {@code error} when {@link #isVerifierError} says so.
 */
public final class FailClosedVerification {

    private FailClosedVerification() {
    }

    /** Runs the verifier and returns its verdict, or throws; never returns {@code null}. */
    public static HostKeyVerdict verify(HostKeyVerifier verifier, HostKeyCheck check)
            throws HostKeyVerificationException {
        HostKeyVerdict verdict;
        try {
            verdict = verifier.verify(check);
        } catch (HostKeyVerificationException e) {
            throw e;
        } catch (Throwable t) { // fail closed on everything, Errors included: the key must not be trusted
            HostKeyVerificationException e = new HostKeyVerificationException(HostKeyVerificationException.Kind.UNKNOWN,
                    "host key verifier " + verifier.getClass().getName() + " failed for \"" + check.hostName()
                            + "\" port " + check.port() + ": " + t);
            e.initCause(t);
            throw e;
        }
        if (verdict == null) {
            HostKeyVerificationException e = new HostKeyVerificationException(HostKeyVerificationException.Kind.UNKNOWN,
                    "host key verifier " + verifier.getClass().getName() + " returned no verdict for \""
                            + check.hostName() + "\" port " + check.port());
            e.initCause(new IllegalStateException("HostKeyVerifier.verify returned null"));
            throw e;
        }
        return verdict;
    }

    /**
     * Returns whether a rejection came from an error (I/O, parse, a verifier bug) rather than a decision about
     * the key, i.e. whether the audit outcome is {@code error} rather than {@code denied}: the built-in
     * verifiers and this class attach the error as the exception's cause, and decisions have none.
     */
    public static boolean isVerifierError(HostKeyVerificationException e) {
        return e.getCause() != null;
    }
}
