// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/**
 * Describes the negotiated algorithms of a hop ({@code hops[i].crypto}); {@code mac} is
 * {@code "<implicit>"} for AEAD ciphers.
 */
public record CryptoInfo(String kex, String cipher, String mac, String hostkeyAlg, boolean strictKex) {
}
