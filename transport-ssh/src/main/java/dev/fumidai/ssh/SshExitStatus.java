// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Tells how a remote command ended (RFC 4254 §6.10): with an exit status, killed by a signal, or neither when
 * the server closed the channel without saying.
 *
 * @param status the exit status, if the server sent {@code exit-status}
 * @param signal the signal name without "SIG" (such as {@code TERM}), if the server sent {@code exit-signal}
 * @param coreDumped whether a core was dumped (only with a signal)
 * @param errorMessage the server's text for the signal, or empty
 */
public record SshExitStatus(OptionalInt status, Optional<String> signal, boolean coreDumped, String errorMessage) {

    public SshExitStatus {
        java.util.Objects.requireNonNull(status, "status");
        java.util.Objects.requireNonNull(signal, "signal");
        errorMessage = errorMessage == null ? "" : errorMessage;
    }

    /** Returns whether the command exited with status 0. */
    public boolean isSuccess() {
        return status.isPresent() && status.getAsInt() == 0;
    }
}
