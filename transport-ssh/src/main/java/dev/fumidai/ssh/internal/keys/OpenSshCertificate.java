// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;

/**
 * Is an OpenSSH certificate ({@code PROTOCOL.certkeys}: {@code ssh-ed25519-cert-v01@openssh.com},
 * {@code ecdsa-sha2-nistp256/384/521-cert-v01@openssh.com}, {@code ssh-rsa-cert-v01@openssh.com}).
 *
 * <p>Parsing checks the structure and the CA signature, as OpenSSH's {@code cert_parse} does: a certificate
 * whose signature does not verify with its signature key is not returned at all. Whether the certificate is
 * <em>acceptable</em> (trusted CA, principal, validity window, type, revocation) is for the caller to decide
 * with the accessors here; {@link #verify} checks signatures made by the certified key.
 *
 * <p>Immutable and thread-safe.
 */
public final class OpenSshCertificate implements SshPublicKey {

    /** Says whom a certificate is for ({@code PROTOCOL.certkeys}: {@code SSH2_CERT_TYPE_USER} 1, {@code _HOST} 2). */
    public enum Type {
        USER,
        HOST
    }

    /** Marks {@code valid before} as "forever" ({@code PROTOCOL.certkeys}). */
    public static final long FOREVER = 0xffffffffffffffffL;

    private final String keyType;
    private final byte[] encoded;
    private final String fingerprint;
    private final PlainSshPublicKey publicKey;
    private final long serial;
    private final Type type;
    private final String keyId;
    private final List<String> principals;
    private final long validAfter;
    private final long validBefore;
    private final Map<String, byte[]> criticalOptions;
    private final Map<String, byte[]> extensions;
    private final PlainSshPublicKey signatureKey;
    private final String caSignatureAlgorithm;

    private OpenSshCertificate(String keyType, byte[] encoded, PlainSshPublicKey publicKey, long serial, Type type,
            String keyId, List<String> principals, long validAfter, long validBefore,
            Map<String, byte[]> criticalOptions, Map<String, byte[]> extensions, PlainSshPublicKey signatureKey,
            String caSignatureAlgorithm) {
        this.keyType = keyType;
        this.encoded = encoded;
        this.fingerprint = publicKey.fingerprint();
        this.publicKey = publicKey;
        this.serial = serial;
        this.type = type;
        this.keyId = keyId;
        this.principals = principals;
        this.validAfter = validAfter;
        this.validBefore = validBefore;
        this.criticalOptions = criticalOptions;
        this.extensions = extensions;
        this.signatureKey = signatureKey;
        this.caSignatureAlgorithm = caSignatureAlgorithm;
    }

    /** Reads the certificate whose type name was already read from {@code reader} over {@code blob}. */
    static OpenSshCertificate read(String certType, byte[] blob, SshWireReader reader) throws InvalidSshKeyException {
        String plainType = KeyAlgorithms.signatureAlgorithmOf(certType);
        if (!isSupportedPlainType(plainType)) {
            throw new InvalidSshKeyException("unsupported certificate type " + SshPublicKeys.printable(certType));
        }
        reader.readString(); // nonce: only randomises the signed data
        PlainSshPublicKey key = SshPublicKeys.readPlainBody(plainType, reader);
        long serial = reader.readUint64();
        long typeCode = reader.readUint32();
        Type type;
        if (typeCode == 1) {
            type = Type.USER;
        } else if (typeCode == 2) {
            type = Type.HOST;
        } else {
            throw new InvalidSshKeyException("certificate type " + typeCode + " is neither user (1) nor host (2)");
        }
        String keyId = reader.readUtf8();
        List<String> principals = new ArrayList<>();
        SshWireReader principalReader = reader.readStringAsReader();
        while (principalReader.remaining() > 0) {
            principals.add(principalReader.readUtf8());
        }
        long validAfter = reader.readUint64();
        long validBefore = reader.readUint64();
        Map<String, byte[]> critical = readOptions(reader.readStringAsReader(), "critical option");
        Map<String, byte[]> extensions = readOptions(reader.readStringAsReader(), "extension");
        reader.readString(); // reserved
        int signedEnd;
        byte[] caBlob = reader.readString();
        signedEnd = reader.position();
        byte[] signature = reader.readString();
        reader.requireEnd(certType);

        SshPublicKey ca = SshPublicKeys.parse(caBlob);
        if (!(ca instanceof PlainSshPublicKey caKey)) {
            throw new InvalidSshKeyException("certificate signed by a certificate (" + ca.keyType() + ")");
        }
        String caAlgorithm;
        try {
            caAlgorithm = new SshWireReader(signature).readAscii();
        } catch (InvalidSshKeyException e) {
            throw new InvalidSshKeyException("certificate signature blob is malformed", e);
        }
        byte[] signed = Arrays.copyOfRange(blob, 0, signedEnd);
        if (!caKey.verify(caAlgorithm, signed, signature)) {
            throw new InvalidSshKeyException("certificate signature does not verify with CA " + caKey.fingerprint());
        }
        return new OpenSshCertificate(certType, blob.clone(), key, serial, type, keyId,
                Collections.unmodifiableList(principals), validAfter, validBefore,
                Collections.unmodifiableMap(critical), Collections.unmodifiableMap(extensions), caKey, caAlgorithm);
    }

