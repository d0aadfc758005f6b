// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import org.jspecify.annotations.Nullable;

/**
 * Reports that the hop refused to listen for a remote forward (SSH {@code SSH_MSG_REQUEST_FAILURE} to
 * {@code tcpip-forward}: forwarding disabled by {@code AllowTcpForwarding}, the port in use or privileged); the
 * message names the hop and the address.
 */
public class RemoteForwardRefusedException extends TunnelException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception; see {@link TunnelException#TunnelException(String, String, Throwable)}. */
    public RemoteForwardRefusedException(@Nullable String where, String what, @Nullable Throwable cause) {
        super(where, what, cause);
    }
}
