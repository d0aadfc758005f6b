// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerdict;
import dev.fumidai.ssh.HostKeyVerificationException;
import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.message.IgnoreMessage;
import dev.fumidai.ssh.internal.transport.PipelineNames;
import dev.fumidai.ssh.internal.transport.SshPacketCodec;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs our client transport against the system's OpenSSH {@code sshd} on 127.0.0.1: one handshake per
 * algorithm both support (from {@code ssh -Q}), each ending with {@code ssh-userauth} accepted and a
 * {@code none} authentication answered; and a rekey test with a tiny {@code RekeyLimit}.
 *
 * <p>sshd needs its privilege-separation directory {@code /run/sshd}. When it is missing and we are root, the
 * server runs under {@code unshare -m} with a private tmpfs on {@code /run}, so the host is not touched.
 */
@Tag("interop")
class OpenSshInteropTest {

    static final String SSHD = "/usr/sbin/sshd";
    @TempDir
    static Path dir;
    static ExternalServer server;
    static Set<String> hostKeys = new HashSet<>();

    static ExternalServer startSshd(Path dir, List<String> extraConfig) throws Exception {
        ExternalServer.requireExecutable(SSHD);
        List<String> config = new ArrayList<>(List.of("ListenAddress 127.0.0.1", "UsePAM no", "StrictModes no",
                "PidFile none", "LogLevel DEBUG1", "AuthenticationMethods publickey"));
        for (String t : List.of("ed25519", "ecdsa", "rsa")) {
            Path key = dir.resolve("ssh_host_" + t + "_key");
            if (!Files.exists(key)) {
                ExternalServer.run(dir, "ssh-keygen", "-q", "-t", t, "-N", "", "-f", key.toString());
            }
            config.add("HostKey " + key);
            hostKeys.add(SshPublicKeys.parseText(Files.readString(dir.resolve(key.getFileName() + ".pub")))
                    .fingerprint());
        }
        config.addAll(extraConfig);
        Path cfg = dir.resolve("sshd_config_" + System.nanoTime());
        Files.writeString(cfg, String.join("\n", config) + "\n");
        ExternalServer.run(dir, sshdCommand(SSHD + " -t -f " + cfg).toArray(String[]::new));
        int port = ExternalServer.freePort();
        return ExternalServer.start(dir, port, "Server listening",
                sshdCommand(SSHD + " -D -e -f " + cfg + " -p " + port));
    }

    /** Runs sshd directly, or under {@code unshare -m} with a private /run when /run/sshd is missing. */
    static List<String> sshdCommand(String command) {
        if (!Files.isDirectory(Path.of("/run/sshd")) && "root".equals(System.getProperty("user.name"))) {
            return List.of("unshare", "-m", "sh", "-c",
                    "mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec " + command);
        }
        return List.of(command.split(" "));
    }

    @BeforeAll
    static void start() throws Exception {
        server = startSshd(dir, List.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

    static HostKeyVerifier pinned() {
        return check -> {
            String fp = SshPublicKeys.fingerprint(check.hostKeyBlob());
            if (!hostKeys.contains(fp)) {
                throw new HostKeyVerificationException(HostKeyVerificationException.Kind.UNKNOWN, "not pinned " + fp);
            }
            return new HostKeyVerdict(VerifiedBy.PINNED, fp, false);
        };
    }

    static Set<String> query(String what) throws Exception {
        Process p = new ProcessBuilder("ssh", "-Q", what).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        p.waitFor(10, TimeUnit.SECONDS);
        return Set.of(out.split("\\s+"));
    }

    static void handshake(int port, SshTransportConfig config) throws Exception {
        try (SshTestClient client = new SshTestClient().connect("127.0.0.1", port, config, pinned())) {
            SshTransportReadyEvent ready = client.awaitReady();
            assertTrue(ready.algorithms().strictKex(), "OpenSSH 9.2 supports strict kex");
            assertEquals(config.kexAlgorithms().get(0), ready.algorithms().kex());
            assertEquals(config.ciphers().get(0), ready.algorithms().cipherClientToServer());
            assertEquals(config.hostKeyAlgorithms().get(0), ready.hostKeyAlgorithm());
            assertEquals(51, client.tryNoneAuth("nobody"), "USERAUTH_FAILURE");
        }
    }

    static Stream<String> kexAlgorithms() throws Exception {
        Set<String> theirs = query("kex");
        return KexAlgorithms.DEFAULT.stream().filter(theirs::contains);
    }

    @ParameterizedTest
    @MethodSource("kexAlgorithms")
    void everyKeyExchange(String kex) throws Exception {
        handshake(server.port, SshTransportConfig.builder().kexAlgorithms(List.of(kex))
                .ciphers(List.of(CipherAlgorithms.CHACHA20_POLY1305)).hostKeyAlgorithms(List.of(KeyAlgorithms.SSH_ED25519))
                .build());
    }

    static Stream<List<String>> cipherAndMac() throws Exception {
        Set<String> ciphers = query("cipher");
        List<List<String>> list = new ArrayList<>();
        for (String c : CipherAlgorithms.DEFAULT_CIPHERS) {
            if (!ciphers.contains(c)) {
                continue;
            }
            if (CipherAlgorithms.cipher(c).orElseThrow().aead()) {
                list.add(List.of(c, CipherAlgorithms.HMAC_SHA2_256));
            } else {
                CipherAlgorithms.SUPPORTED_MACS.forEach(m -> list.add(List.of(c, m)));
            }
        }
        return list.stream();
    }

    @ParameterizedTest
    @MethodSource("cipherAndMac")
    void everyCipherAndMac(List<String> cipherAndMac) throws Exception {
        handshake(server.port, SshTransportConfig.builder().kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256))
                .ciphers(List.of(cipherAndMac.get(0))).macs(List.of(cipherAndMac.get(1)))
                .hostKeyAlgorithms(List.of(KeyAlgorithms.SSH_ED25519)).build());
    }

