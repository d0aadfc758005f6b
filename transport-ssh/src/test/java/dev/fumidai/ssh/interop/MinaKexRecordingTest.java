// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Records (or re-checks) the key exchange OpenSSH 9.2 lacks, mlkem768x25519-sha256, against Apache MINA SSHD
 * 2.20 in-JVM. MINA's hybrid kex and exchange-hash code is an implementation independent of ours; the ML-KEM
 * primitive is Bouncy Castle's on both sides.
 */
class MinaKexRecordingTest {

    static SshServer server;

    @BeforeAll
    static void start() throws Exception {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(List.of(MinaInteropTest.generate("Ed25519", null))));
        server.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                new ArrayList<>(BuiltinDHFactories.VALUES), ServerBuilder.DH2KEX));
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop(true);
    }

    static Stream<String> minaKex() {
        return Stream.of(KexAlgorithms.MLKEM768_X25519_SHA256);
    }

    @ParameterizedTest
    @MethodSource("minaKex")
    void recordsAnExchangeTheServerSigned(String kex) throws Exception {
        int port = ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
        KexRecordingSupport.recordOrCheck(kex, port, "Apache MINA SSHD 2.20.0 in-JVM (Bouncy Castle ML-KEM/sntrup761)");
    }
}
