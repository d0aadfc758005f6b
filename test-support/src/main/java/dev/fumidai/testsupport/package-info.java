// SPDX-License-Identifier: Apache-2.0
/**
 * A chain of embedded SSH bastions (Apache MINA SSHD in this JVM) for tests of code that tunnels.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.testsupport;

import org.jspecify.annotations.NullMarked;
