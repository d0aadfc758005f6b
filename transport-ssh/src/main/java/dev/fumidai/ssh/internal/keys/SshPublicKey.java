// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

/**
 * Is a parsed SSH public key or certificate (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709, OpenSSH
 * {@code PROTOCOL.certkeys}) that can verify signatures.
 *
 * <p>Instances are created by {@code SshPublicKeys.parse(byte[])}; they are immutable and thread-safe.
 */
public interface SshPublicKey {

    /** Returns the key type as on the wire, e.g. {@code ssh-ed25519} or {@code ecdsa-sha2-nistp256-cert-v01@openssh.com}. */
    String keyType();

    /** Returns the SSH wire encoding of the key (a copy). */
    byte[] encoded();

    /**
     * Returns the OpenSSH fingerprint {@code SHA256:<base64 without padding>} of {@link #encoded()}; for a
     * certificate, of the certified plain key, as OpenSSH computes it.
     */
    String fingerprint();

    /**
     * Verifies an SSH signature blob ({@code string algorithm, string signature}, RFC 4253 §6.6) over data.
     *
     * @param signatureAlgorithm the negotiated algorithm the signature must use (e.g. {@code rsa-sha2-256});
     *     a blob naming any other algorithm fails
     * @return whether the signature is valid; {@code false} also for a malformed blob
     */
    boolean verify(String signatureAlgorithm, byte[] data, byte[] signatureBlob);
}
