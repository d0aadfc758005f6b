// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Supplies the passphrase of an encrypted private key when it is read.
 *
 * <h2>Threading</h2>
 * Called on the thread that loads the key, never on a Netty event loop; it may block (to prompt a user).
 */
@FunctionalInterface
public interface PassphraseProvider {

    /**
     * Returns the passphrase for a key, or {@code null} to give up. The caller overwrites the returned array
     * with zeros once it has derived the key, so return a fresh array.
     *
     * @param keyName a description of the key (its file name), safe to show to a user
     * @throws IOException if the passphrase cannot be obtained
     */
    char @Nullable [] passphrase(String keyName) throws IOException;

    /** Returns a provider for keys without a passphrase: asked for one, it gives up. */
    static PassphraseProvider none() {
        return keyName -> null;
    }

    /** Returns a provider that answers every key with a copy of the given passphrase. */
    static PassphraseProvider of(char[] passphrase) {
        char[] copy = passphrase.clone();
        return keyName -> copy.clone();
    }
}
