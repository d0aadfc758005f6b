// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.internal.kex.KexRecorder;
import dev.fumidai.ssh.internal.kex.RecordedKex;
import java.net.Socket;

/**
 * Runs one recorded key exchange against a live server on 127.0.0.1 and either writes it to
 * {@code src/test/resources/kat/kex/} (with {@code -Dfumidai.kat.record=true}) or checks the live exchange
 * against the stored file's format and our deterministic client side.
 */
final class KexRecordingSupport {

    static final boolean RECORD = Boolean.getBoolean("fumidai.kat.record");

    private KexRecordingSupport() {
    }

    static void recordOrCheck(String kex, int port, String source) throws Exception {
        RecordedKex live;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            live = KexRecorder.exchange(kex, KexRecorder.seedFor(kex), s.getInputStream(), s.getOutputStream());
        }
        // The live evidence: the server signed the H we computed.
        assertTrue(RecordedKex.verifyEd25519(live.bytes("host.key"), live.bytes("signature"), live.bytes("H")),
                kex + ": the server's signature does not verify over our exchange hash");
        if (RECORD) {
            live.writeSource("Recorded client-side key exchange " + kex + " with " + source + ".\n"
                    + "Written by " + KexRecordingSupport.class.getSimpleName() + " (-Dfumidai.kat.record=true); "
                    + "replayed offline by RecordedKexReplayTest.\n"
                    + "client.tape is every random byte our kex drew (the ephemeral private input); "
                    + "the server's ssh-ed25519 signature over H is the independent evidence.");
            return;
        }
        RecordedKex stored = RecordedKex.load(kex);
        assertEquals(stored.fields().keySet(), live.fields().keySet(), kex + ": the recording format changed");
        assertEquals(stored.get("server.version").split("_")[0], live.get("server.version").split("_")[0]);
        // Our side is deterministic given the seed: the same KEXINIT, the same random input, the same first message.
        assertArrayEquals(stored.bytes("client.kexinit"), live.bytes("client.kexinit"));
        assertArrayEquals(stored.bytes("client.tape"), live.bytes("client.tape"));
        assertArrayEquals(stored.bytes("client.1"), live.bytes("client.1"));
    }
}
