// SPDX-License-Identifier: Apache-2.0
/**
 * The JUnit 5 extension that injects tunnels, forwards and JDBC URLs into tests.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.testsupport.junit;

import org.jspecify.annotations.NullMarked;
