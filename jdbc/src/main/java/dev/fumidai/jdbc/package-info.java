// SPDX-License-Identifier: Apache-2.0
/**
 * JDBC through fumidai tunnels: a {@code SocketFactory} that drivers load by class name, whose sockets reach the
 * database through a {@code JumpHost} named in the URL, and the registry of those names.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.jdbc;

import org.jspecify.annotations.NullMarked;
