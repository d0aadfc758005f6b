// SPDX-License-Identifier: Apache-2.0
/** smux v1 framing and stream state machine (SSM spec §8.4). */
package dev.fumidai.ssm.internal.mux;
