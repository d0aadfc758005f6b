// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Answers the prompts of SSH {@code keyboard-interactive} authentication (RFC 4256 §3.2).
 *
 * <h2>Threading</h2>
 * Called on a library worker thread, never on a Netty event loop; it may block (to prompt a user).
 */
@FunctionalInterface
public interface KeyboardInteractiveCallback {

    /**
     * Is one prompt of an info request.
     *
     * @param text the prompt as the server sent it, with control characters replaced
     * @param echo whether the answer may be shown while typed
     */
    record Prompt(String text, boolean echo) {
    }

    /**
     * Returns one answer per prompt, or {@code null} to give up the method. Called once per info request,
     * also for requests with no prompts only when the caller wants to see their instruction (never by default).
     *
     * @param hop the hop, as {@code dev.fumidai.spi.Hops#describe} writes it
     * @param name the request's name, sanitised
     * @param instruction the request's instruction, sanitised
     * @param prompts the prompts, at least one
     * @throws IOException if the answers cannot be obtained; the method is then given up
     */
    @Nullable List<String> answers(String hop, String name, String instruction, List<Prompt> prompts)
            throws IOException;
}
