// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.PrivateKeyPolicy;
import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks that a private key file the user owns and others may access is refused as OpenSSH refuses it
 * ("UNPROTECTED PRIVATE KEY FILE", {@code sshkey_perm_ok}: {@code mode & 077}), that 0600 and 0400 load, and
 * that the check can be turned off (issue 10 item 8). The temporary files belong to the user running the test.
 */
class PrivateKeyFileModeTest {

    @TempDir
    Path dir;

    private Path keyFile(String mode) throws Exception {
        Path key = dir.resolve("id_ed25519");
        Files.write(key, SshPrivateKeysTest.fixture("ed25519_openssh"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
        return key;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rw-r--r--,0644", "rw-r-----,0640", "rw-----w-,0602", "rw----r--,0604", "rwx--x---,0710",
        "r--r--r--,0444"})
    void aKeyFileOpenToGroupOrOthersIsRefusedNamingThePathAndMode(String permissions, String octal) throws Exception {
        Path key = keyFile(permissions);
        PrivateKeyException e = assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.read(key, PassphraseProvider.none()));
        assertEquals(Reason.UNPROTECTED_FILE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith("UNPROTECTED PRIVATE KEY FILE: permissions " + octal + " for " + key
                + " are too open"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rw-------", "r--------"})
    void aKeyFileOnlyItsOwnerCanReadLoads(String permissions) throws Exception {
        Path key = keyFile(permissions);
        assertEquals("ssh-ed25519", SshPrivateKeys.read(key, PassphraseProvider.none()).publicKey().keyType());
    }

    @Test
    void theCheckCanBeTurnedOff() throws Exception {
        Path key = keyFile("rw-r--r--");
        PrivateKeyPolicy lax = PrivateKeyPolicy.builder().strictKeyFileModes(false).build();
        assertEquals("ssh-ed25519", SshPrivateKeys.read(key, PassphraseProvider.none(), lax).publicKey().keyType());
    }

    @Test
    void keyTextFromMemoryIsNotChecked() throws Exception {
        // The same bytes as the refused 0644 file, given as an array: there is no file mode to check.
        keyFile("rw-r--r--");
        assertEquals("ssh-ed25519", SshPrivateKeys.parse(Files.readAllBytes(dir.resolve("id_ed25519")), "in memory",
                PassphraseProvider.none()).publicKey().keyType());
    }
}
