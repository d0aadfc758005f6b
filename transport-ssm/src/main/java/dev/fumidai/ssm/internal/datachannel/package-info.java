// SPDX-License-Identifier: Apache-2.0
/** The data-channel message layer: codec (SSM spec §4), payloads (§5.1, §5.6, §6) and reliability (§5). */
package dev.fumidai.ssm.internal.datachannel;
