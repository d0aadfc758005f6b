// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import static dev.fumidai.testing.NullMarkedPackages.assertAllNullMarked;
import static dev.fumidai.testing.NullMarkedPackages.assertNotNullableReturn;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableComponent;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableParameter;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableReturn;

import dev.fumidai.audit.file.FileAuditSink;
import dev.fumidai.audit.json.ChainStamp;
import dev.fumidai.audit.json.JsonTree;
import dev.fumidai.audit.json.Redaction;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSpecify markers on the audit module's API (issue 16). */
class NullSafetyTest {

    @Test
    void everyPublicPackageIsNullMarked() {
        assertAllNullMarked(FileAuditSink.class, "dev.fumidai.audit.file", "dev.fumidai.audit.json",
                "dev.fumidai.audit.spool", "dev.fumidai.audit.syslog", "dev.fumidai.audit.verify");
    }

    @Test
    void nullableValuesSaySo() {
        assertNullableReturn(FileAuditSink.class, "currentSegment");
        assertNullableReturn(JsonTree.class, "string", Map.class, String.class);
        assertNullableReturn(Redaction.class, "apply", String.class);
        assertNullableComponent(ChainStamp.class, "prevHash");
        assertNullableComponent(Finding.class, "file");
        assertNullableParameter(FileAuditSink.Builder.class, "checkpointInterval", 0, Duration.class);
        assertNotNullableReturn(FileAuditSink.class, "name");
    }
}
