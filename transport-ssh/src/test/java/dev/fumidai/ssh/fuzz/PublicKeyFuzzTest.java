// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssh.internal.keys.InvalidSshKeyException;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.nio.charset.StandardCharsets;

/**
 * Feeds arbitrary bytes to the public key and certificate parsers: as a wire blob ({@link SshPublicKeys#parse},
 * plain keys and OpenSSH certificates) and as an {@code authorized_keys}-style text line
 * ({@link SshPublicKeys#parseText}). Contract: a key or {@link InvalidSshKeyException}; a parsed key's
 * {@code encoded()} parses to an equal encoding with the same fingerprint; signature verification over arbitrary
 * blobs returns false instead of throwing.
 */
class PublicKeyFuzzTest {

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void parse(byte[] input) throws Exception {
        check(() -> SshPublicKeys.parse(input), input);
        check(() -> SshPublicKeys.parseText(new String(input, StandardCharsets.UTF_8)), input);
    }

    interface Parse {
        SshPublicKey parse() throws InvalidSshKeyException;
    }

    static void check(Parse parse, byte[] input) throws InvalidSshKeyException {
        SshPublicKey key;
        try {
            key = parse.parse();
        } catch (InvalidSshKeyException e) {
            return;
        }
        byte[] encoded = key.encoded();
        SshPublicKey again = SshPublicKeys.parse(encoded);
        assertArrayEquals(encoded, again.encoded());
        assertEquals(key.fingerprint(), again.fingerprint());
        assertEquals(key.keyType(), again.keyType());
        // Verification of a garbage signature is a "no", never an exception.
        key.verify(key.keyType(), input, input);
    }
}
