// SPDX-License-Identifier: Apache-2.0
/**
 * The MySQL Connector/J socket factory that reaches the database through a fumidai tunnel.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.jdbc.mysql;

import org.jspecify.annotations.NullMarked;
