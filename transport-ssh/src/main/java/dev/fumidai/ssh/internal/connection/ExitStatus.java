// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Holds how a remote command ended (RFC 4254 §6.10): an exit status, or the signal that killed it, or neither
 * when the server closed the channel without saying.
 *
 * @param status the exit status, if the server sent {@code exit-status}
 * @param signal the signal name without "SIG", if the server sent {@code exit-signal}
 * @param coreDumped whether a core was dumped (only with a signal)
 * @param errorMessage the server's text for the signal, or empty
 */
public record ExitStatus(OptionalInt status, Optional<String> signal, boolean coreDumped, String errorMessage) {

    /** Creates the outcome of a command that exited with {@code status}. */
    public static ExitStatus exited(int status) {
        return new ExitStatus(OptionalInt.of(status), Optional.empty(), false, "");
    }

    /** Creates the outcome of a command killed by {@code signal}. */
    public static ExitStatus signal(String signal, boolean coreDumped, String errorMessage) {
        return new ExitStatus(OptionalInt.empty(), Optional.of(signal), coreDumped, errorMessage);
    }

    /** Creates the outcome of a channel closed without exit-status or exit-signal. */
    public static ExitStatus unknown() {
        return new ExitStatus(OptionalInt.empty(), Optional.empty(), false, "");
    }
}
