// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Objects;
import javax.security.auth.DestroyFailedException;
import javax.security.auth.Destroyable;

/**
 * Is a loaded private key with its public half, able to make SSH signature blobs for user authentication
 * (RFC 4252 §7).
 *
 * <h2>Threading</h2>
 * Thread-safe until {@link #destroy()}; signing after that fails.
 *
 * <h2>Key material</h2>
 * The JDK key objects hold the secret; Java cannot zero them reliably ({@code RSAPrivateCrtKey} and
 * {@code ECPrivateKey} of JDK 17 do not implement {@link Destroyable#destroy()}), so {@link #destroy()} calls
 * it where it is implemented and drops the reference. The byte arrays this library decrypted the key from
 * are zeroed right after parsing.
 */
public final class SshPrivateKey implements Destroyable {

    private final PlainSshPublicKey publicKey;
    private final String comment;
    private volatile PrivateKey privateKey;

    SshPrivateKey(PrivateKey privateKey, PlainSshPublicKey publicKey, String comment) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.comment = comment == null ? "" : comment;
    }

    /** Returns the public key. */
    public PlainSshPublicKey publicKey() {
        return publicKey;
    }

    /** Returns the comment stored with the key (OpenSSH format), or an empty string. */
    public String comment() {
        return comment;
    }

    /**
     * Returns the signature algorithms this key can make, strongest first: {@code rsa-sha2-512},
     * {@code rsa-sha2-256} for RSA (never {@code ssh-rsa} unless asked by name); the key type otherwise.
     */
    public java.util.List<String> signatureAlgorithms() {
        if (publicKey instanceof RsaSshPublicKey) {
            return java.util.List.of(KeyAlgorithms.RSA_SHA2_512, KeyAlgorithms.RSA_SHA2_256);
        }
        return java.util.List.of(publicKey.keyType());
    }

    /**
     * Signs data and returns the SSH signature blob ({@code string algorithm, string signature}).
     *
     * @param signatureAlgorithm {@code ssh-ed25519}, {@code ecdsa-sha2-nistp256/384/521}, {@code rsa-sha2-256},
     *     {@code rsa-sha2-512} or (only when asked) {@code ssh-rsa}
     * @throws GeneralSecurityException if the key cannot sign with that algorithm or was destroyed
     */
    public byte[] sign(String signatureAlgorithm, byte[] data) throws GeneralSecurityException {
        PrivateKey key = privateKey;
        if (key == null) {
            throw new GeneralSecurityException("private key " + publicKey.fingerprint() + " was destroyed");
        }
        return SshSignatures.sign(key, signatureAlgorithm, data);
    }

    /** Returns the JDK private key, e.g. for an agent; {@code null} after {@link #destroy()}. */
    public PrivateKey javaKey() {
        return privateKey;
    }

    @Override
    public void destroy() {
        PrivateKey key = privateKey;
        privateKey = null;
        if (key != null) {
            try {
                key.destroy();
            } catch (DestroyFailedException | RuntimeException e) {
                // Not implemented by the JDK's RSA/EC/EdDSA keys: dropping the reference is all Java allows.
            }
        }
    }

    @Override
    public boolean isDestroyed() {
        return privateKey == null;
    }

    @Override
    public String toString() {
        return "SshPrivateKey[" + publicKey + "]";
    }
}
