// SPDX-License-Identifier: Apache-2.0
/**
 * Reads OpenSSH client configuration files ({@code ssh_config(5)}) and resolves a host alias to its effective
 * settings, the way {@code ssh -G} does, without ever running a command ({@code Match exec} is refused).
 * {@link dev.fumidai.ssh.SshRoutes} turns the resolved settings into hops, and core's
 * {@code Route.fromSshConfig} reaches both through the {@code SshConfigResolver} service.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.ssh.config;

import org.jspecify.annotations.NullMarked;
