// SPDX-License-Identifier: Apache-2.0
/**
 * Micrometer meters for a {@code JumpHost}'s tunnels, fed by its {@code TunnelEventListener}.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.micrometer;

import org.jspecify.annotations.NullMarked;
