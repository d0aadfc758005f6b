// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import org.jspecify.annotations.Nullable;

/**
 * Reports that the last hop of the route cannot do what was asked: run a command or listen for a remote forward
 * on an SSM hop or a command hop, or on a direct route, which has no hop at all.
 */
public class UnsupportedHopOperationException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public UnsupportedHopOperationException(@Nullable String where, String what, @Nullable Throwable cause) {
        super(where, what, cause);
    }
}
