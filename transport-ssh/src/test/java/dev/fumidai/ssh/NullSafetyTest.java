// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static dev.fumidai.testing.NullMarkedPackages.assertAllNullMarked;
import static dev.fumidai.testing.NullMarkedPackages.assertNotNullableReturn;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableParameter;
import static dev.fumidai.testing.NullMarkedPackages.assertNullableReturn;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSpecify markers on the SSH transport's API (issue 16). */
class NullSafetyTest {

    @Test
    void everyPublicPackageIsNullMarked() {
        assertAllNullMarked(SshHop.class, "dev.fumidai.ssh", "dev.fumidai.ssh.config", "dev.fumidai.ssh.spi");
    }

    @Test
    void callbacksThatMayGiveUpReturnNullable() {
        assertNullableReturn(PasswordCallback.class, "password", String.class, String.class);
        assertNullableReturn(PassphraseProvider.class, "passphrase", String.class);
        assertNullableReturn(KeyboardInteractiveCallback.class, "answers", String.class, String.class, String.class,
                List.class);
        assertNotNullableReturn(SshHop.class, "name");
    }

    @Test
    void optionalSettingsAcceptNull() {
        assertNullableParameter(SshHop.Builder.class, "agent", 0, Path.class);
        assertNullableParameter(SshHop.Builder.class, "connectTimeout", 0, Duration.class);
        assertNullableParameter(SshHop.Builder.class, "identity", 1, byte[].class, char[].class);
        assertNullableParameter(SshRoutes.class, "resolve", 1, String.class, Path.class);
    }
}
