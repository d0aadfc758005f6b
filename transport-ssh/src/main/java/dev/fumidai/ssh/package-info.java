// SPDX-License-Identifier: Apache-2.0
/**
 * The SSH hop: configuration, host-key verification and the URI form {@code ssh://user@host:port}.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.ssh;

import org.jspecify.annotations.NullMarked;
