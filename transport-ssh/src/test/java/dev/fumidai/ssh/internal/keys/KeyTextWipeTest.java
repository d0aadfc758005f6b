// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fumidai.ssh.PassphraseProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks that the bytes of a key file and the passphrase are overwritten with zeros once a key is parsed,
 * whether it loaded or not (issue 10 item 10): the array given to {@link SshPrivateKeys#parse} is consumed.
 */
class KeyTextWipeTest {

    private static void assertAllZero(byte[] a, String what) {
        for (int i = 0; i < a.length; i++) {
            assertEquals(0, a[i], what + ": byte " + i + " of " + a.length + " is not zero");
        }
    }

    private static void assertAllZero(char[] a, String what) {
        for (int i = 0; i < a.length; i++) {
            assertEquals('\0', a[i], what + ": char " + i + " of " + a.length + " is not zero");
        }
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"ed25519_openssh_aes256-ctr,correct horse battery", "ecdsa256_pkcs8_encrypted,correct horse battery",
        "rsa_pem_encrypted,correct horse battery", "ed25519_openssh_aes256-gcm,wrong horse",
        "ecdsa256_pkcs8_encrypted,wrong horse", "rsa_pem_encrypted,wrong horse"})
    void theKeyTextAndThePassphraseAreZeroedAfterParsing(String file, String passphrase) {
        byte[] text = SshPrivateKeysTest.fixture(file);
        char[] given = passphrase.toCharArray();
        boolean right = passphrase.equals(SshPrivateKeysTest.PASS);
        if (right) {
            assertDoesNotThrowKey(text, file, given);
        } else {
            assertEquals(PrivateKeyException.Reason.WRONG_PASSPHRASE, assertThrows(PrivateKeyException.class,
                    () -> SshPrivateKeys.parse(text, file, name -> given)).reason());
        }
        assertAllZero(text, file + " text");
        assertAllZero(given, file + " passphrase");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ed25519_openssh", "rsa_pkcs8", "ecdsa384_pem", "dsa_openssh"})
    void theKeyTextIsZeroedForPlainAndRefusedKeysToo(String file) {
        byte[] text = SshPrivateKeysTest.fixture(file);
        try {
            SshPrivateKeys.parse(text, file, PassphraseProvider.none());
        } catch (PrivateKeyException e) {
            assertEquals("dsa_openssh", file, e.getMessage()); // DSA is refused; the others load
        }
        assertAllZero(text, file + " text");
    }

    private static void assertDoesNotThrowKey(byte[] text, String file, char[] given) {
        try {
            SshPrivateKeys.parse(text, file, name -> given);
        } catch (PrivateKeyException e) {
            throw new AssertionError(file + " did not load", e);
        }
    }
}
