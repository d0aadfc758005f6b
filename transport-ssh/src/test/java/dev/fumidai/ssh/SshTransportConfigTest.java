// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.VerifiedBy;
import java.util.List;
import org.junit.jupiter.api.Test;

class SshTransportConfigTest {

    /** A strict verifier that knows an RSA key for the host. */
    static final class KnowsRsa implements HostKeyVerifier, HostKeyAlgorithmPreference {
        @Override
        public HostKeyVerdict verify(HostKeyCheck check) {
            return new HostKeyVerdict(VerifiedBy.CUSTOM, "x", false);
        }

        @Override
        public List<String> preferredHostKeyAlgorithms(String hostName, int port) {
            return hostName.equals("bastion") && port == 2222
                    ? List.of("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa") : List.of();
        }
    }

    @Test
    void knownHostKeyAlgorithmsMoveToTheFrontAndUnsupportedOnesAreIgnored() {
        SshTransportConfig c = SshTransportConfig.defaults()
                .preferringKnownHostKeyAlgorithms(new KnowsRsa(), "bastion", 2222);
        assertEquals(List.of("rsa-sha2-512", "rsa-sha2-256"), c.hostKeyAlgorithms().subList(0, 2));
        assertEquals(SshTransportConfig.DEFAULT_HOST_KEY_ALGORITHMS.size(), c.hostKeyAlgorithms().size());
    }

    @Test
    void unknownHostsAndVerifiersWithoutPreferenceKeepTheDefaults() {
        SshTransportConfig d = SshTransportConfig.defaults();
        assertSame(d, d.preferringKnownHostKeyAlgorithms(new KnowsRsa(), "other", 22));
        assertSame(d, d.preferringKnownHostKeyAlgorithms(check -> null, "bastion", 2222));
    }

    @Test
    void theMaximumReceiveWindowDefaultsToSixteenMebibytesAndIsChecked() {
        assertEquals(16 << 20, SshTransportConfig.defaults().maxReceiveWindow(), "growth to 16 MiB by default");
        SshTransportConfig c = SshTransportConfig.builder().maxReceiveWindow(64 << 20).build();
        assertEquals(64 << 20, c.maxReceiveWindow());
        assertEquals(64 << 20, c.toBuilder().build().maxReceiveWindow());
        assertEquals(SshTransportConfig.INITIAL_RECEIVE_WINDOW,
                SshTransportConfig.builder().maxReceiveWindow(2 << 20).build().maxReceiveWindow(), "growth off");
        assertEquals(1 << 30, SshTransportConfig.builder().maxReceiveWindow(1 << 30).build().maxReceiveWindow());
        for (int bad : new int[] {(2 << 20) - 1, 0, -1, (1 << 30) + 1, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SshTransportConfig.builder().maxReceiveWindow(bad).build(), "accepted " + bad);
            assertTrue(e.getMessage().contains("maxReceiveWindow"), e.getMessage());
        }
    }
}
