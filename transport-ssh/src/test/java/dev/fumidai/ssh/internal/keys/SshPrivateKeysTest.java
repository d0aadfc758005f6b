// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Loads every private key format written by ssh-keygen/OpenSSL (fixtures in privkeys/, see generate.sh). */
class SshPrivateKeysTest {

    static final String PASS = "correct horse battery";
    private static final byte[] DATA = "session identifier and userauth request".getBytes(StandardCharsets.UTF_8);

    static byte[] fixture(String name) {
        try (InputStream in = SshPrivateKeysTest.class.getResourceAsStream("/dev/fumidai/ssh/privkeys/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> keys() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String t : List.of("ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa")) {
            b.add(Arguments.of(t, t + "_openssh", false));
            b.add(Arguments.of(t, t + "_openssh_aes256-ctr", true));
            b.add(Arguments.of(t, t + "_openssh_aes256-gcm", true));
            if (!t.equals("ed25519")) {
                b.add(Arguments.of(t, t + "_pkcs8", false));
                b.add(Arguments.of(t, t + "_pkcs8_encrypted", true));
                b.add(Arguments.of(t, t + "_pem", false));
                b.add(Arguments.of(t, t + "_pem_encrypted", true));
            }
        }
        b.add(Arguments.of("rsa", "rsa_pem_des3", true));
        b.add(Arguments.of("rsa", "rsa_pkcs8_sha1", true));
        return b.build();
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("keys")
    void loadsTheKeyWithItsPublicHalfAndSignsVerifiably(String type, String file, boolean encrypted) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        PassphraseProvider provider = name -> {
            asked.incrementAndGet();
            assertEquals(file, name);
            return PASS.toCharArray();
        };
        SshPrivateKey key = SshPrivateKeys.parse(fixture(file), file, provider);
        assertEquals(encrypted ? 1 : 0, asked.get(), "passphrase asked only for encrypted keys");
        SshPublicKey expected = SshPublicKeys.parseText(new String(fixture(type + ".pub"), StandardCharsets.UTF_8));
        assertEquals(expected, key.publicKey());
        if (file.contains("openssh")) {
            assertEquals("fixture " + type, key.comment());
        }
        for (String algorithm : key.signatureAlgorithms()) {
            byte[] blob = key.sign(algorithm, DATA);
            assertTrue(expected.verify(algorithm, DATA, blob), algorithm);
            assertFalse(expected.verify(algorithm, Arrays.copyOf(DATA, 3), blob));
        }
        key.destroy();
        assertTrue(key.isDestroyed());
        assertThrows(java.security.GeneralSecurityException.class, () -> key.sign(key.signatureAlgorithms().get(0), DATA));
    }

    @Test
    void rsaKeysSignWithSha2ByDefaultAndSha1OnlyWhenNamed() throws Exception {
        SshPrivateKey key = SshPrivateKeys.parse(fixture("rsa_openssh"), "rsa", PassphraseProvider.none());
        assertEquals(List.of("rsa-sha2-512", "rsa-sha2-256"), key.signatureAlgorithms());
        byte[] sha1 = key.sign("ssh-rsa", DATA);
        assertTrue(key.publicKey().verify("ssh-rsa", DATA, sha1));
        assertThrows(InvalidSshKeyException.class, () -> key.sign("ssh-ed25519", DATA));
    }

    @Test
    void ed25519Pkcs8FromOpenSslIncludingEncrypted() throws Exception {
        byte[] der = fixture("ed25519_pkcs8.pub.der");
        Ed25519SshPublicKey expected = Ed25519SshPublicKey.fromRaw(Arrays.copyOfRange(der, der.length - 32, der.length));
        SshPrivateKey plain = SshPrivateKeys.parse(fixture("ed25519_pkcs8"), "k", PassphraseProvider.none());
        SshPrivateKey enc = SshPrivateKeys.parse(fixture("ed25519_pkcs8_encrypted"), "k",
                PassphraseProvider.of(PASS.toCharArray()));
        assertEquals(expected, plain.publicKey());
        assertEquals(expected, enc.publicKey());
        assertTrue(expected.verify("ssh-ed25519", DATA, enc.sign("ssh-ed25519", DATA)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encryptedFiles")
    void wrongPassphraseIsReportedAsSuch(String file) {
        PrivateKeyException e = assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(fixture(file), file, PassphraseProvider.of("wrong horse".toCharArray())));
        assertEquals(Reason.WRONG_PASSPHRASE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(file), e.getMessage());
        assertFalse(e.getMessage().contains("wrong horse"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encryptedFiles")
    void missingPassphraseIsReportedAsSuch(String file) {
        PrivateKeyException e = assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(fixture(file), file, PassphraseProvider.none()));
        assertEquals(Reason.PASSPHRASE_REQUIRED, e.reason(), e.getMessage());
    }

    static Stream<String> encryptedFiles() {
        return keys().filter(a -> (Boolean) a.get()[2]).map(a -> (String) a.get()[1]);
    }

    @Test
    void passphraseArrayFromTheProviderIsZeroed() throws Exception {
        char[] given = PASS.toCharArray();
        SshPrivateKeys.parse(fixture("ed25519_openssh_aes256-ctr"), "k", name -> given);
        for (char c : given) {
            assertEquals('\0', c);
        }
    }

    @Test
    void unsupportedFormatsHaveClearErrors() {
        PrivateKeyException dsa = assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(fixture("dsa_openssh"), "dsa", PassphraseProvider.none()));
        assertEquals(Reason.UNSUPPORTED, dsa.reason(), dsa.getMessage());
        assertTrue(dsa.getMessage().contains("ssh-dss"), dsa.getMessage());

        PrivateKeyException x25519 = assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(fixture("x25519_pkcs8"), "x", PassphraseProvider.none()));
        assertEquals(Reason.UNSUPPORTED, x25519.reason(), x25519.getMessage());

        for (String[] c : new String[][] {{"ecdsa256_pkcs8_scrypt", "scrypt"},
            {"ecdsa256_pkcs8_pbe_sha1_3des", "PKCS#12"}}) {
            PrivateKeyException e = assertThrows(PrivateKeyException.class,
                    () -> SshPrivateKeys.parse(fixture(c[0]), c[0], PassphraseProvider.of(PASS.toCharArray())));
            assertEquals(Reason.UNSUPPORTED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("openssl pkcs8"), e.getMessage());
        }

        byte[] ppk = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n".getBytes(StandardCharsets.UTF_8);
        PrivateKeyException putty = assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(ppk, "k.ppk", PassphraseProvider.none()));
        assertTrue(putty.getMessage().contains("PuTTY"), putty.getMessage());

        byte[] pub = fixture("ed25519.pub");
        assertEquals(Reason.UNSUPPORTED, assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(pub, "k.pub", PassphraseProvider.none())).reason());
        byte[] cert = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(Reason.UNSUPPORTED, assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(cert, "c", PassphraseProvider.none())).reason());
    }

