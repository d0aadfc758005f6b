// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Answers the prompts of SSH {@code keyboard-interactive} authentication (RFC 4256 §3.2).
 *
 * <p>Answers are usually secrets (passwords, one-time codes). Give them as character arrays with
 * {@link #ofChars(CharAnswers)} (or by overriding {@link #answerChars}): the library overwrites each array with
 * zeros once the answer is encoded, and the request buffer is zeroed before it is freed. The older
 * {@link #answers} returns {@code String}s, which cannot be wiped; it still works.
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
     * Answers one info request with character arrays; see {@link KeyboardInteractiveCallback#ofChars}.
     */
    @FunctionalInterface
    interface CharAnswers {
        /**
         * Returns one fresh array per prompt, or {@code null} to give up the method; the library zeroes the
         * arrays once they are encoded. The parameters are those of {@link KeyboardInteractiveCallback#answers}.
         *
         * @throws IOException if the answers cannot be obtained; the method is then given up
         */
        @Nullable List<char[]> answers(String hop, String name, String instruction, List<Prompt> prompts)
                throws IOException;
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
     * @deprecated a {@code String} answer stays in memory until collected; answer with character arrays through
     *     {@link #ofChars(CharAnswers)} or {@link #answerChars}
     */
    @Deprecated(since = "0.1")
    @Nullable List<String> answers(String hop, String name, String instruction, List<Prompt> prompts)
            throws IOException;

    /**
     * Returns one fresh character array per prompt, or {@code null} to give up the method; the library zeroes
     * each array once it is encoded. The default converts what {@link #answers} returns.
     *
     * @throws IOException if the answers cannot be obtained; the method is then given up
     */
    default @Nullable List<char[]> answerChars(String hop, String name, String instruction, List<Prompt> prompts)
            throws IOException {
        @SuppressWarnings("deprecation")
        List<String> strings = answers(hop, name, instruction, prompts);
        if (strings == null) {
            return null;
        }
        List<char[]> out = new ArrayList<>(strings.size());
        for (String s : strings) {
            out.add(s == null ? new char[0] : s.toCharArray());
        }
        return out;
    }

    /**
     * Returns a callback that answers with character arrays, which the library zeroes after use.
     *
     * <pre>{@code
     * KeyboardInteractiveCallback otp = KeyboardInteractiveCallback.ofChars((hop, name, instruction, prompts) ->
     *         prompts.stream().map(p -> console.readPassword("%s", p.text())).toList());
     * }</pre>
     */
    static KeyboardInteractiveCallback ofChars(CharAnswers answers) {
        java.util.Objects.requireNonNull(answers, "answers");
        return new KeyboardInteractiveCallback() {
            @Override
            public @Nullable List<char[]> answerChars(String hop, String name, String instruction, List<Prompt> prompts)
                    throws IOException {
                return answers.answers(hop, name, instruction, prompts);
            }

            /** Serves callers of the old method: the arrays are copied into strings and zeroed. */
            @Override
            @Deprecated(since = "0.1")
            public @Nullable List<String> answers(String hop, String name, String instruction, List<Prompt> prompts)
                    throws IOException {
                List<char[]> chars = answers.answers(hop, name, instruction, prompts);
                if (chars == null) {
                    return null;
                }
                List<String> out = new ArrayList<>(chars.size());
                for (char[] c : chars) {
                    out.add(c == null ? "" : new String(c));
                    if (c != null) {
                        Arrays.fill(c, '\0');
                    }
                }
                return out;
            }
        };
    }
}
