// SPDX-License-Identifier: Apache-2.0
/**
 * Parses SSH public keys, OpenSSH certificates and private keys, and makes and checks SSH signatures
 * (RFC 4253 §6.6, RFC 5656, RFC 8332, RFC 8709, OpenSSH {@code PROTOCOL.certkeys} and {@code PROTOCOL.key}).
 * Crypto is the JDK's; Bouncy Castle only parses ASN.1 and derives public keys from private ones.
 */
package dev.fumidai.ssh.internal.keys;
