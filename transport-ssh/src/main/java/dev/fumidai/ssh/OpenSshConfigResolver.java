// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.spi.ConfiguredHost;
import dev.fumidai.spi.SshConfigResolver;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Resolves OpenSSH client configuration aliases for core's {@code Route.fromSshConfig} and
 * {@code Target.fromSshConfig}, with {@link SshRoutes#resolve}. Registered with {@link java.util.ServiceLoader}.
 */
public final class OpenSshConfigResolver implements SshConfigResolver {

    /** Creates the resolver; it holds no state. */
    public OpenSshConfigResolver() {
    }

    @Override
    public ConfiguredHost resolve(String alias, @Nullable Path configFile) {
        return SshRoutes.resolve(alias, configFile);
    }
}
