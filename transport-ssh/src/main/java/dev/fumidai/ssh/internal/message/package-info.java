// SPDX-License-Identifier: Apache-2.0
/**
 * Holds the SSH data types (RFC 4251 §5) and one record per transport-layer message (RFC 4253, RFC 4419,
 * RFC 5656, RFC 8308), each with {@code encode(ByteBuf)} and {@code decode(ByteBuf)}; decoding checks every
 * length before allocating.
 */
package dev.fumidai.ssh.internal.message;
