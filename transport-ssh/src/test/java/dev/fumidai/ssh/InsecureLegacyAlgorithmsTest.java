// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks that the insecure legacy algorithms stay off the defaults and need an explicit opt-in. */
class InsecureLegacyAlgorithmsTest {

    static Stream<String> legacy() {
        List<String> all = new ArrayList<>();
        all.addAll(SshAlgorithms.InsecureLegacy.KEX);
        all.addAll(SshAlgorithms.InsecureLegacy.HOST_KEY);
        all.addAll(SshAlgorithms.InsecureLegacy.CIPHERS);
        all.addAll(SshAlgorithms.InsecureLegacy.MACS);
        return all.stream();
    }

    @Test
    void theLegacyListIsTheSpecsOptInColumn() {
        assertEquals(List.of("diffie-hellman-group14-sha1", "diffie-hellman-group-exchange-sha1"),
                SshAlgorithms.InsecureLegacy.KEX);
        assertEquals(List.of("ssh-rsa"), SshAlgorithms.InsecureLegacy.HOST_KEY);
        assertEquals(List.of("aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"), SshAlgorithms.InsecureLegacy.CIPHERS);
        assertEquals(List.of("hmac-sha1-etm@openssh.com", "hmac-sha1"), SshAlgorithms.InsecureLegacy.MACS);
    }

    @ParameterizedTest
    @MethodSource("legacy")
    void theDefaultsNeverContainALegacyAlgorithm(String name) {
        SshTransportConfig d = SshTransportConfig.defaults();
        assertFalse(d.isInsecureLegacyAllowed());
        assertFalse(d.kexAlgorithms().contains(name));
        assertFalse(d.hostKeyAlgorithms().contains(name));
        assertFalse(d.ciphers().contains(name));
        assertFalse(d.macs().contains(name));
        assertFalse(KexAlgorithms.DEFAULT.contains(name));
        assertFalse(CipherAlgorithms.DEFAULT_CIPHERS.contains(name));
        assertFalse(CipherAlgorithms.DEFAULT_MACS.contains(name));
    }

    @Test
    void namingALegacyAlgorithmWithoutTheOptInIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SshTransportConfig.builder()
                .kexAlgorithms(List.of(SshAlgorithms.InsecureLegacy.DH_GROUP14_SHA1)).build());
        assertEquals("key exchange algorithm diffie-hellman-group14-sha1 is insecure legacy; it needs "
                + "SshTransportConfig.Builder.allowInsecureLegacyAlgorithms()", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SshTransportConfig.builder()
                .ciphers(List.of(SshAlgorithms.InsecureLegacy.AES128_CBC)).build());
        assertThrows(IllegalArgumentException.class, () -> SshTransportConfig.builder()
                .macs(List.of(SshAlgorithms.InsecureLegacy.HMAC_SHA1)).build());
        assertThrows(IllegalArgumentException.class, () -> SshTransportConfig.builder()
                .hostKeyAlgorithms(List.of(SshAlgorithms.InsecureLegacy.SSH_RSA)).build());
    }

    @Test
    void appendingPutsLegacyAfterTheDefaultsAndKeepsTheSha1Policy() {
        SshTransportConfig c = SshTransportConfig.builder().appendInsecureLegacyAlgorithms().build();
        assertTrue(c.isInsecureLegacyAllowed());
        assertTrue(c.isForbidSha1(), "the SHA-1 policy stays on until turned off by name");
        List<String> kex = new ArrayList<>(KexAlgorithms.DEFAULT);
        kex.addAll(SshAlgorithms.InsecureLegacy.KEX);
        assertEquals(kex, c.kexAlgorithms());
        List<String> ciphers = new ArrayList<>(CipherAlgorithms.DEFAULT_CIPHERS);
        ciphers.addAll(SshAlgorithms.InsecureLegacy.CIPHERS);
        assertEquals(ciphers, c.ciphers());
        assertEquals(SshAlgorithms.InsecureLegacy.SSH_RSA, c.hostKeyAlgorithms().get(c.hostKeyAlgorithms().size() - 1));
        assertTrue(c.toBuilder().build().isInsecureLegacyAllowed(), "toBuilder keeps the opt-in");
        assertEquals(c.kexAlgorithms(), c.toBuilder().appendInsecureLegacyAlgorithms().build().kexAlgorithms(),
                "appending twice adds nothing");
    }
}
