// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testsupport;

import static dev.fumidai.testing.NullMarkedPackages.assertAllNullMarked;

import org.junit.jupiter.api.Test;

/** JSpecify markers on the test-support packages (issue 16). */
class NullSafetyTest {

    @Test
    void everyPublicPackageIsNullMarked() {
        assertAllNullMarked(EmbeddedBastions.class, "dev.fumidai.testsupport", "dev.fumidai.testsupport.junit");
    }
}
