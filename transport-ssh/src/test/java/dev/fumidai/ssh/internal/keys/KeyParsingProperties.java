package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fumidai.ssh.PassphraseProvider;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Checks that hostile or damaged input never escapes the parsers as anything but their declared exception,
 * and that a key or certificate with any single byte changed is either rejected or a different key.
 */
class KeyParsingProperties {

    private static final String[] BLOBS = {"id_ed25519.pub", "id_ecdsa256.pub", "id_ecdsa521.pub", "id_rsa.pub",
        "host_ed25519-cert.pub", "host_rsa-cert.pub", "host_ecdsa256-cert.pub", "id_ed25519-cert.pub"};

    @Provide
    Arbitrary<byte[]> knownBlobs() {
        return Arbitraries.of(BLOBS).map(f -> Base64.getDecoder().decode(Fixtures.text(f).trim().split(" ")[1]));
    }

    @Property(tries = 2000)
    void randomBytesNeverCrashTheKeyParser(@ForAll @Size(max = 300) byte[] junk) {
        try {
            SshPublicKeys.parse(junk);
        } catch (InvalidSshKeyException expected) {
            // the only acceptable failure
        }
    }

    @Property(tries = 1000)
    void aChangedByteIsRejectedOrGivesAnotherKey(@ForAll("knownBlobs") byte[] blob,
            @ForAll @IntRange(min = 0, max = 100_000) int where, @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] changed = blob.clone();
        int at = where % changed.length;
        changed[at] ^= (byte) flip;
        try {
            SshPublicKey key = SshPublicKeys.parse(changed);
            // Some bytes (a certificate's nonce, an RSA exponent's high bits...) can change and still parse; the
            // result must then be a different key, never one that compares equal to the original.
            assertFalse(Arrays.equals(blob, key.encoded()));
            assertFalse(key.equals(SshPublicKeys.parse(blob)));
        } catch (InvalidSshKeyException expected) {
            // rejected: fine
        }
    }

    @Property(tries = 120)
    void truncatedOrGarbledPrivateKeysFailWithPrivateKeyException(
            @ForAll("privateKeyNames") String file, @ForAll @IntRange(min = 0, max = 100_000) int where,
            @ForAll @IntRange(min = 1, max = 255) int flip) {
        byte[] pem = SshPrivateKeysTest.fixture(file);
        // Corrupt one base64 character of the body (skip the BEGIN line).
        String text = new String(pem, StandardCharsets.US_ASCII);
        int bodyStart = text.indexOf('\n') + 1;
        int bodyEnd = text.lastIndexOf("-----END");
        int at = bodyStart + where % Math.max(1, bodyEnd - bodyStart);
        char[] chars = text.toCharArray();
        if (Character.isLetterOrDigit(chars[at])) {
            chars[at] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".charAt(flip % 62);
        }
        byte[] damaged = new String(chars).getBytes(StandardCharsets.US_ASCII);
        try {
            SshPrivateKey key = SshPrivateKeys.parse(damaged, file, PassphraseProvider.of(
                    SshPrivateKeysTest.PASS.toCharArray()));
            // A change in padding or comment may still load; the key must then still sign verifiably.
            byte[] data = {1, 2, 3};
            String algorithm = key.signatureAlgorithms().get(0);
            assertEquals(true, key.publicKey().verify(algorithm, data, key.sign(algorithm, data)));
        } catch (PrivateKeyException expected) {
            // rejected with a reason: fine
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError("signing a loaded key failed", e);
        }
    }

    @Provide
    Arbitrary<String> privateKeyNames() {
        return Arbitraries.of("ed25519_openssh", "ecdsa256_openssh_aes256-gcm", "rsa_pem", "ecdsa384_pkcs8",
                "rsa_pkcs8_encrypted", "ecdsa521_pem_encrypted", "ed25519_openssh_aes256-ctr");
    }
}
