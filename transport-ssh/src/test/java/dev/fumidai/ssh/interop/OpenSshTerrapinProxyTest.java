// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.SshAlgorithms;
import dev.fumidai.ssh.SshTransportConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Security-checklist R4 against OpenSSH 9.2, which offers strict kex: the Terrapin proxy's added IGNORE ends the
 * connection with a strict-kex error, for chacha20-poly1305 and for a CBC cipher with an encrypt-then-MAC MAC
 * (the two constructions Terrapin breaks without strict kex).
 */
@Tag("interop")
class OpenSshTerrapinProxyTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"chacha20-poly1305@openssh.com", "aes128-cbc"})
    void strictKexEndsTheConnection(String cipher) throws Exception {
        SshTransportConfig config = SshTransportConfig.builder().allowInsecureLegacyAlgorithms()
                .kexAlgorithms(List.of(SshAlgorithms.Kex.CURVE25519_SHA256)).ciphers(List.of(cipher))
                .macs(List.of(SshAlgorithms.Mac.HMAC_SHA2_256_ETM)).build();
        try (ExternalServer server = OpenSshInteropTest.startSshd(dir, List.of("Ciphers " + cipher));
                TerrapinProxy proxy = new TerrapinProxy(server.port);
                SshTestClient client = new SshTestClient().connect("127.0.0.1", proxy.port(), config,
                        OpenSshInteropTest.pinned())) {
            Exception e = assertThrows(Exception.class, client::awaitReady);
            assertTrue(proxy.injected());
            assertTrue(String.valueOf(e.getMessage()).contains("strict KEX violation: message 2"), e.toString());
        }
    }
}
