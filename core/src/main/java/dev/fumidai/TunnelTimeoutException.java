// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import org.jspecify.annotations.Nullable;

/** Reports that an operation on a tunnel did not complete in time. */
public class TunnelTimeoutException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public TunnelTimeoutException(@Nullable String where, String what, @Nullable Throwable cause) {
        super(where, what, cause);
    }
}
