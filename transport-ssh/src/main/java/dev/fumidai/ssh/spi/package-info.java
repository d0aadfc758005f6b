// SPDX-License-Identifier: Apache-2.0
/**
 * Netty-level access to an SSH hop: a running command's channel ({@link dev.fumidai.ssh.spi.SshExec}) and its
 * standard error as {@link dev.fumidai.ssh.spi.SshExtendedDataEvent}s. Unlike {@code dev.fumidai.ssh}, these types
 * may use Netty; applications that only tunnel never need them.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.ssh.spi;

import org.jspecify.annotations.NullMarked;
