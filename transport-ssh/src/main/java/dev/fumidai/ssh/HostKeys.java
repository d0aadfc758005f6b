// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.ssh.internal.keys.InvalidSshKeyException;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.OpenSshCertificate;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;

/** Parses and describes presented host keys for the built-in verifiers; not part of the API. */
final class HostKeys {

    private HostKeys() {
    }

    /** Returns {@code host} or {@code [host]:port}, quoted, for messages. */
    static String label(HostKeyCheck check) {
        return check.port() == 22 || check.port() <= 0
                ? "\"" + check.hostName() + "\""
                : "\"[" + check.hostName() + "]:" + check.port() + "\"";
    }

    /**
     * Parses the presented key and checks that it fits the negotiated algorithm: certificate algorithms
     * need a certificate of the same key type, plain ones a plain key.
     */
    static SshPublicKey parse(HostKeyCheck check) throws HostKeyVerificationException {
        byte[] blob = check.hostKeyBlob();
        SshPublicKey key;
        try {
            key = SshPublicKeys.parse(blob);
        } catch (InvalidSshKeyException e) {
            boolean cert = KeyAlgorithms.isCertificate(check.keyAlgorithm());
            throw withCause(new HostKeyVerificationException(
                    cert ? HostKeyVerificationException.Kind.CERTIFICATE_INVALID
                            : HostKeyVerificationException.Kind.POLICY,
                    "host key of " + label(check) + " (" + SshPublicKeys.fingerprint(blob)
                            + ") cannot be used: " + e.getMessage()), e);
        }
        String algorithm = check.keyAlgorithm();
        boolean wantsCert = KeyAlgorithms.isCertificate(algorithm);
        String plainType = key instanceof OpenSshCertificate c ? c.publicKey().keyType() : key.keyType();
        boolean fits = wantsCert == (key instanceof OpenSshCertificate)
                && keyTypeFor(KeyAlgorithms.signatureAlgorithmOf(algorithm)).equals(plainType);
        if (!fits) {
            throw new HostKeyVerificationException(HostKeyVerificationException.Kind.POLICY,
                    "host key of " + label(check) + " is " + key.keyType() + " " + key.fingerprint()
                            + " but the negotiated algorithm is " + algorithm);
        }
        return key;
    }

    private static String keyTypeFor(String signatureAlgorithm) {
        return switch (signatureAlgorithm) {
            case KeyAlgorithms.RSA_SHA2_256, KeyAlgorithms.RSA_SHA2_512 -> KeyAlgorithms.SSH_RSA;
            default -> signatureAlgorithm;
        };
    }

    /** Attaches a cause to a verification exception (its constructor takes none) and returns it. */
    static HostKeyVerificationException withCause(HostKeyVerificationException e, Throwable cause) {
        e.initCause(cause);
        return e;
    }
}
