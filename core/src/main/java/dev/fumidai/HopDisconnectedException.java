// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

/** Reports that a hop session broke or was closed by the peer while streams were using it. */
public class HopDisconnectedException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public HopDisconnectedException(String where, String what, Throwable cause) {
        super(where, what, cause);
    }
}
