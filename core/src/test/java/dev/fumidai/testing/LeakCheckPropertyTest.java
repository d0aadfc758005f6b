// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Proves that the Netty leak check applies to QuickTheories properties: a property class whose property leaks a
 * buffer on every example passes its test method but fails as a class, through {@link LeakCheckExtension}, the
 * same auto-detected extension every test class gets (junit-platform.properties enables auto-detection).
 */
class LeakCheckPropertyTest {

    /**
     * Leaks one direct buffer per example; run only through the nested engine below (surefire skips nested classes,
     * and the name does not match -Dtest=*Properties).
     */
    static class LeakingFixture {
        @Test
        void everyExampleDropsABuffer() {
            PropertyCheck.forAll(50, Gens.ints(0, 1000), n -> {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                b.writeInt(n);
                // not released: the leak under test
            });
        }
    }

    /** The same property without the leak: the class passes, so the failure above is the leak's alone. */
    static class TidyFixture {
        @Test
        void everyExampleReleasesItsBuffer() {
            PropertyCheck.forAll(50, Gens.ints(0, 1000), n -> {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                b.writeInt(n);
                b.release();
            });
        }
    }

    @Test
    void aLeakInAPropertyFailsItsClass() {
        EngineExecutionResults results = run(LeakingFixture.class);
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        List<Event> failed = results.containerEvents().failed().list();
        assertEquals(1, failed.size(), "exactly the property class fails: " + failed);
        Throwable cause = failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertTrue(cause instanceof AssertionError, String.valueOf(cause));
        assertTrue(cause.getMessage().startsWith("Netty reported "), cause.getMessage());
        assertTrue(cause.getMessage().contains("leak(s) in") && cause.getMessage().contains("LeakingFixture"),
                cause.getMessage());
        assertTrue(cause.getMessage().contains("LEAK of"), cause.getMessage());
        drainStragglers();
    }

    @Test
    void aPropertyThatReleasesItsBuffersPasses() {
        EngineExecutionResults results = run(TidyFixture.class);
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        assertEquals(0, results.containerEvents().failed().count(), "no container fails");
    }

    private static EngineExecutionResults run(Class<?> propertiesClass) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(propertiesClass))
                .execute();
    }

    /** Collects late reports of the deliberate leaks so that this class's own after-all check stays green. */
    private static void drainStragglers() {
        for (int i = 0; i < 5; i++) {
            LeakDetection.collectLeaks();
        }
    }
}
