// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Checks the standalone fake's command line: real-agent defaults and one option per fault. */
class FakeSsmServiceMainTest {

    @Test
    void theStandaloneFakePacesLikeTheRealAgentByDefault() throws Exception {
        try (FakeSsmService s = FakeSsmService.fromArgs(new String[0]).start()) {
            assertTrue(s.realAgentPacing(), "pacing on by default in the standalone fake");
            assertEquals(FakeSsmService.Retransmission.AGENT, s.retransmission());
            assertEquals("3.3.1142.0", s.agentVersion());
            assertTrue(s.endpoint().toString().startsWith("http://127.0.0.1:"), s.endpoint().toString());
        }
    }

    @Test
    void everyOptionReachesTheService() throws Exception {
        try (FakeSsmService s = FakeSsmService.fromArgs(new String[] {"--agent-version", "3.0.196.0", "--pacing",
                "off", "--retransmission", "doubling", "--drop-out", "0.2", "--drop-in", "0.1", "--duplicate", "0.3",
                "--reorder", "0.05", "--ack-delay", "40", "--withhold-acks", "--refuse-streams", "--withhold-pongs",
                "--seed", "9"}).start()) {
            assertEquals("3.0.196.0", s.agentVersion());
            assertFalse(s.realAgentPacing());
            assertEquals(FakeSsmService.Retransmission.DOUBLING, s.retransmission());
            FakeFaults f = s.faults();
            assertEquals(0.2, f.dropOutbound());
            assertEquals(0.1, f.dropInbound());
            assertEquals(0.3, f.duplicateOutbound());
            assertEquals(0.05, f.reorderOutbound());
            assertEquals(40, f.ackDelayMillis());
            assertTrue(f.withholdAcks());
            assertTrue(f.refuseStreams());
            assertTrue(f.withholdPongs());
            assertEquals(9, f.seed());
        }
    }

    @Test
    void badOptionsFailNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FakeSsmService.fromArgs(new String[] {"--bogus"}));
        assertTrue(e.getMessage().startsWith("unknown option --bogus"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FakeSsmService.fromArgs(new String[] {"--drop-out", "1.5"}));
        assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FakeSsmService.fromArgs(new String[] {"--seed"}));
        assertTrue(e.getMessage().contains("needs a value"), e.getMessage());
    }
}
