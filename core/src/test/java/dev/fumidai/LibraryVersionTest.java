// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.SessionStarted;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Checks that the library version in audit records is the POM's, not a constant that drifts from it. */
class LibraryVersionTest {

    /** The POM's {@code ${project.version}}, passed by surefire (root pom.xml, systemPropertyVariables). */
    private static String pomVersion() {
        String v = System.getProperty("fumidai.projectVersion");
        assertNotNull(v, "surefire must pass -Dfumidai.projectVersion=${project.version}");
        assertFalse(v.isBlank() || v.contains("${"), "unfiltered project version: " + v);
        return v;
    }

    @Test
    void libraryVersionIsThePomVersion() {
        assertEquals(pomVersion(), JumpHost.LIBRARY_VERSION);
    }

    @Test
    void auditRecordsCarryThePomVersion() throws Exception {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        try (JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:version").auditSink(sink).build()) {
            AuditEvent started = sink.await(e -> e instanceof SessionStarted, Duration.ofSeconds(10));
            assertNotNull(started, "no session.started record");
            assertEquals(pomVersion(), started.header().origin().libraryVersion());
        }
    }
}
