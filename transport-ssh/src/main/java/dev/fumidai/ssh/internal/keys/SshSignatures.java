// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Arrays;

/**
 * Makes SSH signature blobs ({@code string algorithm, string signature}, RFC 4253 §6.6) with JDK private keys:
 * Ed25519 (RFC 8709 §6), ECDSA with {@code mpint r, mpint s} (RFC 5656 §3.1.2) and RSA PKCS#1 v1.5 with
 * SHA-256/512 (RFC 8332 §3) or SHA-1 ({@code ssh-rsa}).
 */
public final class SshSignatures {

    private SshSignatures() {
    }

    /**
     * Signs data and returns the SSH signature blob.
     *
     * @param signatureAlgorithm {@code ssh-ed25519}, {@code ecdsa-sha2-nistp256/384/521}, {@code rsa-sha2-256},
     *     {@code rsa-sha2-512} or {@code ssh-rsa}; a certificate algorithm name signs with its plain form
     * @throws InvalidSshKeyException if the key cannot make signatures of that algorithm
     */
    public static byte[] sign(PrivateKey key, String signatureAlgorithm, byte[] data) throws GeneralSecurityException {
        String algorithm = KeyAlgorithms.signatureAlgorithmOf(signatureAlgorithm);
        byte[] raw;
        if (key instanceof EdECPrivateKey) {
            requireAlgorithm(algorithm, KeyAlgorithms.SSH_ED25519);
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(data);
            raw = s.sign();
        } else if (key instanceof ECPrivateKey ec) {
            EcdsaSshPublicKey.Curve curve = EcdsaSshPublicKey.Curve.forOrderBits(ec.getParams().getOrder().bitLength());
            if (curve == null) {
                throw new InvalidSshKeyException("EC key on an unsupported curve");
            }
            requireAlgorithm(algorithm, curve.keyType());
            Signature s = Signature.getInstance(curve.p1363Algorithm());
            s.initSign(key);
            s.update(data);
            byte[] p1363 = s.sign();
            int fs = curve.fieldSize();
            BigInteger r = new BigInteger(1, Arrays.copyOfRange(p1363, 0, fs));
            BigInteger sv = new BigInteger(1, Arrays.copyOfRange(p1363, fs, 2 * fs));
            raw = new SshWireWriter().mpint(r).mpint(sv).toByteArray();
        } else if (key instanceof RSAPrivateKey) {
            String jdk = RsaSshPublicKey.jdkAlgorithm(algorithm);
            if (jdk == null) {
                throw new InvalidSshKeyException("an RSA key cannot sign " + SshPublicKeys.printable(algorithm));
            }
            Signature s = Signature.getInstance(jdk);
            s.initSign(key);
            s.update(data);
            raw = s.sign();
        } else {
            throw new InvalidSshKeyException("unsupported private key type " + key.getAlgorithm());
        }
        return encodeBlob(algorithm, raw);
    }

    /** Wraps algorithm-specific signature bytes in the SSH signature blob. */
    public static byte[] encodeBlob(String algorithm, byte[] signature) {
        return new SshWireWriter().string(algorithm).string(signature).toByteArray();
    }

    private static void requireAlgorithm(String actual, String expected) throws InvalidSshKeyException {
        if (!expected.equals(actual)) {
            throw new InvalidSshKeyException("a " + expected + " key cannot sign " + SshPublicKeys.printable(actual));
        }
    }
}
