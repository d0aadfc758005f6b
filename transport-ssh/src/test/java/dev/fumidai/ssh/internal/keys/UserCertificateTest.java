// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.PassphraseProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads the ssh-keygen user certificate stored next to its private key (keys/id_ed25519-cert.pub). */
class UserCertificateTest {

    @TempDir
    Path dir;

    @Test
    void readsTheCertificateNextToTheKeyAndChecksItCertifiesThatKey() throws Exception {
        Path key = dir.resolve("id_ed25519");
        Files.write(key, Fixtures.bytes("id_ed25519"));
        // Owner-only, as ssh-keygen writes keys: a key file open to others is refused, as OpenSSH refuses it.
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        SshPrivateKey loaded = SshPrivateKeys.read(key, PassphraseProvider.none());
        assertTrue(SshPrivateKeys.readCertificateNextTo(key, loaded).isEmpty());

        Files.write(dir.resolve("id_ed25519-cert.pub"), Fixtures.bytes("id_ed25519-cert.pub"));
        OpenSshCertificate cert = SshPrivateKeys.readCertificateNextTo(key, loaded).orElseThrow();
        assertEquals(List.of("alice", "bob"), cert.principals());
        // A signature by the private key verifies with the certificate (publickey auth with a cert, RFC 4252 §7).
        byte[] data = {1, 2, 3};
        assertTrue(cert.verify("ssh-ed25519-cert-v01@openssh.com", data,
                loaded.sign("ssh-ed25519-cert-v01@openssh.com", data)));

        SshPrivateKey other = SshPrivateKeys.parse(Fixtures.bytes("id_ecdsa256"), "other", PassphraseProvider.none());
        PrivateKeyException wrongKey = assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.certificateFor(Fixtures.text("id_ed25519-cert.pub"), "cert", other));
        assertTrue(wrongKey.getMessage().contains("not the key"), wrongKey.getMessage());

        SshPrivateKey host = SshPrivateKeys.parse(Fixtures.bytes("host_ed25519"), "host", PassphraseProvider.none());
        PrivateKeyException hostCert = assertThrows(PrivateKeyException.class,
                () -> SshPrivateKeys.certificateFor(Fixtures.text("host_ed25519-cert.pub"), "hcert", host));
        assertTrue(hostCert.getMessage().contains("host certificate"), hostCert.getMessage());
    }
}
