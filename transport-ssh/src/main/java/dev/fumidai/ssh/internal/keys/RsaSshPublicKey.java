// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;

/**
 * Is an {@code ssh-rsa} public key (RFC 4253 §6.6: {@code string "ssh-rsa", mpint e, mpint n}) that verifies
 * {@code rsa-sha2-256}, {@code rsa-sha2-512} (RFC 8332 §3) and {@code ssh-rsa} (SHA-1, RFC 4253 §6.6)
 * signatures. Whether SHA-1 is allowed is the caller's policy, not this class's.
 */
public final class RsaSshPublicKey extends PlainSshPublicKey {

    /**
     * Smallest modulus accepted, in bits: OpenSSH refuses smaller RSA keys ({@code SSH_RSA_MINIMUM_MODULUS_SIZE}
     * is 1024 since OpenSSH 8.8).
     */
    public static final int MINIMUM_MODULUS_BITS = 1024;
    /** Largest modulus accepted, in bits: OpenSSH's {@code SSHBUF_MAX_BIGNUM} (16384 bits) bounds work per verify. */
    public static final int MAXIMUM_MODULUS_BITS = 16384;

    private final RSAPublicKey javaKey;

    private RsaSshPublicKey(byte[] encoded, RSAPublicKey javaKey) {
        super(KeyAlgorithms.SSH_RSA, encoded);
        this.javaKey = javaKey;
    }

    static RsaSshPublicKey read(SshWireReader reader) throws InvalidSshKeyException {
        BigInteger e = reader.readPositiveMpint();
        BigInteger n = reader.readPositiveMpint();
        return fromComponents(n, e);
    }

    /** Creates the key from modulus and public exponent. */
    public static RsaSshPublicKey fromComponents(BigInteger n, BigInteger e) throws InvalidSshKeyException {
        int bits = n.bitLength();
        if (bits < MINIMUM_MODULUS_BITS || bits > MAXIMUM_MODULUS_BITS) {
            throw new InvalidSshKeyException("RSA modulus of " + bits + " bits is outside " + MINIMUM_MODULUS_BITS
                    + ".." + MAXIMUM_MODULUS_BITS);
        }
        if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0)) {
            throw new InvalidSshKeyException("RSA public exponent is not an odd number >= 3");
        }
        RSAPublicKey javaKey;
        try {
            javaKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        } catch (GeneralSecurityException ex) {
            throw new InvalidSshKeyException("invalid ssh-rsa key", ex);
        }
        byte[] encoded = new SshWireWriter().string(KeyAlgorithms.SSH_RSA).mpint(e).mpint(n).toByteArray();
        return new RsaSshPublicKey(encoded, javaKey);
    }

    /** Returns the modulus size in bits. */
    public int modulusBits() {
        return javaKey.getModulus().bitLength();
    }

    @Override
    public PublicKey javaKey() {
        return javaKey;
    }

    @Override
    public boolean supportsSignatureAlgorithm(String signatureAlgorithm) {
        return jdkAlgorithm(signatureAlgorithm) != null;
    }

    static String jdkAlgorithm(String signatureAlgorithm) {
        return switch (signatureAlgorithm) {
            case KeyAlgorithms.RSA_SHA2_256 -> "SHA256withRSA";
            case KeyAlgorithms.RSA_SHA2_512 -> "SHA512withRSA";
            case KeyAlgorithms.SSH_RSA -> "SHA1withRSA";
            default -> null;
        };
    }

    @Override
    boolean verifyRaw(String signatureAlgorithm, byte[] data, byte[] signature) throws GeneralSecurityException {
        int modulusBytes = (modulusBits() + 7) / 8;
        if (signature.length > modulusBytes || signature.length == 0) {
            return false;
        }
        byte[] padded = signature;
        if (signature.length < modulusBytes) {
            // OpenSSH (ssh-rsa.c) accepts signatures shorter than the modulus and left-pads them with zeros;
            // the JDK requires the full length, so pad the same way.
            padded = new byte[modulusBytes];
            System.arraycopy(signature, 0, padded, modulusBytes - signature.length, signature.length);
        }
        Signature verifier = Signature.getInstance(jdkAlgorithm(signatureAlgorithm));
        verifier.initVerify(javaKey);
        verifier.update(data);
        return verifier.verify(padded);
    }
}
