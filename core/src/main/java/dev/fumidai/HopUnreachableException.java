// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import org.jspecify.annotations.Nullable;

/** Reports that a hop's address could not be reached (TCP connect refused or timed out, upstream stream refused). */
public class HopUnreachableException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public HopUnreachableException(@Nullable String where, String what, @Nullable Throwable cause) {
        super(where, what, cause);
    }
}
