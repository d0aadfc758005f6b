// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Records (or re-checks) one client key exchange per kex method with the system OpenSSH {@code sshd}, for the
 * offline known-answer replay in {@code RecordedKexReplayTest}. Debian's OpenSSH 9.2 has every default method
 * except mlkem768x25519-sha256 (OpenSSH 9.9); MINA records that one. The opt-in legacy SHA-1 methods are
 * recorded too.
 */
@Tag("interop")
class OpenSshKexRecordingTest {

    @TempDir
    static Path dir;
    static ExternalServer server;

    @BeforeAll
    static void start() throws Exception {
        server = OpenSshInteropTest.startSshd(dir, List.of("HostKeyAlgorithms ssh-ed25519",
                "KexAlgorithms " + String.join(",", openSshKex().toList())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static Stream<String> openSshKex() {
        return Stream.concat(KexAlgorithms.DEFAULT.stream(), KexAlgorithms.LEGACY.stream())
                .filter(k -> !k.equals(KexAlgorithms.MLKEM768_X25519_SHA256));
    }

    @ParameterizedTest
    @MethodSource("openSshKex")
    void recordsAnExchangeTheServerSigned(String kex) throws Exception {
        KexRecordingSupport.recordOrCheck(kex, server.port, "OpenSSH sshd (" + System.getProperty("os.name")
                + ", the system's sshd from openssh-server)");
    }
}
