// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * Parses SSH public keys and certificates from their wire encoding (RFC 4253 §6.6) and from the one-line
 * text form of {@code *.pub}, {@code authorized_keys} and {@code known_hosts} files.
 *
 * <p>Supported: {@code ssh-ed25519} (RFC 8709), {@code ecdsa-sha2-nistp256/384/521} (RFC 5656),
 * {@code ssh-rsa} (RFC 4253, verifying {@code rsa-sha2-256/512} of RFC 8332 too), and their OpenSSH
 * certificate forms ({@code PROTOCOL.certkeys}). Parsing is strict: trailing bytes, a key type inside the
 * blob that differs from the one expected, a point off the curve or a tiny RSA modulus are errors.
 */
public final class SshPublicKeys {

    /** Bound on a key blob, far above the largest real key or certificate (a 16384-bit RSA cert is ~5 KiB). */
    public static final int MAX_BLOB_LENGTH = 64 * 1024;

    private SshPublicKeys() {
    }

    /**
     * Parses a public key or certificate from its SSH wire encoding.
     *
     * @throws InvalidSshKeyException if the blob is malformed or its type is not supported
     */
    public static SshPublicKey parse(byte[] blob) throws InvalidSshKeyException {
        if (blob.length > MAX_BLOB_LENGTH) {
            throw new InvalidSshKeyException("key blob of " + blob.length + " bytes exceeds " + MAX_BLOB_LENGTH);
        }
        SshWireReader reader = new SshWireReader(blob);
        String type = reader.readAscii();
        if (KeyAlgorithms.isCertificate(type)) {
            return OpenSshCertificate.read(type, blob, reader);
        }
        PlainSshPublicKey key = readPlainBody(type, reader);
        reader.requireEnd(type + " key");
        return key;
    }

    /**
     * Parses a plain public key (not a certificate) from its SSH wire encoding.
     *
     * @throws InvalidSshKeyException if the blob is malformed, a certificate, or of an unsupported type
     */
    public static PlainSshPublicKey parsePlain(byte[] blob) throws InvalidSshKeyException {
        SshPublicKey key = parse(blob);
        if (key instanceof PlainSshPublicKey plain) {
            return plain;
        }
        throw new InvalidSshKeyException("expected a plain key, found " + key.keyType());
    }

    /** Reads the type-specific fields of a plain key whose type name was already read. */
    static PlainSshPublicKey readPlainBody(String type, SshWireReader reader) throws InvalidSshKeyException {
        if (KeyAlgorithms.SSH_ED25519.equals(type)) {
            return Ed25519SshPublicKey.read(reader);
        }
        if (KeyAlgorithms.SSH_RSA.equals(type)) {
            return RsaSshPublicKey.read(reader);
        }
        EcdsaSshPublicKey.Curve curve = EcdsaSshPublicKey.Curve.forKeyType(type);
        if (curve != null) {
            return EcdsaSshPublicKey.read(curve, reader);
        }
        throw new InvalidSshKeyException("unsupported key type " + printable(type));
    }

    /**
     * Parses the text form {@code <type> <base64> [comment]} of a {@code .pub} or {@code authorized_keys} line
     * (without options). The type word must match the type inside the blob.
     */
    public static SshPublicKey parseText(String line) throws InvalidSshKeyException {
        String[] words = line.trim().split("[ \t]+", 3);
        if (words.length < 2) {
            throw new InvalidSshKeyException("expected '<type> <base64>'");
        }
        return parseTypeAndBase64(words[0], words[1]);
    }

    /** Parses a key given as its type word and base64 blob, checking that the two agree. */
    public static SshPublicKey parseTypeAndBase64(String type, String base64) throws InvalidSshKeyException {
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidSshKeyException("key is not valid base64");
        }
        SshPublicKey key = parse(blob);
        if (!key.keyType().equals(type)) {
            throw new InvalidSshKeyException("key type word " + printable(type) + " differs from the blob's "
                    + key.keyType());
        }
        return key;
    }

    /** Returns the text form {@code <type> <base64>} of a key, as in a {@code .pub} file without comment. */
    public static String toText(SshPublicKey key) {
        return key.keyType() + " " + Base64.getEncoder().encodeToString(key.encoded());
    }

    /** Converts a JDK public key (Ed25519, EC on P-256/384/521, RSA) to its SSH form. */
    public static PlainSshPublicKey fromJavaKey(PublicKey key) throws InvalidSshKeyException {
        if (key instanceof EdECPublicKey) {
            byte[] spki = key.getEncoded();
            if (!"Ed25519".equals(((EdECPublicKey) key).getParams().getName()) || spki.length != 44) {
                throw new InvalidSshKeyException("only Ed25519 EdDSA keys are supported");
            }
            return Ed25519SshPublicKey.fromRaw(Arrays.copyOfRange(spki, 12, 44));
        }
        if (key instanceof ECPublicKey ec) {
            return EcdsaSshPublicKey.fromJavaKey(ec);
        }
        if (key instanceof RSAPublicKey rsa) {
            return RsaSshPublicKey.fromComponents(rsa.getModulus(), rsa.getPublicExponent());
        }
        throw new InvalidSshKeyException("unsupported public key type " + key.getAlgorithm());
    }

    /** Returns the OpenSSH fingerprint {@code SHA256:<base64 without padding>} of a key blob. */
    public static String fingerprint(byte[] blob) {
        return "SHA256:" + PlainSshPublicKey.sha256Base64(blob);
    }

    static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
