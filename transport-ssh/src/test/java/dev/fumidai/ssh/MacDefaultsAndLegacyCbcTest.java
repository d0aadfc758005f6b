// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 7: the default MACs are encrypt-then-MAC only, the others are used only when listed, and the
 * legacy CBC ciphers go only with an encrypt-then-MAC MAC (CBC with MAC-then-encrypt is the CVE-2008-5161
 * plaintext-recovery class). The handshakes are in {@code MinaLegacyAlgorithmsTest}.
 */
class MacDefaultsAndLegacyCbcTest {

    @Test
    void defaultMacsAreEncryptThenMacOnly() {
        List<String> etm = List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com");
        assertEquals(etm, SshTransportConfig.defaults().macs());
        assertEquals(etm, SshTransportConfig.builder().build().macs());
    }

    @Test
    void nonEtmMacsAreUsedWhenListedWithoutTheLegacyOptIn() {
        List<String> listed = List.of(SshAlgorithms.Mac.HMAC_SHA2_256, SshAlgorithms.Mac.HMAC_SHA2_512);
        SshTransportConfig c = SshTransportConfig.builder().macs(listed).build();
        assertEquals(listed, c.macs());
        assertEquals(false, c.isInsecureLegacyAllowed());
    }

    @Test
    void cbcNextToAMacThenEncryptMacIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SshTransportConfig.builder()
                .allowInsecureLegacyAlgorithms().ciphers(List.of(SshAlgorithms.Cipher.AES128_CTR,
                        SshAlgorithms.InsecureLegacy.AES128_CBC))
                .macs(List.of(SshAlgorithms.Mac.HMAC_SHA2_256_ETM, SshAlgorithms.Mac.HMAC_SHA2_256,
                        SshAlgorithms.InsecureLegacy.HMAC_SHA1)).build());
        assertEquals("legacy CBC cipher aes128-cbc is allowed only with encrypt-then-MAC MACs (*-etm@openssh.com; "
                + "CVE-2008-5161), but the MACs also list [hmac-sha2-256, hmac-sha1]", e.getMessage());
        // Appending the legacy list to a MAC list that names a MAC-then-encrypt MAC is refused the same way.
        assertThrows(IllegalArgumentException.class, () -> SshTransportConfig.builder()
                .macs(List.of(SshAlgorithms.Mac.HMAC_SHA2_256)).appendInsecureLegacyAlgorithms().build());
    }

    @Test
    void cbcWithEncryptThenMacMacsOnlyIsAccepted() {
        SshTransportConfig c = SshTransportConfig.builder().allowInsecureLegacyAlgorithms()
                .ciphers(List.of(SshAlgorithms.InsecureLegacy.AES256_CBC, SshAlgorithms.Cipher.AES128_CTR))
                .macs(List.of(SshAlgorithms.Mac.HMAC_SHA2_256_ETM, SshAlgorithms.InsecureLegacy.HMAC_SHA1_ETM)).build();
        assertTrue(c.ciphers().contains(SshAlgorithms.InsecureLegacy.AES256_CBC));
        SshTransportConfig appended = SshTransportConfig.builder().appendInsecureLegacyAlgorithms().build();
        assertTrue(appended.ciphers().containsAll(SshAlgorithms.InsecureLegacy.CIPHERS), appended.ciphers().toString());
        assertEquals(List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
                "hmac-sha1-etm@openssh.com"), appended.macs());
        // Without a CBC cipher, hmac-sha1 is still there for the servers that need it.
        assertEquals(List.of("hmac-sha1"), SshTransportConfig.builder().allowInsecureLegacyAlgorithms()
                .macs(List.of(SshAlgorithms.InsecureLegacy.HMAC_SHA1)).build().macs());
    }
}
