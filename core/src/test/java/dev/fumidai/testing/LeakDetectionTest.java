// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves the build's leak check can fail: a buffer dropped without release is reported and collected. */
class LeakDetectionTest {

    @Test
    void aDroppedBufferIsReported() {
        assertTrue(LeakDetection.isInstalled(), "installed by the launcher session listener");
        assertTrue(ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID,
                "tests run with -Dio.netty.leakDetection.level=paranoid");
        leakOne();
        List<String> leaks = List.of();
        for (int i = 0; i < 20 && leaks.isEmpty(); i++) {
            leaks = LeakDetection.collectLeaks();
        }
        assertFalse(leaks.isEmpty(), "the leak was reported");
        assertTrue(leaks.get(0).startsWith("LEAK of"), leaks.get(0));
        // collectLeaks() consumed the report, so this class's own after-all check stays green.
    }

    private static void leakOne() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42);
    }
}
