// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal;

import dev.fumidai.spi.ConfiguredHost;
import dev.fumidai.spi.SshConfigResolver;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.ServiceLoader;

/** Finds the {@link SshConfigResolver} service and asks it, for {@code Route} and {@code Target}. */
public final class SshConfigLookup {

    private SshConfigLookup() {
    }

    /**
     * Resolves an alias with the first resolver found (core's class loader first, then the thread's).
     *
     * @throws IllegalStateException if no resolver is on the class or module path
     * @throws IllegalArgumentException as {@link SshConfigResolver#resolve} does
     */
    public static ConfiguredHost resolve(String alias, Path configFile) {
        Objects.requireNonNull(alias, "alias");
        SshConfigResolver resolver = find(ServiceLoader.load(SshConfigResolver.class,
                SshConfigLookup.class.getClassLoader()).iterator());
        if (resolver == null) {
            resolver = find(ServiceLoader.load(SshConfigResolver.class).iterator());
        }
        if (resolver == null) {
            throw new IllegalStateException("cannot read ssh_config for host \"" + alias + "\": no "
                    + SshConfigResolver.class.getName() + " service found (add fumidai-transport-ssh to the class"
                    + " or module path)");
        }
        return resolver.resolve(alias, configFile);
    }

    private static SshConfigResolver find(Iterator<SshConfigResolver> it) {
        return it.hasNext() ? it.next() : null;
    }
}
