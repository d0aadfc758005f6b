// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revokes random sets of serial numbers with {@code ssh-keygen -k} (which chooses lists, ranges or bitmaps)
 * and checks our answer against {@code ssh-keygen -Q} for certificates with every serial.
 */
@Tag("interop")
class KeyRevocationListInteropTest {

    @TempDir
    Path dir;

    @Test
    void serialRevocationsAgreeWithSshKeygen() throws Exception {
        SshKeygen.generate(dir, "ca", "-t", "ed25519");
        SshKeygen.generate(dir, "host", "-t", "ed25519");
        int certs = 24;
        List<OpenSshCertificate> signed = new ArrayList<>();
        for (int serial = 0; serial < certs; serial++) {
            Files.copy(dir.resolve("host.pub"), dir.resolve("h" + serial + ".pub"));
            SshKeygen.run(dir, "-q", "-s", "ca", "-I", "id" + (serial % 3), "-h", "-n", "host1", "-z",
                    Integer.toString(serial), "h" + serial + ".pub");
            signed.add((OpenSshCertificate) SshPublicKeys.parseText(Files.readString(dir.resolve("h" + serial
                    + "-cert.pub"))));
        }
        Random random = new Random(20261128L);
        List<String> disagreements = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            StringBuilder spec = new StringBuilder();
            for (int serial = 1; serial < certs; serial++) {
                if (random.nextInt(3) == 0) {
                    spec.append("serial: ").append(serial).append('\n');
                }
            }
            int lo = 1 + random.nextInt(certs - 2);
            spec.append("serial: ").append(lo).append('-').append(lo + 1 + random.nextInt(4)).append('\n');
            if (round % 2 == 0) {
                spec.append("id: id1\n");
            }
            Files.writeString(dir.resolve("spec"), spec);
            Files.deleteIfExists(dir.resolve("krl"));
            SshKeygen.run(dir, "-q", "-k", "-f", "krl", "-s", "ca.pub", "spec");
            KeyRevocationList krl = KeyRevocationList.read(dir.resolve("krl"));
            for (int serial = 0; serial < certs; serial++) {
                boolean theirs = sshKeygenSaysRevoked(dir, "h" + serial + "-cert.pub");
                boolean ours = krl.isRevoked(signed.get(serial));
                if (theirs != ours) {
                    disagreements.add("round " + round + " serial " + serial + ": ssh-keygen " + theirs + ", ours "
                            + ours + " for spec " + spec.toString().replace('\n', ';'));
                }
            }
        }
        assertEquals(List.of(), disagreements);
    }

    private static boolean sshKeygenSaysRevoked(Path dir, String cert) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-Q", "-f", "krl", cert).directory(dir.toFile())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        return p.exitValue() != 0;
    }
}
