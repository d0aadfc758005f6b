// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Supplies the password for SSH {@code password} authentication (RFC 4252 §8).
 *
 * <h2>Threading</h2>
 * Called on a library worker thread, never on a Netty event loop; it may block (to prompt a user).
 */
@FunctionalInterface
public interface PasswordCallback {

    /**
     * Returns the password for a user at a hop, or {@code null} to skip the method. The library overwrites the
     * returned array with zeros once it is sent, so return a fresh array.
     *
     * @param user the login user
     * @param hop the hop, as {@code dev.fumidai.spi.Hops#describe} writes it
     * @throws IOException if the password cannot be obtained; the method is then skipped
     */
    char @Nullable [] password(String user, String hop) throws IOException;

    /** Returns a callback that answers with a copy of the given password. */
    static PasswordCallback of(char[] password) {
        char[] copy = password.clone();
        return (user, hop) -> copy.clone();
    }
}
