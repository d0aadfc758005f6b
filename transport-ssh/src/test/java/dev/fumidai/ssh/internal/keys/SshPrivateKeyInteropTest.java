// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.PassphraseProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Loads keys freshly written by the installed {@code ssh-keygen} in every format it writes (default bcrypt
 * rounds), and has {@code ssh-keygen -Y verify} check signatures our loaded keys make.
 */
@Tag("interop")
class SshPrivateKeyInteropTest {

    private static final String PASS = "interop passphrase";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "-t ed25519,OPENSSH,", "-t ed25519,OPENSSH,aes256-gcm@openssh.com", "-t ed25519,OPENSSH,aes256-ctr",
        "-t ecdsa -b 256,OPENSSH,", "-t ecdsa -b 384,PKCS8,", "-t ecdsa -b 521,PEM,",
        "-t rsa -b 3072,OPENSSH,", "-t rsa -b 2048,PKCS8,", "-t rsa -b 2048,PEM,",
    })
    void loadsFreshKeysAndOpenSshVerifiesOurSignatures(String type, String format, String cipher) throws Exception {
        Path key = SshKeygen.generate(dir, "k", type.split(" "));
        // Re-encrypt in the wanted format with the default KDF rounds.
        if (cipher != null) {
            SshKeygen.run(dir, "-q", "-p", "-Z", cipher, "-N", PASS, "-P", "", "-f", "k");
        } else if ("OPENSSH".equals(format)) {
            SshKeygen.run(dir, "-q", "-p", "-N", PASS, "-P", "", "-f", "k");
        } else {
            SshKeygen.run(dir, "-q", "-p", "-m", format, "-N", PASS, "-P", "", "-f", "k");
        }
        SshPrivateKey loaded = SshPrivateKeys.read(key, PassphraseProvider.of(PASS.toCharArray()));
        SshPublicKey expected = SshPublicKeys.parseText(Files.readString(dir.resolve("k.pub")));
        assertEquals(expected, loaded.publicKey());
        assertEquals(PrivateKeyException.Reason.WRONG_PASSPHRASE, assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.read(key, PassphraseProvider.of("nope".toCharArray()))).reason());

        byte[] message = "signed by fumidai".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("m.txt"), message);
        for (String algorithm : loaded.signatureAlgorithms()) {
            Files.writeString(dir.resolve("m.sig"), sshsig(loaded, algorithm, "file", message));
            Files.writeString(dir.resolve("allowed"), "signer " + SshPublicKeys.toText(expected) + "\n");
            String out = SshKeygenWithInput.verify(dir, "allowed", "signer", "file", "m.sig", dir.resolve("m.txt"));
            assertTrue(out.contains("Good"), algorithm + ": " + out);
        }
    }

    /**
     * Loads keys the installed {@code ssh-keygen} encrypts with its default 16 bcrypt rounds and with the common
     * {@code -a 100}, under the default {@link dev.fumidai.ssh.PrivateKeyPolicy}: the caps must not refuse a real
     * user's key (issue 10 item 8).
     */
    @ParameterizedTest(name = "ssh-keygen -a {0}")
    @CsvSource({"16", "100"})
    void keysWithTheBcryptRoundsPeopleUseLoadUnderTheDefaultCaps(String rounds) throws Exception {
        Path key = SshKeygen.generate(dir, "k", "-t", "ed25519");
        SshKeygen.run(dir, "-q", "-p", "-a", rounds, "-N", PASS, "-P", "", "-f", "k");
        SshPrivateKey loaded = SshPrivateKeys.read(key, PassphraseProvider.of(PASS.toCharArray()));
        assertEquals(SshPublicKeys.parseText(Files.readString(dir.resolve("k.pub"))), loaded.publicKey());
    }

    /**
     * Loads PKCS#8 keys OpenSSL encrypts with its default 2048 PBKDF2 iterations and with OWASP's 600,000 (for
     * HMAC-SHA-256) under the default policy.
     */
    @ParameterizedTest(name = "openssl pkcs8 -iter {0}")
    @CsvSource({"2048", "600000"})
    void pkcs8KeysWithTheIterationsToolsWriteLoadUnderTheDefaultCaps(String iterations) throws Exception {
        Path key = SshKeygen.generate(dir, "k", "-t", "ecdsa", "-b", "256");
        SshKeygen.run(dir, "-q", "-p", "-m", "PEM", "-N", "", "-P", "", "-f", "k");
        Path pkcs8 = dir.resolve("k.p8");
        Process p = new ProcessBuilder("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256",
                "-iter", iterations, "-passout", "pass:" + PASS, "-in", key.toString(), "-out", pkcs8.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "openssl (Debian package openssl) failed: " + out);
        java.nio.file.Files.setPosixFilePermissions(pkcs8, java.nio.file.attribute.PosixFilePermissions
                .fromString("rw-------"));
        SshPrivateKey loaded = SshPrivateKeys.read(pkcs8, PassphraseProvider.of(PASS.toCharArray()));
        assertEquals(SshPublicKeys.parseText(Files.readString(dir.resolve("k.pub"))), loaded.publicKey());
    }

    /** Builds an armored SSHSIG (OpenSSH PROTOCOL.sshsig) signed by our key. */
    private static String sshsig(SshPrivateKey key, String algorithm, String namespace, byte[] message) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-512").digest(message);
        byte[] magic = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
        byte[] signed = new SshWireWriter().raw(magic).string(namespace).string(new byte[0]).string("sha512")
                .string(hash).toByteArray();
        byte[] blob = new SshWireWriter().raw(magic).uint32(1).string(key.publicKey().encoded()).string(namespace)
                .string(new byte[0]).string("sha512").string(key.sign(algorithm, signed)).toByteArray();
        return "-----BEGIN SSH SIGNATURE-----\n" + Base64.getMimeEncoder(70, new byte[] {'\n'}).encodeToString(blob)
                + "\n-----END SSH SIGNATURE-----\n";
    }
}
