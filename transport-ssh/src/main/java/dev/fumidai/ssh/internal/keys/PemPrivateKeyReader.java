// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import dev.fumidai.ssh.PrivateKeyPolicy;
import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Reads the PEM private key formats OpenSSL and {@code ssh-keygen -m PEM/PKCS8} write: PKCS#8
 * ({@code PRIVATE KEY}, RFC 5208 §5), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, RFC 5208 §6 with PBES2
 * and PBKDF2, RFC 8018 §6.2), traditional RSA ({@code RSA PRIVATE KEY}, RFC 8017 A.1.2) and EC
 * ({@code EC PRIVATE KEY}, RFC 5915), the last two optionally encrypted with OpenSSL's {@code Proc-Type} /
 * {@code DEK-Info} headers (AES-CBC or 3DES-CBC, key from {@code EVP_BytesToKey} with MD5, RFC 1423 §1.1).
 *
 * <p>Bouncy Castle is used only for its ASN.1 parser and the derivation of public keys from private ones;
 * the decryption and key objects are the JDK's.
 */
final class PemPrivateKeyReader {

    private PemPrivateKeyReader() {
    }

    static SshPrivateKey read(Pem pem, String keyName, PassphraseSource passphrase, PrivateKeyPolicy policy)
            throws PrivateKeyException {
        byte[] der = pem.body();
        byte[] decrypted = null;
        boolean encrypted = pem.label().startsWith("ENCRYPTED")
                || pem.headers().getOrDefault("Proc-Type", "").contains("ENCRYPTED");
        try {
            switch (pem.label()) {
                case "PRIVATE KEY":
                    return fromPkcs8(der, keyName);
                case "ENCRYPTED PRIVATE KEY":
                    decrypted = decryptPkcs8(der, keyName, passphrase, policy);
                    return fromPkcs8(decrypted, keyName);
                case "RSA PRIVATE KEY":
                    decrypted = decryptTraditional(pem, keyName, passphrase);
                    return fromPkcs1(decrypted, keyName);
                case "EC PRIVATE KEY":
                    decrypted = decryptTraditional(pem, keyName, passphrase);
                    return fromSec1(decrypted, keyName, null);
                default:
                    throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is a '" + pem.label()
                            + "' PEM block, which is not supported");
            }
        } catch (PrivateKeyException e) {
            if (encrypted && e.reason() == Reason.MALFORMED) {
                // Decryption with a wrong key produced valid padding by chance, then garbage DER.
                throw new PrivateKeyException(Reason.WRONG_PASSPHRASE, "wrong passphrase for " + keyName
                        + " (or the key is damaged)", e);
            }
            throw e;
        } finally {
            if (decrypted != null && decrypted != der) {
                Arrays.fill(decrypted, (byte) 0);
            }
        }
    }

    private static SshPrivateKey fromPkcs8(byte[] der, String keyName) throws PrivateKeyException {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": not a PKCS#8 private key", e);
        }
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        try {
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(der));
                return new SshPrivateKey(key, RsaSshPublicKey.fromComponents(key.getModulus(), key.getPublicExponent()),
                        "");
            }
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
                return fromSec1(info.parsePrivateKey().toASN1Primitive().getEncoded(), keyName, curve);
            }
            if ("1.3.101.112".equals(algorithm.getId())) { // id-Ed25519, RFC 8410 §3
                PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
                byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
                try {
                    byte[] pub = new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded();
                    return new SshPrivateKey(key, Ed25519SshPublicKey.fromRaw(pub), "");
                } finally {
                    Arrays.fill(seed, (byte) 0);
                }
            }
        } catch (PrivateKeyException e) {
            throw e;
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": invalid PKCS#8 key", e);
        }
        throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is a PKCS#8 key of algorithm " + algorithm.getId()
                + "; supported are RSA, EC P-256/384/521 and Ed25519");
    }

    private static SshPrivateKey fromPkcs1(byte[] der, String keyName) throws PrivateKeyException {
        try {
            org.bouncycastle.asn1.pkcs.RSAPrivateKey k = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(der);
            PrivateKey key = rsaKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(),
                    k.getPrime2(), k.getCoefficient());
            return new SshPrivateKey(key, RsaSshPublicKey.fromComponents(k.getModulus(), k.getPublicExponent()), "");
        } catch (PrivateKeyException e) {
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": invalid RSA private key", e);
        }
    }

    /** Reads an RFC 5915 ECPrivateKey; the curve comes from the structure or, for PKCS#8, from outside. */
    private static SshPrivateKey fromSec1(byte[] der, String keyName, ASN1ObjectIdentifier outerCurve)
            throws PrivateKeyException {
        try {
            org.bouncycastle.asn1.sec.ECPrivateKey k = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(der);
            ASN1ObjectIdentifier oid = outerCurve;
            if (oid == null && k.getParametersObject() != null) {
                oid = ASN1ObjectIdentifier.getInstance(k.getParametersObject());
            }
            EcdsaSshPublicKey.Curve curve = oid == null ? null : curveFor(oid);
            if (curve == null) {
                throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is an EC key on curve "
                        + (oid == null ? "(unnamed)" : oid.getId()) + "; supported are P-256, P-384 and P-521");
            }
            BigInteger d = k.getKey();
            X9ECParameters x9 = ECNamedCurveTable.getByOID(oid);
            byte[] q = x9.getG().multiply(d).normalize().getEncoded(false);
            ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new ECPrivateKeySpec(d, curve.parameters()));
            return new SshPrivateKey(key, EcdsaSshPublicKey.fromPoint(curve, q), "");
        } catch (PrivateKeyException e) {
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": invalid EC private key", e);
        }
    }

    /** Names the OIDs people meet in PKCS#8 files, for error messages. */
    private static String oidName(String oid) {
        return switch (oid) {
            case "1.3.6.1.4.1.11591.4.11" -> "scrypt (" + oid + ")";
            case "1.2.840.113549.1.12.1.3" -> "PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC (" + oid + ")";
            case "1.2.840.113549.1.5.3" -> "PKCS#5 v1 pbeWithMD5AndDES-CBC (" + oid + ")";
            case "1.2.840.113549.1.5.10" -> "PKCS#5 v1 pbeWithSHA1AndDES-CBC (" + oid + ")";
            default -> oid;
        };
    }

    private static EcdsaSshPublicKey.Curve curveFor(ASN1ObjectIdentifier oid) {
        return switch (oid.getId()) {
            case "1.2.840.10045.3.1.7" -> EcdsaSshPublicKey.Curve.NISTP256;
            case "1.3.132.0.34" -> EcdsaSshPublicKey.Curve.NISTP384;
            case "1.3.132.0.35" -> EcdsaSshPublicKey.Curve.NISTP521;
            default -> null;
        };
    }

    /** Builds a JDK RSA CRT private key from the six values both PKCS#1 and openssh-key-v1 store. */
    static PrivateKey rsaKey(BigInteger n, BigInteger e, BigInteger d, BigInteger p, BigInteger q, BigInteger iqmp)
            throws GeneralSecurityException {
        BigInteger dp = d.mod(p.subtract(BigInteger.ONE));
        BigInteger dq = d.mod(q.subtract(BigInteger.ONE));
        return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, iqmp));
    }

    private static byte[] decryptPkcs8(byte[] der, String keyName, PassphraseSource passphrase,
            PrivateKeyPolicy policy) throws PrivateKeyException {
        EncryptedPrivateKeyInfo info;
        PBES2Parameters pbes2;
        PBKDF2Params kdf;
        EncryptionScheme scheme;
        try {
            info = EncryptedPrivateKeyInfo.getInstance(der);
            if (!PKCSObjectIdentifiers.id_PBES2.equals(info.getEncryptionAlgorithm().getAlgorithm())) {
                throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is encrypted with "
                        + oidName(info.getEncryptionAlgorithm().getAlgorithm().getId()) + "; only PBES2 with PBKDF2"
                        + " is supported (re-encrypt: openssl pkcs8 -topk8 -v2 aes-256-cbc)");
            }
            pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
            if (!PKCSObjectIdentifiers.id_PBKDF2.equals(pbes2.getKeyDerivationFunc().getAlgorithm())) {
                throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " uses key derivation "
                        + oidName(pbes2.getKeyDerivationFunc().getAlgorithm().getId()) + "; only PBKDF2 is supported"
                        + " (re-encrypt: openssl pkcs8 -topk8 -v2 aes-256-cbc)");
            }
            kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
            scheme = pbes2.getEncryptionScheme();
        } catch (PrivateKeyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": invalid encrypted PKCS#8 structure", e);
        }
        String cipherAlgorithm;
        int keyLength;
        String cipherOid = scheme.getAlgorithm().getId();
        if (cipherOid.equals(NISTObjectIdentifiers.id_aes128_CBC.getId())) {
            cipherAlgorithm = "AES";
            keyLength = 16;
        } else if (cipherOid.equals(NISTObjectIdentifiers.id_aes192_CBC.getId())) {
            cipherAlgorithm = "AES";
            keyLength = 24;
        } else if (cipherOid.equals(NISTObjectIdentifiers.id_aes256_CBC.getId())) {
            cipherAlgorithm = "AES";
            keyLength = 32;
        } else if (cipherOid.equals(PKCSObjectIdentifiers.des_EDE3_CBC.getId())) {
            cipherAlgorithm = "DESede";
            keyLength = 24;
        } else {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is encrypted with cipher " + cipherOid
                    + "; supported are AES-128/192/256-CBC and 3DES-CBC");
        }
        // The remaining ASN.1 fields are parsed lazily by Bouncy Castle, which throws IllegalArgumentException
        // (or another RuntimeException) on garbled input: a malformed key, not a bug of ours.
        String prf;
        BigInteger iterations;
        byte[] iv;
        byte[] salt;
        try {
            prf = kdf.isDefaultPrf() ? "1.2.840.113549.2.7" : kdf.getPrf().getAlgorithm().getId();
            iterations = kdf.getIterationCount();
            iv = ASN1OctetString.getInstance(scheme.getParameters()).getOctets();
            salt = kdf.getSalt();
        } catch (RuntimeException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": invalid encrypted PKCS#8 parameters", e);
        }
        String hmacDigest = switch (prf) { // RFC 8018 B.1: hmacWithSHA1, -SHA256, -SHA384, -SHA512
            case "1.2.840.113549.2.7" -> "SHA-1";
            case "1.2.840.113549.2.9" -> "SHA-256";
            case "1.2.840.113549.2.10" -> "SHA-384";
            case "1.2.840.113549.2.11" -> "SHA-512";
            default -> null;
        };
        if (hmacDigest == null) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " uses PBKDF2 PRF " + prf
                    + "; supported are HMAC-SHA1/256/384/512");
        }
        if (iterations.signum() <= 0) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + ": PBKDF2 iteration count " + iterations
                    + " is out of range");
        }
        // Checked before the passphrase is asked for and before any KDF work: the count is the file's word.
        if (iterations.compareTo(BigInteger.valueOf(policy.maxPbkdf2Iterations())) > 0) {
            throw new PrivateKeyException(Reason.OVER_LIMIT, keyName + " asks for " + iterations + " PBKDF2"
                    + " iterations, more than the limit of " + policy.maxPbkdf2Iterations() + " (PrivateKeyPolicy"
                    + ".maxPbkdf2Iterations; OpenSSL writes 2048 unless given -iter); the key is refused");
        }
        byte[] pass = passphrase.utf8(keyName);
        byte[] derived = null;
        try {
            derived = Pbkdf2.derive(hmacDigest, pass, salt, iterations.intValue(), keyLength,
                    KdfDeadline.start(keyName, policy.decryptionDeadline()));
            return decryptCbc(cipherAlgorithm, derived, iv, info.getEncryptedData(), keyName);
        } catch (PrivateKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + ": cannot decrypt: " + e.getMessage(), e);
        } finally {
            Arrays.fill(pass, (byte) 0);
            if (derived != null) {
                Arrays.fill(derived, (byte) 0);
            }
        }
    }

    /** Decrypts the body of a traditional PEM key if its headers say it is encrypted (RFC 1421 §4.6.1). */
    private static byte[] decryptTraditional(Pem pem, String keyName, PassphraseSource passphrase)
            throws PrivateKeyException {
        String procType = pem.headers().get("Proc-Type");
        if (procType == null || !procType.contains("ENCRYPTED")) {
            return pem.body();
        }
        String dekInfo = pem.headers().get("DEK-Info");
        if (dekInfo == null || dekInfo.indexOf(',') < 0) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": encrypted PEM without DEK-Info");
        }
        String name = dekInfo.substring(0, dekInfo.indexOf(',')).strip().toUpperCase(Locale.ROOT);
        byte[] iv;
        try {
            iv = HexFormat.of().parseHex(dekInfo.substring(dekInfo.indexOf(',') + 1).strip());
        } catch (IllegalArgumentException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": DEK-Info IV is not hex");
        }
        String algorithm;
        int keyLength;
        switch (name) {
            case "AES-128-CBC" -> { algorithm = "AES"; keyLength = 16; }
            case "AES-192-CBC" -> { algorithm = "AES"; keyLength = 24; }
            case "AES-256-CBC" -> { algorithm = "AES"; keyLength = 32; }
            case "DES-EDE3-CBC" -> { algorithm = "DESede"; keyLength = 24; }
            default -> throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is encrypted with " + name
                    + "; supported are AES-128/192/256-CBC and DES-EDE3-CBC");
        }
        if (iv.length < 8) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": DEK-Info IV too short");
        }
        byte[] pass = passphrase.utf8(keyName);
        byte[] key = null;
        try {
            key = evpBytesToKey(pass, Arrays.copyOf(iv, 8), keyLength);
            return decryptCbc(algorithm, key, iv, pem.body(), keyName);
        } catch (PrivateKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + ": cannot decrypt: " + e.getMessage(), e);
        } finally {
            Arrays.fill(pass, (byte) 0);
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    /** OpenSSL's {@code EVP_BytesToKey} with MD5 and one iteration: D_i = MD5(D_{i-1} || pass || salt). */
    private static byte[] evpBytesToKey(byte[] pass, byte[] salt, int keyLength) throws GeneralSecurityException {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] key = new byte[keyLength];
        byte[] previous = new byte[0];
        int filled = 0;
        while (filled < keyLength) {
            md5.update(previous);
            md5.update(pass);
            md5.update(salt);
            Arrays.fill(previous, (byte) 0);
            previous = md5.digest();
            int n = Math.min(previous.length, keyLength - filled);
            System.arraycopy(previous, 0, key, filled, n);
            filled += n;
        }
        Arrays.fill(previous, (byte) 0);
        return key;
    }

    private static byte[] decryptCbc(String algorithm, byte[] key, byte[] iv, byte[] data, String keyName)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(algorithm + "/CBC/PKCS5Padding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, algorithm), new IvParameterSpec(iv));
        try {
            byte[] out = cipher.doFinal(data);
            if (out.length == 0 || out[0] != 0x30) { // every key structure here is a DER SEQUENCE
                Arrays.fill(out, (byte) 0);
                throw new PrivateKeyException(Reason.WRONG_PASSPHRASE, "wrong passphrase for " + keyName);
            }
            return out;
        } catch (BadPaddingException e) {
            throw new PrivateKeyException(Reason.WRONG_PASSPHRASE, "wrong passphrase for " + keyName);
        }
    }
}
