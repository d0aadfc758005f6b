// SPDX-License-Identifier: Apache-2.0
/**
 * The SSM hop: {@link dev.fumidai.ssm.SsmHop} and the URI form {@code ssm://i-0abc?region=eu-west-1}, the
 * control-plane SPI {@link dev.fumidai.ssm.SsmApi} with its AWS SDK implementation, and
 * {@link dev.fumidai.ssm.SsmChannelClosedException}.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.ssm;

import org.jspecify.annotations.NullMarked;
