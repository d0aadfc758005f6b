// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

/**
 * Holds what a finished key exchange yields: the server's host key and signature (still to be verified), the
 * exchange hash H, and the shared secret K already encoded as the hash and key derivation need it (an mpint,
 * or a string for the hybrid methods).
 */
public record KexResult(byte[] hostKey, byte[] signature, byte[] exchangeHash, byte[] encodedSecret,
        String hashAlgorithm) {

    /** Overwrites the shared secret; called once the keys are derived. */
    public void destroy() {
        java.util.Arrays.fill(encodedSecret, (byte) 0);
    }
}
