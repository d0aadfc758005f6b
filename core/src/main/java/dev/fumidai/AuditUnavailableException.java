// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import org.jspecify.annotations.Nullable;

/** Reports that a tunnel was refused because a fail-closed audit sink is failing. */
public class AuditUnavailableException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public AuditUnavailableException(@Nullable String where, String what, @Nullable Throwable cause) {
        super(where, what, cause);
    }
}
