// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Loads private keys in the formats {@code ssh-keygen} and OpenSSL write: {@code openssh-key-v1}
 * (unencrypted, or bcrypt-pbkdf with AES-CTR/CBC/GCM), PKCS#8 (plain and PBES2-encrypted), and traditional
 * PEM RSA and EC (plain and OpenSSL-encrypted). The passphrase is asked for only when the key is encrypted.
 *
 * <h2>Failure</h2>
 * {@link PrivateKeyException} with {@link Reason#WRONG_PASSPHRASE}, {@link Reason#PASSPHRASE_REQUIRED},
 * {@link Reason#UNSUPPORTED} (DSA, PuTTY, other curves or ciphers, several keys in one file) or
 * {@link Reason#MALFORMED}; every message names the key and never contains secrets.
 *
 * <h2>Key material</h2>
 * Decrypted buffers, derived keys and passphrases are zeroed before returning; see {@link SshPrivateKey}
 * for what Java allows beyond that.
 */
public final class SshPrivateKeys {

    /** Bound on a key file: a 16384-bit RSA key in PEM is about 13 KiB. */
    public static final int MAX_FILE_SIZE = 1024 * 1024;

    private SshPrivateKeys() {
    }

    /** Reads a key file; {@code passphrase} is consulted only if the key is encrypted. */
    public static SshPrivateKey read(Path file, PassphraseProvider passphrase) throws IOException, PrivateKeyException {
        long size = Files.size(file);
        if (size > MAX_FILE_SIZE) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, file + " is " + size + " bytes; not a private key");
        }
        byte[] content = Files.readAllBytes(file);
        try {
            return parse(content, file.toString(), passphrase);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Signs a fixed challenge and verifies it with the public key (a pairwise consistency test): a damaged
     * private half (a changed prime, scalar or seed that still parses) would otherwise load and only fail, or
     * sign wrongly, at authentication time.
     */
    private static void requireConsistent(SshPrivateKey key, String keyName) throws PrivateKeyException {
        byte[] challenge = "fumidai private key consistency check".getBytes(StandardCharsets.US_ASCII);
        String algorithm = key.signatureAlgorithms().get(0);
        boolean ok;
        try {
            ok = key.publicKey().verify(algorithm, challenge, key.sign(algorithm, challenge));
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            ok = false;
        }
        if (!ok) {
            key.destroy();
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": the private key does not match its public key"
                    + " (damaged key file)");
        }
    }

    /**
     * Reads the OpenSSH certificate stored next to a private key as {@code <key>-cert.pub} (ssh-keygen's
     * naming; OpenSSH {@code ssh_config(5)} CertificateFile default), if there is one.
     *
     * @return the certificate, or empty if the file does not exist
     * @throws PrivateKeyException if the file exists but is not a user certificate for this key
     */
    public static java.util.Optional<OpenSshCertificate> readCertificateNextTo(Path keyFile, SshPrivateKey key)
            throws IOException, PrivateKeyException {
        Path certFile = keyFile.resolveSibling(keyFile.getFileName() + "-cert.pub");
        if (!Files.exists(certFile)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(certificateFor(Files.readString(certFile, StandardCharsets.UTF_8),
                certFile.toString(), key));
    }

    /**
     * Parses a user certificate ({@code *-cert.pub} text) and checks that it certifies the given key.
     *
     * @throws PrivateKeyException if the text is not a certificate, is a host certificate, or is for another key
     */
    public static OpenSshCertificate certificateFor(String certText, String certName, SshPrivateKey key)
            throws PrivateKeyException {
        SshPublicKey parsed;
        try {
            parsed = SshPublicKeys.parseText(certText);
        } catch (InvalidSshKeyException e) {
            throw new PrivateKeyException(Reason.MALFORMED, certName + ": " + e.getMessage(), e);
        }
        if (!(parsed instanceof OpenSshCertificate cert)) {
            throw new PrivateKeyException(Reason.MALFORMED, certName + " holds a plain " + parsed.keyType()
                    + " key, not a certificate");
        }
        if (cert.type() != OpenSshCertificate.Type.USER) {
            throw new PrivateKeyException(Reason.MALFORMED, certName + " is a host certificate, not a user certificate");
        }
        if (!cert.publicKey().equals(key.publicKey())) {
            throw new PrivateKeyException(Reason.MALFORMED, certName + " certifies " + cert.publicKey().fingerprint()
                    + ", not the key " + key.publicKey().fingerprint());
        }
        return cert;
    }

    /**
     * Parses key file contents.
     *
     * @param keyName names the key in messages and in the passphrase prompt
     */
    public static SshPrivateKey parse(byte[] content, String keyName, PassphraseProvider passphrase)
            throws PrivateKeyException {
        Pem pem = Pem.parse(new String(content, StandardCharsets.ISO_8859_1), keyName);
        PassphraseSource source = new PassphraseSource(passphrase);
        try {
            SshPrivateKey key = "OPENSSH PRIVATE KEY".equals(pem.label())
                    ? OpenSshPrivateKeyReader.read(pem.body(), keyName, source)
                    : PemPrivateKeyReader.read(pem, keyName, source);
            requireConsistent(key, keyName);
            return key;
        } finally {
            Arrays.fill(pem.body(), (byte) 0);
        }
    }

    /**
     * Wraps a JDK key pair (Ed25519, EC P-256/384/521 or RSA) as an SSH private key, checked to sign and verify
     * consistently.
     *
     * @param keyName names the key in messages
     */
    public static SshPrivateKey fromKeyPair(java.security.KeyPair pair, String keyName) throws PrivateKeyException {
        PlainSshPublicKey pub;
        try {
            pub = SshPublicKeys.fromJavaKey(pair.getPublic());
        } catch (InvalidSshKeyException e) {
            throw new PrivateKeyException(PrivateKeyException.Reason.MALFORMED, keyName + ": " + e.getMessage(), e);
        }
        SshPrivateKey key = new SshPrivateKey(pair.getPrivate(), pub, keyName);
        requireConsistent(key, keyName);
        return key;
    }
}
