// SPDX-License-Identifier: Apache-2.0
/**
 * Seals and opens whole SSH packets in place (RFC 4253 §6): AES-GCM and AES-CTR + HMAC-SHA2 through the JDK,
 * chacha20-poly1305@openssh.com through Bouncy Castle's engines used directly.
 *
 * <p>Benchmarks: {@link dev.fumidai.ssh.internal.cipher.PacketCipher#seal} and
 * {@link dev.fumidai.ssh.internal.cipher.PacketCipher#open} work on one array with no channel, so a JMH
 * benchmark can time the packet path beside the raw JCA/Bouncy Castle primitive; the framing cost on top is
 * {@code SshPacketCodec} on an {@code EmbeddedChannel}.
 */
package dev.fumidai.ssh.internal.cipher;