    @Test
    void damagedKeysAreMalformedNotCrashes() {
        byte[] good = fixture("ecdsa256_openssh");
        String text = new String(good, StandardCharsets.US_ASCII);
        String[] lines = text.split("\n");
        for (int cut = 2; cut < lines.length - 1; cut++) {
            String truncated = String.join("\n", Arrays.copyOf(lines, cut)) + "\n" + lines[lines.length - 1] + "\n";
            PrivateKeyException e = assertThrows(PrivateKeyException.class, () -> SshPrivateKeys.parse(
                    truncated.getBytes(StandardCharsets.US_ASCII), "k", PassphraseProvider.none()));
            assertTrue(e.reason() == Reason.MALFORMED || e.reason() == Reason.UNSUPPORTED, e.getMessage());
        }
        byte[] noEnd = Arrays.copyOf(good, 60);
        assertEquals(Reason.MALFORMED, assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(noEnd, "k", PassphraseProvider.none())).reason());
    }

    @Test
    void privateSectionMustMatchThePublicKey() throws Exception {
        // Splice the public key of another key into an unencrypted openssh-key-v1 file.
        Pem a = Pem.parse(fixture("ed25519_openssh"), "a");
        byte[] otherPub = SshPublicKeys.parseText(new String(fixture("ecdsa256.pub"), StandardCharsets.UTF_8)).encoded();
        SshWireReader r = new SshWireReader(a.body(), 15, a.body().length - 15);
        SshWireWriter w = new SshWireWriter().raw(Arrays.copyOf(a.body(), 15));
        w.string(r.readString()).string(r.readString()).string(r.readString()).uint32(r.readUint32());
        r.readString();
        w.string(otherPub).string(r.readString());
        String pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(w.toByteArray())
                + "\n-----END OPENSSH PRIVATE KEY-----\n";
        PrivateKeyException e = assertThrows(PrivateKeyException.class, () -> SshPrivateKeys.parse(
                pem.getBytes(StandardCharsets.US_ASCII), "spliced", PassphraseProvider.none()));
        assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
        assertArrayEquals(new byte[0], new byte[0]);
    }
}