    private static boolean isSupportedPlainType(String plainType) {
        return KeyAlgorithms.SSH_ED25519.equals(plainType) || KeyAlgorithms.SSH_RSA.equals(plainType)
                || EcdsaSshPublicKey.Curve.forKeyType(plainType) != null;
    }

    /**
     * Reads critical options or extensions: {@code string name, string data} pairs, names in strictly
     * increasing order without duplicates ({@code PROTOCOL.certkeys}; OpenSSH rejects other orders).
     */
    private static Map<String, byte[]> readOptions(SshWireReader r, String what) throws InvalidSshKeyException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        String previous = null;
        while (r.remaining() > 0) {
            String name = r.readUtf8();
            byte[] data = r.readString();
            if (previous != null && previous.compareTo(name) >= 0) {
                throw new InvalidSshKeyException(what + " " + SshPublicKeys.printable(name)
                        + " is out of order or repeated");
            }
            previous = name;
            out.put(name, data);
        }
        return out;
    }

    @Override
    public String keyType() {
        return keyType;
    }

    @Override
    public byte[] encoded() {
        return encoded.clone();
    }

    /**
     * Returns the fingerprint of the certified plain key, not of the certificate blob: OpenSSH
     * ({@code sshkey_fingerprint}, which serialises keys "force plain") and {@code ssh-keygen -l} print it so,
     * and a host that rotates certificates keeps one fingerprint.
     */
    @Override
    public String fingerprint() {
        return fingerprint;
    }

    /** Verifies a signature made by the certified key (the certificate's own key, not the CA). */
    @Override
    public boolean verify(String signatureAlgorithm, byte[] data, byte[] signatureBlob) {
        return publicKey.verify(signatureAlgorithm, data, signatureBlob);
    }

    /** Returns the certified key. */
    public PlainSshPublicKey publicKey() {
        return publicKey;
    }

    /** Returns the CA-assigned serial number (unsigned 64 bits). */
    public long serial() {
        return serial;
    }

    /** Returns whether this is a user or a host certificate. */
    public Type type() {
        return type;
    }

    /** Returns the free-form key identifier the CA wrote (OpenSSH logs it). */
    public String keyId() {
        return keyId;
    }

    /** Returns the principals: user names or host names. Empty means none (never "any" here). */
    public List<String> principals() {
        return principals;
    }

    /** Returns the start of validity, seconds since the epoch as an unsigned 64-bit value. */
    public long validAfter() {
        return validAfter;
    }

    /** Returns the end of validity (exclusive), seconds since the epoch unsigned; {@link #FOREVER} for none. */
    public long validBefore() {
        return validBefore;
    }

    /** Returns whether {@code now} lies in {@code [validAfter, validBefore)}, comparing unsigned as OpenSSH does. */
    public boolean isValidAt(Instant now) {
        long seconds = Math.max(0, now.getEpochSecond());
        return Long.compareUnsigned(seconds, validAfter) >= 0 && Long.compareUnsigned(seconds, validBefore) < 0;
    }

    /** Returns the critical options by name, data still SSH-encoded. */
    public Map<String, byte[]> criticalOptions() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        criticalOptions.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** Returns the critical option names in wire order. */
    public List<String> criticalOptionNames() {
        return List.copyOf(criticalOptions.keySet());
    }

    /** Returns the extensions by name, data still SSH-encoded (usually empty). */
    public Map<String, byte[]> extensions() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        extensions.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** Returns the extension names in wire order. */
    public List<String> extensionNames() {
        return List.copyOf(extensions.keySet());
    }

    /** Returns the CA key that signed this certificate. */
    public PlainSshPublicKey signatureKey() {
        return signatureKey;
    }

    /** Returns the algorithm of the CA signature, e.g. {@code ssh-ed25519} or {@code rsa-sha2-512}. */
    public String caSignatureAlgorithm() {
        return caSignatureAlgorithm;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OpenSshCertificate that && Arrays.equals(encoded, that.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return keyType + " " + fingerprint + " id=" + SshPublicKeys.printable(keyId) + " serial="
                + Long.toUnsignedString(serial) + " " + type;
    }
}
