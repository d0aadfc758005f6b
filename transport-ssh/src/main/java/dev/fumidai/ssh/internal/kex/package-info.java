// SPDX-License-Identifier: Apache-2.0
/**
 * Runs the client side of each key-exchange method and derives keys (RFC 4253 §7.2, §8): hybrid ML-KEM-768 and
 * sntrup761 with X25519, curve25519, ECDH on the NIST curves, fixed and negotiated finite-field groups.
 */
package dev.fumidai.ssh.internal.kex;
