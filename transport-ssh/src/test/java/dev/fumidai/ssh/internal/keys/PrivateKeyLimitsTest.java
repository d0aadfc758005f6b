// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.PrivateKeyPolicy;
import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks the caps on KDF work a key file can ask for ({@link PrivateKeyPolicy}, issue 10 item 8): a file whose
 * header asks for absurd bcrypt rounds or PBKDF2 iterations is refused before the passphrase is asked for and
 * before any work; the deadline stops a derivation the caller allowed but that takes too long. The files are
 * committed fixtures with one header value rewritten (the values are plain: a uint32 in openssh-key-v1, an
 * INTEGER in PKCS#8).
 */
class PrivateKeyLimitsTest {

    /** Bounds each test: before the caps, the files here took from seconds to hours. */
    private static final Duration FAST = Duration.ofSeconds(20);

    @ParameterizedTest(name = "{0} rounds")
    @CsvSource({"100000", "4294967295", "257"})
    void absurdBcryptRoundsAreRefusedBeforeAnyWork(long rounds) {
        byte[] file = withBcryptRounds(SshPrivateKeysTest.fixture("ed25519_openssh_aes256-ctr"), rounds);
        AtomicInteger asked = new AtomicInteger();
        PassphraseProvider provider = name -> {
            asked.incrementAndGet();
            return SshPrivateKeysTest.PASS.toCharArray();
        };
        PrivateKeyException e = assertTimeoutPreemptively(FAST, () -> assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(file, "/home/u/.ssh/id_planted", provider)));
        assertEquals(Reason.OVER_LIMIT, e.reason(), e.getMessage());
        assertEquals(0, asked.get(), "the passphrase is not asked for: no work starts");
        assertTrue(e.getMessage().contains("/home/u/.ssh/id_planted") && e.getMessage().contains(rounds + " bcrypt")
                && e.getMessage().contains("limit of " + PrivateKeyPolicy.DEFAULT_MAX_BCRYPT_ROUNDS), e.getMessage());
    }

    @Test
    void theBcryptCapIsConfigurable() throws Exception {
        // The fixture was written with ssh-keygen -a 4.
        PrivateKeyPolicy strict = PrivateKeyPolicy.builder().maxBcryptRounds(3).build();
        PrivateKeyException e = assertThrows(PrivateKeyException.class, () -> SshPrivateKeys.parse(
                SshPrivateKeysTest.fixture("ed25519_openssh_aes256-ctr"), "k", PassphraseProvider.of(
                        SshPrivateKeysTest.PASS.toCharArray()), strict));
        assertEquals(Reason.OVER_LIMIT, e.reason());
        assertTrue(e.getMessage().contains("limit of 3"), e.getMessage());
        SshPrivateKeys.parse(SshPrivateKeysTest.fixture("ed25519_openssh_aes256-ctr"), "k",
                PassphraseProvider.of(SshPrivateKeysTest.PASS.toCharArray()),
                PrivateKeyPolicy.builder().maxBcryptRounds(4).build());
    }

    @ParameterizedTest(name = "{0} iterations")
    @CsvSource({"5000000", "2000001"})
    void absurdPbkdf2IterationsAreRefusedBeforeAnyWork(int iterations) throws Exception {
        byte[] file = withPbkdf2Iterations(SshPrivateKeysTest.fixture("ecdsa256_pkcs8_encrypted"), iterations);
        AtomicInteger asked = new AtomicInteger();
        PassphraseProvider provider = name -> {
            asked.incrementAndGet();
            return SshPrivateKeysTest.PASS.toCharArray();
        };
        PrivateKeyException e = assertTimeoutPreemptively(FAST, () -> assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.parse(file, "/keys/planted.pem", provider)));
        assertEquals(Reason.OVER_LIMIT, e.reason(), e.getMessage());
        assertEquals(0, asked.get(), "the passphrase is not asked for: no work starts");
        assertTrue(e.getMessage().contains("/keys/planted.pem") && e.getMessage().contains(iterations + " PBKDF2")
                && e.getMessage().contains("limit of " + PrivateKeyPolicy.DEFAULT_MAX_PBKDF2_ITERATIONS),
                e.getMessage());
    }

    @Test
    void theDeadlineStopsABcryptDerivationTheCapAllowed() {
        PrivateKeyPolicy lenient = PrivateKeyPolicy.builder().maxBcryptRounds(PrivateKeyPolicy.LIMIT_BCRYPT_ROUNDS)
                .decryptionDeadline(Duration.ofMillis(300)).build();
        byte[] file = withBcryptRounds(SshPrivateKeysTest.fixture("ed25519_openssh_aes256-ctr"),
                PrivateKeyPolicy.LIMIT_BCRYPT_ROUNDS);
        // 100,000 rounds run for many minutes; the deadline ends them after 300 ms.
        PrivateKeyException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
                PrivateKeyException.class, () -> SshPrivateKeys.parse(file, "slow-key", PassphraseProvider.of(
                        SshPrivateKeysTest.PASS.toCharArray()), lenient)));
        assertEquals(Reason.OVER_LIMIT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("slow-key") && e.getMessage().contains("deadline of 300 ms"),
                e.getMessage());
    }

    @Test
    void theDeadlineStopsAPbkdf2DerivationTheCapAllowed() throws Exception {
        PrivateKeyPolicy lenient = PrivateKeyPolicy.builder()
                .maxPbkdf2Iterations(PrivateKeyPolicy.LIMIT_PBKDF2_ITERATIONS)
                .decryptionDeadline(Duration.ofMillis(100)).build();
        byte[] file = withPbkdf2Iterations(SshPrivateKeysTest.fixture("ecdsa256_pkcs8_encrypted"),
                PrivateKeyPolicy.LIMIT_PBKDF2_ITERATIONS);
        PrivateKeyException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
                PrivateKeyException.class, () -> SshPrivateKeys.parse(file, "slow-pem", PassphraseProvider.of(
                        SshPrivateKeysTest.PASS.toCharArray()), lenient)));
        assertEquals(Reason.OVER_LIMIT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("slow-pem") && e.getMessage().contains("deadline of 100 ms"),
                e.getMessage());
    }

    @Test
    void thePolicyRefusesCapsOutsideItsRange() {
        assertThrows(IllegalArgumentException.class, () -> PrivateKeyPolicy.builder().maxBcryptRounds(0));
        assertThrows(IllegalArgumentException.class,
                () -> PrivateKeyPolicy.builder().maxBcryptRounds(PrivateKeyPolicy.LIMIT_BCRYPT_ROUNDS + 1));
        assertThrows(IllegalArgumentException.class,
                () -> PrivateKeyPolicy.builder().maxPbkdf2Iterations(PrivateKeyPolicy.LIMIT_PBKDF2_ITERATIONS + 1));
        assertThrows(IllegalArgumentException.class,
                () -> PrivateKeyPolicy.builder().decryptionDeadline(Duration.ZERO));
        assertEquals(PrivateKeyPolicy.LIMIT_BCRYPT_ROUNDS, BcryptPbkdf.MAX_ROUNDS);
    }

    @ParameterizedTest(name = "{0} {1} iterations, {2} bytes")
    @CsvSource({"SHA-1,1,20", "SHA-1,2048,32", "SHA-256,1,32", "SHA-256,4096,64", "SHA-384,1000,24",
        "SHA-512,1000,100"})
    void ourPbkdf2MatchesTheJdks(String digest, int iterations, int length) throws Exception {
        byte[] salt = "a salt of sixteen".getBytes(StandardCharsets.US_ASCII);
        for (String password : new String[] {"correct horse", "pässwörd", "a passphrase longer than one block of"
                + " the hash, which HMAC hashes first to fit: 0123456789abcdef0123456789abcdef0123456789abcdef"}) {
            byte[] ours = Pbkdf2.derive(digest, password.getBytes(StandardCharsets.UTF_8), salt, iterations, length,
                    KdfDeadline.NONE);
            byte[] jdk = SecretKeyFactory.getInstance("PBKDF2WithHmac" + digest.replace("-", ""))
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, length * 8)).getEncoded();
            assertArrayEquals(jdk, ours, digest + " " + password);
        }
    }

    /** Rewrites the bcrypt rounds of an openssh-key-v1 file (PROTOCOL.key: kdfoptions = string salt, uint32 rounds). */
    static byte[] withBcryptRounds(byte[] pemFile, long rounds) {
        Pem pem;
        try {
            pem = Pem.parse(pemFile, "fixture");
        } catch (PrivateKeyException e) {
            throw new AssertionError(e);
        }
        ByteBuffer b = ByteBuffer.wrap(pem.body());
        b.position("openssh-key-v1\0".length());
        skipString(b); // cipher name
        skipString(b); // kdf name
        b.getInt(); // length of the kdf options
        skipString(b); // salt
        b.putInt((int) rounds);
        return armour("OPENSSH PRIVATE KEY", pem.body());
    }

    /** Rebuilds an encrypted PKCS#8 file with another PBKDF2 iteration count (RFC 8018 A.2), all else kept. */
    static byte[] withPbkdf2Iterations(byte[] pemFile, int iterations) throws Exception {
        Pem pem = Pem.parse(pemFile, "fixture");
        EncryptedPrivateKeyInfo info = EncryptedPrivateKeyInfo.getInstance(pem.body());
        PBES2Parameters pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
        PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
        PBKDF2Params changed = new PBKDF2Params(kdf.getSalt(), iterations, kdf.getPrf());
        PBES2Parameters rebuilt = new PBES2Parameters(new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, changed),
                EncryptionScheme.getInstance(pbes2.getEncryptionScheme().toASN1Primitive()));
        EncryptedPrivateKeyInfo out = new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
                rebuilt), info.getEncryptedData());
        assertEquals(BigInteger.valueOf(iterations), PBKDF2Params.getInstance(PBES2Parameters.getInstance(
                out.getEncryptionAlgorithm().getParameters()).getKeyDerivationFunc().getParameters()).getIterationCount());
        return armour("ENCRYPTED PRIVATE KEY", out.getEncoded());
    }

    private static void skipString(ByteBuffer b) {
        int n = b.getInt();
        b.position(b.position() + n);
    }

    private static byte[] armour(String label, byte[] der) {
        return ("-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(70, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
