// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import org.jspecify.annotations.Nullable;

/** Reports that authentication at a hop failed; the message lists the methods tried. */
public class HopAuthenticationException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public HopAuthenticationException(@Nullable String where, String what, @Nullable Throwable cause) {
        super(where, what, cause);
    }
}
