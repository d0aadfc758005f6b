// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionsTest {

    @Test
    void muxNeedsAnAgentStrictlyNewerThan3_0_196_0WithFourParts() {
        assertFalse(Versions.clientUsesMux("3.0.196.0"));
        assertTrue(Versions.clientUsesMux("3.0.197.0"));
        assertTrue(Versions.clientUsesMux("3.3.1142.0"));
        assertFalse(Versions.clientUsesMux("3.3.1142"), "the plugin refuses versions with other part counts (§8.1)");
    }

    @Test
    void keepaliveOnlyUpTo3_1_1511_0() {
        assertTrue(Versions.clientNeedsKeepalive("3.1.1511.0"));
        assertTrue(Versions.clientNeedsKeepalive("3.0.196.0"));
        assertFalse(Versions.clientNeedsKeepalive("3.1.1512.0"));
        assertFalse(Versions.clientNeedsKeepalive("3.3.1142.0"));
    }

    @Test
    void comparesNumericallyWithMissingPartsSmaller() {
        assertTrue(Versions.compare("1.2.677.0", Versions.NO_KEEPALIVE_AFTER_CLIENT) > 0);
        assertTrue(Versions.compare("1.2.331.0", Versions.NO_KEEPALIVE_AFTER_CLIENT) == 0);
        assertTrue(Versions.compare("1.1.70", Versions.MUX_FROM_CLIENT) == 0);
        assertTrue(Versions.compare("1.1.70.0", "1.1.70") > 0);
        assertTrue(Versions.compare("1.10.0", "1.9.9") > 0);
        assertTrue(Versions.compare("", Versions.MUX_FROM_CLIENT) < 0, "an empty ClientVersion sorts first");
    }
}
