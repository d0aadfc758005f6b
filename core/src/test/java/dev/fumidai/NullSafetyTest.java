// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static dev.fumidai.testing.NullMarkedPackages.assertAllNullMarked;
import static dev.fumidai.testing.NullMarkedPackages.assertNotNullableReturn;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableComponent;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableParameter;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableReturn;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.Reason;
import dev.fumidai.spi.Hop;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** JSpecify markers on core's API (issue 16): Kotlin and null checkers see which values may be null. */
class NullSafetyTest {

    @Test
    void everyPublicPackageIsNullMarked() {
        assertAllNullMarked(JumpHost.class, "dev.fumidai", "dev.fumidai.audit", "dev.fumidai.spi");
    }

    @Test
    void accessorsThatReturnNullSaySo() {
        assertNullableReturn(Target.class, "host");
        assertNullableReturn(Target.class, "path");
        assertNullableReturn(TunnelException.class, "hopName");
        assertNullableReturn(TunnelException.class, "target");
        assertNullableReturn(LocalForward.class, "localAddress");
        assertNullableReturn(LocalForward.class, "unixSocketPath");
        assertNullableReturn(ForwardOptions.class, "socksUser");
        assertNullableReturn(ForwardOptions.class, "socksPassword");
        assertNullableReturn(Hop.class, "address");
        assertNullableReturn(AuditEvent.class, "reason");
        assertNullableComponent(HopStatus.class, "connectedSince");
        assertNullableComponent(HopStatus.class, "negotiated");
        assertNullableComponent(HopStatus.class, "lastError");
        assertNullableComponent(EventHeader.class, "sessionId");
        assertNullableComponent(Reason.class, "detail");
        assertNullableComponent(HopInfo.class, "address");
        assertNullableComponent(HopConnected.class, "credential");
        // Controls: values that are never null carry no marker.
        assertNotNullableReturn(TunnelException.class, "where");
        assertNotNullableReturn(Target.class, "toString");
        assertNotNullableReturn(HopStatus.class, "hop");
    }

    @Test
    void parametersThatAcceptNullSaySo() {
        assertNullableParameter(Route.class, "fromSshConfig", 1, String.class, Path.class);
        assertNullableParameter(Target.class, "fromSshConfig", 1, String.class, Path.class);
        assertNullableParameter(TunnelException.class, "<init>", 2, String.class, String.class, Throwable.class);
        assertNullableParameter(TunnelEventListener.class, "hopDisconnected", 2, TunnelEventListener.HopId.class,
                Duration.class, Throwable.class);
        assertNullableParameter(TunnelEventListener.class, "streamOpened", 0, TunnelEventListener.HopId.class,
                Duration.class);
    }
}
