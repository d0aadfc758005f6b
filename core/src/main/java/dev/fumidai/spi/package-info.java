// SPDX-License-Identifier: Apache-2.0
/**
 * Extension points for transports and sinks: {@link dev.fumidai.spi.Hop}, {@link dev.fumidai.spi.HopSession},
 * {@link dev.fumidai.spi.HopContext}, {@link dev.fumidai.spi.HopFactory} and the stream-channel contract.
 * Unlike the API package, these types may use Netty.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.spi;

import org.jspecify.annotations.NullMarked;
