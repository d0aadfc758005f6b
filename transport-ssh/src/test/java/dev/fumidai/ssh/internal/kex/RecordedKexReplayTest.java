// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays, offline, one key exchange per default and legacy kex method recorded with a real server (OpenSSH 9.2, or MINA
 * SSHD 2.20 for the methods OpenSSH 9.2 lacks; see {@code src/test/resources/kat/kex/}): with the recorded
 * random bytes as our only randomness, our code sends the recorded messages and computes the recorded K and H,
 * and the server's signature over that H verifies with its host key. The signature is the independent answer:
 * the server signed the H it computed from the same transcript and its own half of the secret.
 */
class RecordedKexReplayTest {

    static Stream<String> methods() {
        return Stream.concat(KexAlgorithms.DEFAULT.stream(), KexAlgorithms.LEGACY.stream());
    }

    @ParameterizedTest
    @MethodSource("methods")
    void ourSharedSecretAndExchangeHashMatchTheRecordedExchange(String kex) throws Exception {
        RecordedKex rec = RecordedKex.load(kex);
        assertEquals(kex, rec.get("kex"));
        KexResult r = rec.replay();
        assertNotNull(r, "the kex did not finish on the recorded server messages");
        assertArrayEquals(rec.bytes("host.key"), r.hostKey());
        assertArrayEquals(rec.bytes("signature"), r.signature());
        assertEquals(rec.get("K"), RecordedKex.HEX.formatHex(r.encodedSecret()), "K");
        assertEquals(rec.get("H"), RecordedKex.HEX.formatHex(r.exchangeHash()), "H");
        assertTrue(RecordedKex.verifyEd25519(r.hostKey(), r.signature(), r.exchangeHash()),
                "the server's signature over our H");
    }

    @Test
    void aChangedServerValueBreaksTheEvidence() throws Exception {
        RecordedKex rec = RecordedKex.load(KexAlgorithms.ECDH_NISTP256);
        java.util.Map<String, String> f = new java.util.LinkedHashMap<>(rec.fields());
        // Flip one bit of I_S (the server's KEXINIT cookie): H changes, the recorded signature no longer fits.
        byte[] is = rec.bytes("server.kexinit");
        is[1] ^= 1;
        f.put("server.kexinit", RecordedKex.HEX.formatHex(is));
        KexResult r = new RecordedKex(f).replay();
        assertEquals(rec.get("K"), RecordedKex.HEX.formatHex(r.encodedSecret()), "K does not depend on I_S");
        assertFalse(RecordedKex.verifyEd25519(r.hostKey(), r.signature(), r.exchangeHash()));
    }
}
