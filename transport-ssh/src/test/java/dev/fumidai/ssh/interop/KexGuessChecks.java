// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.kex.KexGuesses;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import java.util.List;

/**
 * Checks a real server against our key-exchange guesses (RFC 4253 §7.1, {@link KexGuesses}): a first connection
 * remembers the server's first choices, a second guesses them and sends its first key-exchange packet with its
 * KEXINIT, and a guess the server does not share is ignored by the server and followed by the right packet.
 */
final class KexGuessChecks {

    private KexGuessChecks() {
    }

    /** Connects and proves the keys work both ways: a {@code none} request gets its answer. */
    static void connectOnce(int port, HostKeyVerifier verifier) throws Exception {
        try (SshTestClient client = new SshTestClient().connect("127.0.0.1", port, SshTransportConfig.defaults(),
                verifier)) {
            client.awaitReady();
            int answer = client.tryNoneAuth("nobody");
            assertTrue(answer == 51 || answer == 52, "answer to none: " + answer);
        }
    }

    /**
     * Runs the checks; {@code serverPutsOurChoicesFirst} says whether the server's first key-exchange and host-key
     * algorithms are those our defaults negotiate with it (OpenSSH, Dropbear), so that a guess is remembered.
     */
    static void rightAndWrongGuessesConnect(int port, HostKeyVerifier verifier, boolean serverPutsOurChoicesFirst)
            throws Exception {
        String peer = "127.0.0.1:" + port;
        KexGuesses.forgetAll();
        connectOnce(port, verifier);
        KexGuesses.Guess remembered = KexGuesses.lookup(peer);
        if (serverPutsOurChoicesFirst) {
            assertNotNull(remembered, "the server's first choices were negotiated: remembered for a guess");
            connectOnce(port, verifier); // guessed right
            assertEquals(remembered, KexGuesses.lookup(peer));
        } else {
            assertEquals(null, remembered, "the server prefers other algorithms: nothing to guess");
        }
        // A guess the server does not share (nistp521 is nobody's first choice): ignored, the right packet follows.
        KexGuesses.record(peer, List.of(KexAlgorithms.ECDH_NISTP521), List.of(KeyAlgorithms.SSH_ED25519),
                KexAlgorithms.ECDH_NISTP521, KeyAlgorithms.SSH_ED25519);
        assertNotNull(KexGuesses.lookup(peer));
        connectOnce(port, verifier);
        KexGuesses.forgetAll();
    }
}
