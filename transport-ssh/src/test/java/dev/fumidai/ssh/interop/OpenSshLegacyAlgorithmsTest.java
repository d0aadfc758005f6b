// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.SshAlgorithms;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs OpenSSH 9.2 {@code sshd} configured to offer only one insecure legacy algorithm in its list, once per
 * legacy algorithm: our default configuration finds nothing in common and refuses, and a configuration with
 * {@code appendInsecureLegacyAlgorithms().forbidSha1(false)} negotiates it and gets {@code ssh-userauth}.
 */
@Tag("interop")
class OpenSshLegacyAlgorithmsTest {

    @TempDir
    Path dir;

    static Stream<String> legacy() {
        return InsecureLegacyTables.all().stream();
    }

    /** Returns the sshd_config lines that leave {@code name} the only choice of its kind. */
    static List<String> serverOffering(String name) {
        if (SshAlgorithms.InsecureLegacy.KEX.contains(name)) {
            return List.of("KexAlgorithms " + name);
        } else if (SshAlgorithms.InsecureLegacy.HOST_KEY.contains(name)) {
            return List.of("HostKeyAlgorithms " + name);
        } else if (SshAlgorithms.InsecureLegacy.CIPHERS.contains(name)) {
            return List.of("Ciphers " + name);
        }
        return List.of("Ciphers aes128-ctr", "MACs " + name);
    }

    @ParameterizedTest
    @MethodSource("legacy")
    void onlyTheOptInNegotiatesALegacyOnlyServer(String name) throws Exception {
        try (ExternalServer server = OpenSshInteropTest.startSshd(dir, serverOffering(name))) {
            try (SshTestClient client = new SshTestClient().connect("127.0.0.1", server.port,
                    SshTransportConfig.defaults(), OpenSshInteropTest.pinned())) {
                Exception e = assertThrows(Exception.class, client::awaitReady);
                assertTrue(e.getMessage().contains("no common"), e.getMessage());
            }
            // appendInsecureLegacyAlgorithms() appends CBC, so of the MACs only the encrypt-then-MAC one
            // (CVE-2008-5161): hmac-sha1 is named on its own, without CBC.
            SshTransportConfig legacy = name.equals(SshAlgorithms.InsecureLegacy.HMAC_SHA1)
                    ? SshTransportConfig.builder().allowInsecureLegacyAlgorithms().forbidSha1(false)
                            .macs(List.of(SshAlgorithms.Mac.HMAC_SHA2_256_ETM, name)).build()
                    : SshTransportConfig.builder().appendInsecureLegacyAlgorithms().forbidSha1(false).build();
            try (SshTestClient client = new SshTestClient().connect("127.0.0.1", server.port, legacy,
                    OpenSshInteropTest.pinned())) {
                SshTransportReadyEvent ready = client.awaitReady();
                assertEquals(List.of(name), ready.algorithms().legacyAlgorithms(), () -> "negotiated "
                        + ready.algorithms());
                assertTrue(ready.algorithms().strictKex());
                assertEquals(51, client.tryNoneAuth("nobody"), "USERAUTH_FAILURE");
            }
        }
    }
}