    static Stream<String> hostKeyAlgorithms() {
        return Stream.of(KeyAlgorithms.SSH_ED25519, KeyAlgorithms.ECDSA_NISTP256, KeyAlgorithms.RSA_SHA2_512,
                KeyAlgorithms.RSA_SHA2_256);
    }

    @ParameterizedTest
    @MethodSource("hostKeyAlgorithms")
    void everyHostKeyAlgorithm(String alg) throws Exception {
        handshake(server.port, SshTransportConfig.builder().kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256))
                .ciphers(List.of(CipherAlgorithms.AES128_GCM)).hostKeyAlgorithms(List.of(alg)).build());
    }

    /**
     * Sends thousands of SSH_MSG_IGNORE packets through a server with {@code RekeyLimit 1K} and a client with a
     * 4 KiB byte limit, so both sides start key re-exchanges while writes flow. With strict kex every NEWKEYS
     * resets the sequence numbers; a mistake there would be a MAC error on the next packet.
     */
    @Test
    void rekeysAtLeastTenTimesWhilePacketsFlow(@TempDir Path rekeyDir) throws Exception {
        java.security.KeyPair userKey = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path authorized = rekeyDir.resolve("authorized_keys");
        Files.writeString(authorized, dev.fumidai.ssh.internal.keys.SshPublicKeys.toText(
                dev.fumidai.ssh.internal.keys.SshPublicKeys.fromJavaKey(userKey.getPublic())) + "\n");
        String user = System.getProperty("user.name");
        // OpenSSH rekeys only after authentication, so the test authenticates by hand with a public key.
        try (ExternalServer rekeying = startSshd(rekeyDir, List.of("RekeyLimit 1K", "LoginGraceTime 20",
                "AuthorizedKeysFile " + authorized, "PermitRootLogin prohibit-password"))) {
            SshTransportConfig config = SshTransportConfig.builder().rekeyBytes(4096)
                    .kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256)).build();
            try (SshTestClient client = new SshTestClient().connect("127.0.0.1", rekeying.port, config, pinned())) {
                SshTransportReadyEvent ready = client.awaitReady();
                assertEquals(52, client.authenticateEd25519(user, userKey, ready.sessionId()),
                        () -> "USERAUTH_SUCCESS expected; server log:\n" + tail(rekeying.logText()));
                List<ChannelFuture> writes = new ArrayList<>();
                long sent = 0;
                for (int i = 0; i < 3000; i++) {
                    ByteBuf b = Unpooled.buffer();
                    new IgnoreMessage(new byte[64]).encode(b);
                    writes.add(client.channel.write(b));
                    sent++;
                    if (i % 50 == 0) {
                        client.channel.flush();
                        writes.get(writes.size() - 1).await(10, TimeUnit.SECONDS);
                    }
                }
                client.channel.flush();
                for (ChannelFuture f : writes) {
                    assertTrue(f.await(30, TimeUnit.SECONDS), "write done");
                    assertTrue(f.isSuccess(), () -> "write failed: " + f.cause() + "\nserver log:\n"
                            + tail(rekeying.logText()));
                }
                // RFC 4254 §4: an unknown global request with want-reply gets REQUEST_FAILURE (82).
                ByteBuf ping = Unpooled.buffer();
                ping.writeByte(80);
                dev.fumidai.ssh.internal.message.SshWire.writeString(ping, "keepalive@openssh.com");
                ping.writeByte(1);
                client.channel.writeAndFlush(ping);
                Object answer;
                do {
                    // OpenSSH sends its hostkeys-00@openssh.com global request (80) after authentication.
                    answer = client.received.poll(30, TimeUnit.SECONDS);
                } while (Integer.valueOf(80).equals(answer));
                assertEquals(82, answer, "connection alive after rekeys");
                assertTrue(rekeying.logText().contains("resetting send seqnr"), "server reset its sequence numbers");
                int rekeys = client.channel.eventLoop().submit(() -> client.transport().completedKeyExchanges())
                        .get(5, TimeUnit.SECONDS) - 1;
                assertTrue(rekeys >= 10, "rekeys: " + rekeys);
                SshPacketCodec codec = (SshPacketCodec) client.channel.pipeline().get(PipelineNames.PACKET_CODEC);
                long seq = client.channel.eventLoop().submit(codec::outboundSequence).get(5, TimeUnit.SECONDS);
                assertTrue(seq < sent, "strict kex reset the outbound sequence number (now " + seq + ")");
            }
        }
    }

    @Test
    void keyExchangeGuessesRightAndWrongConnect() throws Exception {
        KexGuessChecks.rightAndWrongGuessesConnect(server.port, pinned(), true);
    }
}
