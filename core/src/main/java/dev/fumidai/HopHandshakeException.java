// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import org.jspecify.annotations.Nullable;

/** Reports that the protocol handshake with a hop failed: version, key exchange, algorithm policy, host key. */
public class HopHandshakeException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public HopHandshakeException(@Nullable String where, String what, @Nullable Throwable cause) {
        super(where, what, cause);
    }
}
