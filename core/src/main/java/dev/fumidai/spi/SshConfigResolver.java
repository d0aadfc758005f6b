// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Turns a host alias of an OpenSSH client configuration ({@code ssh_config(5)}) into hops, so that
 * {@link dev.fumidai.Route#fromSshConfig(String)} and {@link dev.fumidai.Target#fromSshConfig(String)} work
 * while core depends on no transport. Registered with {@link java.util.ServiceLoader}; the SSH transport
 * ({@code fumidai-transport-ssh}) provides one.
 *
 * <h2>Threading</h2>
 * Implementations are thread-safe. {@link #resolve} reads files and may block: never call it on an event loop.
 */
public interface SshConfigResolver {

    /**
     * Resolves an alias.
     *
     * @param alias the host alias, as one would give it to {@code ssh}
     * @param configFile the only file to read, as {@code ssh -F} does; {@code null} for OpenSSH's defaults
     *        ({@code ~/.ssh/config}, then {@code /etc/ssh/ssh_config})
     * @return the hops and address of the host
     * @throws IllegalArgumentException if no {@code Host} or {@code Match} block names the alias, or the
     *         configuration cannot be read, is malformed, or holds an unsafe value ({@code docs/security.md});
     *         the message says which file and line where known
     */
    ConfiguredHost resolve(String alias, @Nullable Path configFile);
}
