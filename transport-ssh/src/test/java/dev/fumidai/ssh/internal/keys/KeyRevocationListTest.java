// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks KRLs written by ssh-keygen -k against the answers ssh-keygen -Q gave (keys/krl_expected.txt). */
class KeyRevocationListTest {

    static Stream<String> expectations() {
        return Fixtures.text("krl_expected.txt").lines().filter(l -> !l.isBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectations")
    void agreesWithSshKeygen(String line) throws Exception {
        String[] w = line.split(" ");
        KeyRevocationList krl = KeyRevocationList.parse(Fixtures.bytes(w[0]), w[0]);
        SshPublicKey key = SshPublicKeys.parseText(Fixtures.text(w[1]));
        assertEquals("REVOKED".equals(w[2]), krl.isRevoked(key), line);
    }

    @Test
    void publicKeyListFilesWorkToo() throws Exception {
        String text = "# revoked\n" + Fixtures.text("host_rsa.pub") + "\n";
        KeyRevocationList list = KeyRevocationList.parse(text.getBytes(StandardCharsets.UTF_8), "list");
        assertTrue(list.isRevoked(SshPublicKeys.parseText(Fixtures.text("host_rsa.pub"))));
        assertTrue(list.isRevoked(SshPublicKeys.parseText(Fixtures.text("host_rsa-cert.pub"))));
        assertFalse(list.isRevoked(SshPublicKeys.parseText(Fixtures.text("host_ed25519.pub"))));
        assertFalse(KeyRevocationList.empty().isRevoked(SshPublicKeys.parseText(Fixtures.text("host_rsa.pub"))));
        assertThrows(InvalidSshKeyException.class,
                () -> KeyRevocationList.parse("ssh-ed25519 AAAAbroken\n".getBytes(StandardCharsets.UTF_8), "bad"));
    }

    @Test
    void damagedKrlsFailRatherThanRevokeNothing() {
        byte[] krl = Fixtures.bytes("krl_serial");
        for (int cut = 9; cut < krl.length; cut++) {
            byte[] truncated = Arrays.copyOf(krl, cut);
            try {
                KeyRevocationList.parse(truncated, "t");
                // A cut exactly between sections is a valid, shorter KRL; nothing else may parse.
                assertTrue(List.of(krl.length).contains(cut) || isSectionBoundary(krl, cut), "cut " + cut);
            } catch (InvalidSshKeyException expected) {
                // good
            }
        }
        byte[] signed = Arrays.copyOf(krl, krl.length + 1);
        signed[krl.length] = 4; // KRL_SECTION_SIGNATURE
        InvalidSshKeyException e = assertThrows(InvalidSshKeyException.class, () -> KeyRevocationList.parse(signed, "s"));
        assertTrue(e.getMessage().contains("signed"), e.getMessage());
    }

    private static boolean isSectionBoundary(byte[] krl, int cut) {
        try {
            SshWireReader r = new SshWireReader(krl, 8, krl.length - 8);
            r.readUint32();
            r.readUint64();
            r.readUint64();
            r.readUint64();
            r.readString();
            r.readString();
            while (r.position() < cut) {
                r.readByte();
                r.readString();
            }
            return r.position() == cut;
        } catch (InvalidSshKeyException e) {
            return false;
        }
    }
}
