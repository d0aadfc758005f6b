// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.micrometer;

import static dev.fumidai.testing.NullMarkedPackages.assertAllNullMarked;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableParameter;

import dev.fumidai.TunnelEventListener.HopId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** JSpecify markers on the Micrometer binder (issue 16). */
class NullSafetyTest {

    @Test
    void everyPublicPackageIsNullMarked() {
        assertAllNullMarked(FumidaiMetrics.class, "dev.fumidai.micrometer");
    }

    @Test
    void aDirectRouteHasNoLastHop() {
        assertNullableParameter(FumidaiMetrics.class, "streamOpened", 0, HopId.class, Duration.class);
    }
}
