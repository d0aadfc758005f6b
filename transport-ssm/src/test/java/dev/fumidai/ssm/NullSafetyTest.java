// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import static dev.fumidai.testing.NullMarkedPackages.assertAllNullMarked;
import static dev.fumidai.testing.NullMarkedPackages.assertNotNullableReturn;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableComponent;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableReturn;

import org.junit.jupiter.api.Test;

/** JSpecify markers on the SSM transport's API (issue 16). */
class NullSafetyTest {

    @Test
    void everyPublicPackageIsNullMarked() {
        assertAllNullMarked(SsmHop.class, "dev.fumidai.ssm");
    }

    @Test
    void accessorsThatReturnNullSaySo() {
        assertNullableReturn(SsmHop.class, "address");
        assertNullableReturn(SsmHop.class, "region");
        assertNullableReturn(SsmHop.class, "profile");
        assertNullableComponent(StartSessionRequest.class, "reason");
        assertNotNullableReturn(SsmHop.class, "target");
    }
}
