// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Asks a {@link PassphraseProvider} for a passphrase when a key turns out to be encrypted, and hands it out
 * as chars or UTF-8 bytes; the provider's array is zeroed at once. Not thread-safe: one per key load.
 */
final class PassphraseSource {

    private final PassphraseProvider provider;

    PassphraseSource(PassphraseProvider provider) {
        this.provider = provider;
    }

    /** Returns the passphrase as a fresh char array that the caller zeroes. */
    char[] chars(String keyName) throws PrivateKeyException {
        char[] answer;
        try {
            answer = provider == null ? null : provider.passphrase(keyName);
        } catch (IOException e) {
            throw new PrivateKeyException(Reason.PASSPHRASE_REQUIRED, "no passphrase for " + keyName + ": "
                    + e.getMessage(), e);
        }
        if (answer == null) {
            throw new PrivateKeyException(Reason.PASSPHRASE_REQUIRED, keyName + " is encrypted and no passphrase"
                    + " was given");
        }
        char[] copy = answer.clone();
        Arrays.fill(answer, '\0');
        return copy;
    }

    /** Returns the passphrase as UTF-8 bytes (what OpenSSH and OpenSSL feed to their KDFs); the caller zeroes it. */
    byte[] utf8(String keyName) throws PrivateKeyException {
        char[] chars = chars(keyName);
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        Arrays.fill(chars, '\0');
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return out;
    }
}
