// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.PrivateKeyPolicy;
import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;

/**
 * Loads private keys in the formats {@code ssh-keygen} and OpenSSL write: {@code openssh-key-v1}
 * (unencrypted, or bcrypt-pbkdf with AES-CTR/CBC/GCM), PKCS#8 (plain and PBES2-encrypted), and traditional
 * PEM RSA and EC (plain and OpenSSL-encrypted). The passphrase is asked for only when the key is encrypted.
 *
 * <h2>Failure</h2>
 * {@link PrivateKeyException} with {@link Reason#WRONG_PASSPHRASE}, {@link Reason#PASSPHRASE_REQUIRED},
 * {@link Reason#UNSUPPORTED} (DSA, PuTTY, other curves or ciphers, several keys in one file),
 * {@link Reason#MALFORMED}, {@link Reason#OVER_LIMIT} (more KDF work than the {@link PrivateKeyPolicy} allows, or
 * past its deadline) or {@link Reason#UNPROTECTED_FILE} (a key file open to group or others); every message
 * names the key and never contains secrets.
 *
 * <h2>Key material</h2>
 * The file's bytes, the decoded body, decrypted buffers, derived keys and passphrases are zeroed before
 * returning, and the text is never turned into a {@code String}; see {@link SshPrivateKey} for what Java allows
 * beyond that.
 */
public final class SshPrivateKeys {

    /** Bound on a key file: a 16384-bit RSA key in PEM is about 13 KiB. */
    public static final int MAX_FILE_SIZE = 1024 * 1024;

    private SshPrivateKeys() {
    }

    /** Reads a key file under the default {@link PrivateKeyPolicy}. */
    public static SshPrivateKey read(Path file, PassphraseProvider passphrase) throws IOException, PrivateKeyException {
        return read(file, passphrase, PrivateKeyPolicy.defaults());
    }

    /**
     * Reads a key file; {@code passphrase} is consulted only if the key is encrypted. The file's mode is checked
     * first when the policy asks for it ({@link #requirePrivateMode}).
     */
    public static SshPrivateKey read(Path file, PassphraseProvider passphrase, PrivateKeyPolicy policy)
            throws IOException, PrivateKeyException {
        if (policy.isStrictKeyFileModes()) {
            requirePrivateMode(file);
        }
        long size = Files.size(file);
        if (size > MAX_FILE_SIZE) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, file + " is " + size + " bytes; not a private key");
        }
        return parse(Files.readAllBytes(file), file.toString(), passphrase, policy);
    }

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /**
     * Refuses a key file that the current user owns and that group or others may access ({@code mode & 077}),
     * as OpenSSH's {@code sshkey_perm_ok} does ("UNPROTECTED PRIVATE KEY FILE!"). Files owned by another user
     * are not checked (OpenSSH does not either: root-owned keys shared with a group are its use case), nor files
     * on file systems without POSIX attributes.
     *
     * @throws PrivateKeyException with {@link Reason#UNPROTECTED_FILE}, naming the file and its mode
     */
    public static void requirePrivateMode(Path file) throws IOException, PrivateKeyException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        PosixFileAttributes attributes = view.readAttributes();
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.stream().noneMatch(GROUP_OR_OTHERS::contains) || !FileOwner.isCurrentUser(file, attributes)) {
            return;
        }
        String mode = String.format("%04o", FileOwner.mode(permissions));
        throw new PrivateKeyException(Reason.UNPROTECTED_FILE, "UNPROTECTED PRIVATE KEY FILE: permissions " + mode
                + " for " + file + " are too open; a private key file must not be accessible by group or others"
                + " (chmod 600 " + file + "); the key is refused, as OpenSSH refuses it"
                + " (PrivateKeyPolicy.strictKeyFileModes)");
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

    /** Parses key file contents under the default {@link PrivateKeyPolicy}; see the four-argument form. */
    public static SshPrivateKey parse(byte[] content, String keyName, PassphraseProvider passphrase)
            throws PrivateKeyException {
        return parse(content, keyName, passphrase, PrivateKeyPolicy.defaults());
    }

    /**
     * Parses key file contents and overwrites {@code content} with zeros when done, whether the key loaded or
     * not: the array is consumed, so pass a copy of anything still needed.
     *
     * @param keyName names the key in messages and in the passphrase prompt
     */
    public static SshPrivateKey parse(byte[] content, String keyName, PassphraseProvider passphrase,
            PrivateKeyPolicy policy) throws PrivateKeyException {
        Pem pem;
        try {
            pem = Pem.parse(content, keyName);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
        PassphraseSource source = new PassphraseSource(passphrase);
        try {
            SshPrivateKey key = "OPENSSH PRIVATE KEY".equals(pem.label())
                    ? OpenSshPrivateKeyReader.read(pem.body(), keyName, source, policy)
                    : PemPrivateKeyReader.read(pem, keyName, source, policy);
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
