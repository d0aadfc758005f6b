// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import org.jspecify.annotations.Nullable;

/** Reports that the last hop could not open a stream to the target (refused, prohibited, unknown host). */
public class TargetUnreachableException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Says why the last hop did not reach the target, as far as the hop told. */
    public enum Refusal {
        /** The hop's policy forbids the target (SSH {@code SSH_OPEN_ADMINISTRATIVELY_PROHIBITED}, RFC 4254 §5.1). */
        PROHIBITED,
        /** The hop tried and failed: refused, unknown host, no route (SSH {@code SSH_OPEN_CONNECT_FAILED}). */
        CONNECT_FAILED,
        /** The hop did not say, or said something else (resource shortage, unknown channel type, a local bound). */
        UNKNOWN
    }

    private final Refusal refusal;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public TargetUnreachableException(@Nullable String where, String what, @Nullable Throwable cause) {
        this(where, what, cause, Refusal.UNKNOWN);
    }

    /** Creates an exception that says why the hop did not reach the target. */
    public TargetUnreachableException(@Nullable String where, String what, @Nullable Throwable cause,
            @Nullable Refusal refusal) {
        super(where, what, cause);
        this.refusal = refusal == null ? Refusal.UNKNOWN : refusal;
    }

    /** Returns why the hop did not reach the target, as far as it told. */
    public Refusal refusal() {
        return refusal;
    }
}
