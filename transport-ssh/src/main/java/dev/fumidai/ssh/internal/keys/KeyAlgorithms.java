// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

/**
 * Names the public-key and signature algorithms of SSH; each constant's value is the exact wire string.
 */
public final class KeyAlgorithms {

    /** Ed25519 keys and signatures (RFC 8709 §4, §6). */
    public static final String SSH_ED25519 = "ssh-ed25519";
    /** ECDSA over NIST P-256 with SHA-256 (RFC 5656 §6.2). */
    public static final String ECDSA_NISTP256 = "ecdsa-sha2-nistp256";
    /** ECDSA over NIST P-384 with SHA-384 (RFC 5656 §6.2). */
    public static final String ECDSA_NISTP384 = "ecdsa-sha2-nistp384";
    /** ECDSA over NIST P-521 with SHA-512 (RFC 5656 §6.2). */
    public static final String ECDSA_NISTP521 = "ecdsa-sha2-nistp521";
    /** RSA keys (RFC 4253 §6.6) and, as a signature algorithm, RSA PKCS#1 v1.5 with SHA-1. */
    public static final String SSH_RSA = "ssh-rsa";
    /** RSA PKCS#1 v1.5 signatures with SHA-256 (RFC 8332 §3). */
    public static final String RSA_SHA2_256 = "rsa-sha2-256";
    /** RSA PKCS#1 v1.5 signatures with SHA-512 (RFC 8332 §3). */
    public static final String RSA_SHA2_512 = "rsa-sha2-512";

    /** Suffix of the OpenSSH certificate algorithms ({@code PROTOCOL.certkeys}). */
    public static final String CERT_SUFFIX = "-cert-v01@openssh.com";

    /** Ed25519 certificate (OpenSSH {@code PROTOCOL.certkeys}). */
    public static final String SSH_ED25519_CERT = SSH_ED25519 + CERT_SUFFIX;
    /** ECDSA P-256 certificate. */
    public static final String ECDSA_NISTP256_CERT = ECDSA_NISTP256 + CERT_SUFFIX;
    /** ECDSA P-384 certificate. */
    public static final String ECDSA_NISTP384_CERT = ECDSA_NISTP384 + CERT_SUFFIX;
    /** ECDSA P-521 certificate. */
    public static final String ECDSA_NISTP521_CERT = ECDSA_NISTP521 + CERT_SUFFIX;
    /** RSA certificate as a key type (and, as a host-key algorithm, signatures with SHA-1). */
    public static final String SSH_RSA_CERT = SSH_RSA + CERT_SUFFIX;
    /** RSA certificate host-key algorithm with SHA-256 signatures (RFC 8332 §3.3 applied to certificates). */
    public static final String RSA_SHA2_256_CERT = RSA_SHA2_256 + CERT_SUFFIX;
    /** RSA certificate host-key algorithm with SHA-512 signatures. */
    public static final String RSA_SHA2_512_CERT = RSA_SHA2_512 + CERT_SUFFIX;

    private KeyAlgorithms() {
    }

    /**
     * Returns the signature algorithm a host-key or public-key algorithm name stands for: the certificate
     * forms sign with their plain algorithm ({@code rsa-sha2-512-cert-v01@openssh.com} signs with
     * {@code rsa-sha2-512}).
     */
    public static String signatureAlgorithmOf(String algorithm) {
        return algorithm.endsWith(CERT_SUFFIX)
                ? algorithm.substring(0, algorithm.length() - CERT_SUFFIX.length())
                : algorithm;
    }

    /** Returns whether an algorithm name is one of the OpenSSH certificate forms. */
    public static boolean isCertificate(String algorithm) {
        return algorithm.endsWith(CERT_SUFFIX);
    }
}
