// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import org.jspecify.annotations.Nullable;

/** Reports that a hop session broke or was closed by the peer while streams were using it. */
public class HopDisconnectedException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public HopDisconnectedException(@Nullable String where, String what, @Nullable Throwable cause) {
        super(where, what, cause);
    }
}
