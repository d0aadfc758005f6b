// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * Is a plain (non-certificate) SSH public key backed by a JDK {@link PublicKey}. Equality is by wire
 * encoding, so two parses of the same key are equal.
 */
public abstract sealed class PlainSshPublicKey implements SshPublicKey
        permits Ed25519SshPublicKey, EcdsaSshPublicKey, RsaSshPublicKey {

    private final String keyType;
    private final byte[] encoded;
    private final String fingerprint;

    PlainSshPublicKey(String keyType, byte[] encoded) {
        this.keyType = keyType;
        this.encoded = encoded.clone();
        this.fingerprint = SshPublicKeys.fingerprint(encoded);
    }

    @Override
    public final String keyType() {
        return keyType;
    }

    @Override
    public final byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public final String fingerprint() {
        return fingerprint;
    }

    /** Returns the key as a JDK public key. */
    public abstract PublicKey javaKey();

    /** Returns whether this key can verify (and its private half make) signatures of an algorithm. */
    public abstract boolean supportsSignatureAlgorithm(String signatureAlgorithm);

    @Override
    public final boolean verify(String signatureAlgorithm, byte[] data, byte[] signatureBlob) {
        String expected = KeyAlgorithms.signatureAlgorithmOf(signatureAlgorithm);
        if (!supportsSignatureAlgorithm(expected)) {
            return false;
        }
        try {
            SshWireReader reader = new SshWireReader(signatureBlob);
            String algorithm = reader.readAscii();
            byte[] signature = reader.readString();
            reader.requireEnd("signature blob");
            if (!algorithm.equals(expected)) {
                return false;
            }
            return verifyRaw(algorithm, data, signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // A malformed blob is an invalid signature: the interface promises false, never an exception.
            return false;
        }
    }

    /** Verifies the algorithm-specific signature bytes (the inner {@code string} of the blob). */
    abstract boolean verifyRaw(String signatureAlgorithm, byte[] data, byte[] signature)
            throws GeneralSecurityException;

    @Override
    public final boolean equals(Object other) {
        return other instanceof PlainSshPublicKey that && Arrays.equals(encoded, that.encoded);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public final String toString() {
        return keyType + " " + fingerprint;
    }

    static String sha256Base64(byte[] data) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
