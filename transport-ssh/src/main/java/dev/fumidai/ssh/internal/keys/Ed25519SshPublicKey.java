// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/**
 * Is an {@code ssh-ed25519} public key (RFC 8709 §4: {@code string "ssh-ed25519", string key}) that verifies
 * Ed25519 signatures (RFC 8709 §6) with the JDK's SunEC provider.
 */
public final class Ed25519SshPublicKey extends PlainSshPublicKey {

    /** Length of an Ed25519 public key and half of a signature (RFC 8032 §5.1.5). */
    static final int KEY_LENGTH = 32;
    /** Length of an Ed25519 signature (RFC 8032 §5.1.6). */
    static final int SIGNATURE_LENGTH = 64;

    /** DER prefix of a SubjectPublicKeyInfo for Ed25519 (RFC 8410 §4), followed by the 32 key bytes. */
    private static final byte[] X509_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };

    private final byte[] rawKey;
    private final PublicKey javaKey;

    private Ed25519SshPublicKey(byte[] encoded, byte[] rawKey, PublicKey javaKey) {
        super(KeyAlgorithms.SSH_ED25519, encoded);
        this.rawKey = rawKey;
        this.javaKey = javaKey;
    }

    /** Creates the key from its 32 raw bytes. */
    public static Ed25519SshPublicKey fromRaw(byte[] rawKey) throws InvalidSshKeyException {
        if (rawKey.length != KEY_LENGTH) {
            throw new InvalidSshKeyException("ssh-ed25519 key is " + rawKey.length + " bytes, not 32");
        }
        byte[] spki = new byte[X509_PREFIX.length + KEY_LENGTH];
        System.arraycopy(X509_PREFIX, 0, spki, 0, X509_PREFIX.length);
        System.arraycopy(rawKey, 0, spki, X509_PREFIX.length, KEY_LENGTH);
        PublicKey javaKey;
        try {
            javaKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new InvalidSshKeyException("invalid ssh-ed25519 key", e);
        }
        byte[] encoded = new SshWireWriter().string(KeyAlgorithms.SSH_ED25519).string(rawKey).toByteArray();
        return new Ed25519SshPublicKey(encoded, rawKey.clone(), javaKey);
    }

    static Ed25519SshPublicKey read(SshWireReader reader) throws InvalidSshKeyException {
        return fromRaw(reader.readString());
    }

    /** Returns the 32 raw key bytes (a copy). */
    public byte[] rawKey() {
        return rawKey.clone();
    }

    @Override
    public PublicKey javaKey() {
        return javaKey;
    }

    @Override
    public boolean supportsSignatureAlgorithm(String signatureAlgorithm) {
        return KeyAlgorithms.SSH_ED25519.equals(signatureAlgorithm);
    }

    @Override
    boolean verifyRaw(String signatureAlgorithm, byte[] data, byte[] signature) throws GeneralSecurityException {
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(javaKey);
        verifier.update(data);
        return verifier.verify(signature);
    }
}
