// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.internal.keys.PrivateKeyException;
import dev.fumidai.ssh.internal.keys.SshPrivateKey;
import dev.fumidai.ssh.internal.keys.SshPrivateKeys;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;

/**
 * Feeds arbitrary key file contents to {@link SshPrivateKeys#parse}: OpenSSH ({@code openssh-key-v1}, plain and
 * bcrypt-encrypted), PEM PKCS#1/SEC1 (plain and {@code Proc-Type: 4,ENCRYPTED}) and PKCS#8 (plain and PBES2).
 * Contract: a key or {@link PrivateKeyException}; a key it returns can sign, and its public half parses back
 * from its own wire encoding.
 *
 * <p>Cost cap: the target offers the passphrase (the fixtures' one) only when the file's key derivation is cheap
 * (bcrypt at most {@value #MAX_BCRYPT_ROUNDS} rounds, PBKDF2 at most {@value #MAX_PBKDF2_ITERATIONS}
 * iterations); otherwise it offers none, so the parser stops at "passphrase required" before deriving. The
 * parser's own caps (far higher) are what issue #10 item 8 is about, not this target.
 */
class PrivateKeyFuzzTest {

    static final int MAX_BCRYPT_ROUNDS = 16;
    static final int MAX_PBKDF2_ITERATIONS = 4096;
    static final char[] PASSPHRASE = "correct horse battery".toCharArray();
    static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void parse(byte[] content) throws Exception {
        PassphraseProvider passphrase = cheapToDerive(content) ? PassphraseProvider.of(PASSPHRASE)
                : PassphraseProvider.none();
        SshPrivateKey key;
        try {
            key = SshPrivateKeys.parse(content.clone(), "fuzz", passphrase);
        } catch (PrivateKeyException e) {
            return;
        }
        byte[] encoded = key.publicKey().encoded();
        assertArrayEquals(encoded, SshPublicKeys.parsePlain(encoded).encoded());
        String alg = key.signatureAlgorithms().get(0);
        byte[] data = {1, 2, 3};
        assertTrue(key.publicKey().verify(alg, data, key.sign(alg, data)), "a parsed key signs verifiably");
        key.destroy();
    }

    /** Returns whether deriving the file's key costs at most the caps above; false when unsure. */
    static boolean cheapToDerive(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        try {
            if (text.contains("OPENSSH PRIVATE KEY")) {
                return bcryptRounds(body(text)) <= MAX_BCRYPT_ROUNDS;
            }
            if (text.contains("ENCRYPTED PRIVATE KEY")) {
                return pbkdf2Iterations(body(text)) <= MAX_PBKDF2_ITERATIONS;
            }
            return true; // unencrypted, or traditional PEM encryption (one MD5 round)
        } catch (RuntimeException | java.io.IOException e) {
            return false;
        }
    }

    static byte[] body(String text) {
        int begin = text.indexOf("-----", text.indexOf("-----BEGIN") + 10) + 5;
        int end = text.indexOf("-----END", begin);
        return Base64.getMimeDecoder().decode(text.substring(begin, end));
    }

    /** Reads the bcrypt rounds of an openssh-key-v1 body; 0 when it is not encrypted. */
    static long bcryptRounds(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        skipString(b); // cipher
        byte[] kdf = string(b);
        byte[] options = string(b);
        if (!new String(kdf, StandardCharsets.ISO_8859_1).equals("bcrypt")) {
            return 0;
        }
        ByteBuffer o = ByteBuffer.wrap(options);
        skipString(o);
        return Integer.toUnsignedLong(o.getInt());
    }

    static long pbkdf2Iterations(byte[] der) throws java.io.IOException {
        EncryptedPrivateKeyInfo info = EncryptedPrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
        if (!PKCSObjectIdentifiers.id_PBES2.equals(info.getEncryptionAlgorithm().getAlgorithm())) {
            return Long.MAX_VALUE; // other schemes: no passphrase offered
        }
        PBES2Parameters p = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
        if (!PKCSObjectIdentifiers.id_PBKDF2.equals(p.getKeyDerivationFunc().getAlgorithm())) {
            return Long.MAX_VALUE;
        }
        return PBKDF2Params.getInstance(p.getKeyDerivationFunc().getParameters()).getIterationCount().longValueExact();
    }

    static byte[] string(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return s;
    }

    static void skipString(ByteBuffer b) {
        int n = b.getInt();
        b.position(b.position() + n);
    }
}
