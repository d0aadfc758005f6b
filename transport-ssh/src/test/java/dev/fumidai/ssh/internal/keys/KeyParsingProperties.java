// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Checks that hostile or damaged input never escapes the parsers as anything but their declared exception,
 * and that a key or certificate with any single byte changed is either rejected or a different key.
 */
class KeyParsingProperties {

    private static final String[] BLOBS = {"id_ed25519.pub", "id_ecdsa256.pub", "id_ecdsa521.pub", "id_rsa.pub",
        "host_ed25519-cert.pub", "host_rsa-cert.pub", "host_ecdsa256-cert.pub", "id_ed25519-cert.pub"};

    static Gen<byte[]> knownBlobs() {
        return Gens.of(BLOBS).map(f -> Base64.getDecoder().decode(Fixtures.text(f).trim().split(" ")[1]));
    }

    @Test
    void randomBytesNeverCrashTheKeyParser() {
        PropertyCheck.forAll(2000, Gens.bytes(0, 300), this::randomBytesNeverCrashTheKeyParser);
    }

    private void randomBytesNeverCrashTheKeyParser(byte[] junk) {
        try {
            SshPublicKeys.parse(junk);
        } catch (InvalidSshKeyException expected) {
            // the only acceptable failure
        }
    }

    @Test
    void aChangedByteIsRejectedOrGivesAnotherKey() {
        PropertyCheck.forAll(1000, knownBlobs(), Gens.ints(0, 100_000), Gens.ints(1, 255),
                this::aChangedByteIsRejectedOrGivesAnotherKey);
    }

    private void aChangedByteIsRejectedOrGivesAnotherKey(byte[] blob, int where, int flip) {
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

    @Test
    void truncatedOrGarbledPrivateKeysFailWithPrivateKeyException() {
        PropertyCheck.forAll(120, privateKeyNames(), Gens.ints(0, 100_000), Gens.ints(1, 255),
                this::truncatedOrGarbledPrivateKeysFailWithPrivateKeyException);
    }

    /**
     * The example that failed CI on 2026-12-07 with an OutOfMemoryError: the damage made the kdf name's length field
     * about 2 GB, and this class's own {@link #bcryptRounds} allocated that much before reading it (the parser
     * itself rejected the key).
     */
    @Test
    void aDamagedLengthFieldIsNotAllocatedByTheRoundsCheck() {
        truncatedOrGarbledPrivateKeysFailWithPrivateKeyException("ed25519_openssh_aes256-ctr", 33, 7);
    }

    private void truncatedOrGarbledPrivateKeysFailWithPrivateKeyException(String file, int where, int flip) {
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
        if (raisesBcryptRounds(text, new String(chars))) {
            // A damaged rounds field that stays within the default cap (PrivateKeyPolicy, 256 rounds) is a valid,
            // slow request: seconds per key here. The cap itself is tested in PrivateKeyLimitsTest; here the
            // character is left as it was, and the key must load. Above the cap the key is refused at once.
            chars[at] = text.charAt(at);
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

    /**
     * Returns whether the damage turned an openssh-key-v1 file's bcrypt rounds (PROTOCOL.key: magic, cipher name,
     * kdf name, kdf options = salt string + uint32 rounds) into a larger value the reader would still accept.
     */
    private static boolean raisesBcryptRounds(String original, String damaged) {
        long before = bcryptRounds(original);
        long after = bcryptRounds(damaged);
        return before > 0 && after > before && after <= dev.fumidai.ssh.PrivateKeyPolicy.DEFAULT_MAX_BCRYPT_ROUNDS;
    }

    private static long bcryptRounds(String pem) {
        if (!pem.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----")) {
            return -1;
        }
        String body = pem.substring(pem.indexOf('\n') + 1, pem.lastIndexOf("-----END")).replaceAll("\\s", "");
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(blob);
        try {
            b.position("openssh-key-v1\0".length());
            b.position(b.position() + b.getInt()); // cipher name
            int kdfNameLength = b.getInt();
            if (kdfNameLength < 0 || kdfNameLength > b.remaining()) {
                return -1; // a damaged length: never allocate what the blob cannot hold
            }
            byte[] kdfName = new byte[kdfNameLength];
            b.get(kdfName);
            if (!"bcrypt".equals(new String(kdfName, StandardCharsets.US_ASCII))) {
                return -1;
            }
            b.getInt(); // kdf options length
            b.position(b.position() + b.getInt()); // salt
            return Integer.toUnsignedLong(b.getInt());
        } catch (RuntimeException e) {
            return -1; // damaged beyond reading the header: the parser rejects it quickly
        }
    }

    static Gen<String> privateKeyNames() {
        return Gens.of("ed25519_openssh", "ecdsa256_openssh_aes256-gcm", "rsa_pem", "ecdsa384_pkcs8",
                "rsa_pkcs8_encrypted", "ecdsa521_pem_encrypted", "ed25519_openssh_aes256-ctr");
    }
}
