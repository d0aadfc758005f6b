// SPDX-License-Identifier: Apache-2.0
/**
 * Reads, matches and appends OpenSSH known_hosts files ({@code sshd(8)} "SSH_KNOWN_HOSTS FILE FORMAT"): host
 * patterns and hashed names, {@code @cert-authority} and {@code @revoked} markers, the lookup that turns
 * entries into a decision, and the safe append used by trust-on-first-use. The public verifiers in
 * {@code dev.fumidai.ssh} are built on this package.
 */
package dev.fumidai.ssh.internal.knownhosts;
