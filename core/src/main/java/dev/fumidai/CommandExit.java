// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Says how a remote command ended (RFC 4254 §6.10): with an exit status, killed by a signal, or neither when the
 * channel or connection closed before the server said.
 */
public final class CommandExit {

    private final Integer status;
    private final String signal;
    private final boolean coreDumped;
    private final String errorMessage;

    /**
     * Creates an exit.
     *
     * @param status the exit status, or {@code null}
     * @param signal the signal name without {@code SIG} ({@code TERM}), or {@code null}
     * @param coreDumped whether a core was dumped (with a signal)
     * @param errorMessage the server's message with a signal, or an empty string
     */
    public CommandExit(@Nullable Integer status, @Nullable String signal, boolean coreDumped,
            @Nullable String errorMessage) {
        this.status = status;
        this.signal = signal;
        this.coreDumped = coreDumped;
        this.errorMessage = errorMessage == null ? "" : errorMessage;
    }

    /** Returns the exit status, when the server sent one. */
    public OptionalInt status() {
        return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** Returns the signal that killed the command ({@code TERM}, {@code KILL}), when the server sent one. */
    public Optional<String> signal() {
        return Optional.ofNullable(signal);
    }

    /** Returns whether the command dumped core (with a signal). */
    public boolean coreDumped() {
        return coreDumped;
    }

    /** Returns the server's message sent with a signal; empty when none. */
    public String errorMessage() {
        return errorMessage;
    }

    /** Returns whether the command exited with status 0. */
    public boolean isSuccess() {
        return status != null && status == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommandExit e && Objects.equals(status, e.status) && Objects.equals(signal, e.signal)
                && coreDumped == e.coreDumped && errorMessage.equals(e.errorMessage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, signal, coreDumped, errorMessage);
    }

    @Override
    public String toString() {
        return status != null ? "exit " + status : signal != null ? "signal " + signal + (coreDumped ? " (core)" : "")
                : "no exit status";
    }
}
