// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc;

import static dev.fumidai.testing.NullMarkedPackages.assertAllNullMarked;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableParameter;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** JSpecify markers on the JDBC module's API (issue 16). */
class NullSafetyTest {

    @Test
    void everyPublicPackageIsNullMarked() {
        assertAllNullMarked(FumidaiSocketFactory.class, "dev.fumidai.jdbc");
    }

    @Test
    void theDriverMayPassNoArgument() {
        assertNullableParameter(FumidaiSocketFactory.class, "<init>", 0, String.class);
        assertNullableParameter(FumidaiSocketFactory.class, "<init>", 0, Properties.class);
    }
}
