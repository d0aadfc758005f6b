// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

/** Reports that an operation on a tunnel did not complete in time. */
public class TunnelTimeoutException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public TunnelTimeoutException(String where, String what, Throwable cause) {
        super(where, what, cause);
    }
}
