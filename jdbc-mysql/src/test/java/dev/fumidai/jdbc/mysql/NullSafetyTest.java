// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc.mysql;

import static dev.fumidai.testing.NullMarkedPackages.assertAllNullMarked;

import org.junit.jupiter.api.Test;

/** JSpecify markers on the MySQL socket factory's package (issue 16). */
class NullSafetyTest {

    @Test
    void everyPublicPackageIsNullMarked() {
        assertAllNullMarked(FumidaiMysqlSocketFactory.class, "dev.fumidai.jdbc.mysql");
    }
}
