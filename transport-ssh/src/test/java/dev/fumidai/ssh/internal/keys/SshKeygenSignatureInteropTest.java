// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checks keys and signatures freshly made by the installed {@code ssh-keygen}. */
@Tag("interop")
class SshKeygenSignatureInteropTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"ed25519,-t ed25519", "ecdsa256,-t ecdsa -b 256", "ecdsa384,-t ecdsa -b 384",
        "ecdsa521,-t ecdsa -b 521", "rsa3072,-t rsa -b 3072"})
    void verifiesFreshSshKeygenSignatures(String name, String options) throws Exception {
        Path key = SshKeygen.generate(dir, name, options.split(" "));
        byte[] message = "fresh message".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("m.txt"), message);
        SshKeygen.run(dir, "-q", "-Y", "sign", "-f", key.toString(), "-n", "file", "m.txt");
        SshSig sig = SshSig.parse(Files.readString(dir.resolve("m.txt.sig")), message);

        SshPublicKey pub = SshPublicKeys.parseText(Files.readString(dir.resolve(name + ".pub")));
        assertEquals(SshKeygen.run(dir, "-l", "-f", name + ".pub").split(" ")[1], pub.fingerprint());
        assertTrue(pub.verify(sig.signatureAlgorithm(), sig.signedData(), sig.signatureBlob()));
        assertFalse(pub.verify(sig.signatureAlgorithm(), message, sig.signatureBlob()));
    }
}
