// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static dev.fumidai.ssh.HostKeyFixtures.check;
import static dev.fumidai.ssh.HostKeyFixtures.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerificationException.Kind;
import org.junit.jupiter.api.Test;

class PinnedAndInsecureVerifierTest {

    @Test
    void pinnedFingerprintAcceptsOnlyThePinnedKeys() throws Exception {
        String fp = HostKeyFixtures.text("id_rsa.fp").trim(); // as ssh-keygen -l printed it
        PinnedFingerprintVerifier v = PinnedFingerprintVerifier.of(key("host_ed25519.pub").fingerprint(), fp);
        assertEquals(VerifiedBy.PINNED, v.verify(check("host1", 22, "host_ed25519.pub")).verifiedBy());
        assertEquals(VerifiedBy.PINNED, v.verify(check("host1", 22, "id_rsa.pub")).verifiedBy());
        // A certificate for a pinned key matches: fingerprints of certificates are of the certified key.
        assertEquals(VerifiedBy.PINNED, v.verify(check("host1", 22, "host_ed25519-cert.pub")).verifiedBy());
        HostKeyVerificationException e = assertThrows(HostKeyVerificationException.class,
                () -> v.verify(check("host9", 2200, "host_rsa.pub")));
        assertEquals(Kind.MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("[host9]:2200"), e.getMessage());
        assertTrue(e.getMessage().contains(key("host_rsa.pub").fingerprint()), e.getMessage());
    }

    @Test
    void pinsMustBeSha256Fingerprints() {
        assertThrows(IllegalArgumentException.class, () -> PinnedFingerprintVerifier.of());
        assertThrows(IllegalArgumentException.class,
                () -> PinnedFingerprintVerifier.of("MD5:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99"));
        assertThrows(IllegalArgumentException.class, () -> PinnedFingerprintVerifier.of("SHA256:short"));
        assertThrows(IllegalArgumentException.class, () -> PinnedFingerprintVerifier.of("SHA256:!!!"));
        String fp = key("host_ed25519.pub").fingerprint();
        assertEquals(fp, PinnedFingerprintVerifier.of(fp + "=").fingerprints().get(0), "padding tolerated");
    }

    @Test
    void insecureVerifierAcceptsAnythingAndSaysUnverified() throws Exception {
        HostKeyVerifier v = InsecureAcceptAnyHostKey.acceptingAnyHostKeyInsecurely();
        HostKeyVerdict verdict = v.verify(check("host1", 22, "host_ed25519.pub"));
        assertEquals(VerifiedBy.UNVERIFIED, verdict.verifiedBy());
        assertEquals(key("host_ed25519.pub").fingerprint(), verdict.fingerprint());
        HostKeyVerdict garbage = v.verify(new HostKeyCheck("host1", 22, "ssh-ed25519", new byte[] {1, 2, 3}));
        assertEquals(VerifiedBy.UNVERIFIED, garbage.verifiedBy());
        assertTrue(garbage.fingerprint().startsWith("SHA256:"));
    }
}
