// SPDX-License-Identifier: Apache-2.0
/**
 * The fumidai API: {@code JumpHost}, {@link dev.fumidai.Target}, routes, local forwards, tunnel connections
 * and the exceptions that name the hop. Only JDK types appear here.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai;

import org.jspecify.annotations.NullMarked;
