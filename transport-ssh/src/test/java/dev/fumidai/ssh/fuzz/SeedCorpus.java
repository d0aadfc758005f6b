// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.fuzz;

import dev.fumidai.ssh.internal.connection.ChannelDataMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenFailureMessage;
import dev.fumidai.ssh.internal.connection.ChannelRequestMessage;
import dev.fumidai.ssh.internal.connection.ChannelWindowAdjustMessage;
import dev.fumidai.ssh.internal.connection.GlobalRequestMessage;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.ServiceRequestMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes the committed seed corpus of this package's fuzz targets from the project's own encoders and test
 * fixtures: {@code java -cp <test classpath> dev.fumidai.ssh.fuzz.SeedCorpus} from the module directory. The
 * files land where Jazzer's regression mode looks: {@code src/test/resources/dev/fumidai/ssh/fuzz/
 * <Class>Inputs/<method>/}. Inputs found by fuzzing are added there by hand, under a name saying what they found.
 */
public final class SeedCorpus {

    static final Path RESOURCES = Path.of("src", "test", "resources");
    static final Path OUT = RESOURCES.resolve("dev/fumidai/ssh/fuzz");

    private SeedCorpus() {
    }

    public static void main(String[] args) throws Exception {
        packets();
        messages();
        privateKeys();
        publicKeys();
        knownHosts();
        krls();
        sshConfigs();
    }

    static void write(String target, String name, byte[] data) throws IOException {
        Path dir = Files.createDirectories(OUT.resolve(target));
        Files.write(dir.resolve(name), data);
    }

    static byte[] encode(Consumer<ByteBuf> encoder) {
        ByteBuf b = Unpooled.buffer();
        encoder.accept(b);
        byte[] out = ByteBufUtil.getBytes(b);
        b.release();
        return out;
    }

    static List<byte[]> sampleMessages() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String kex : List.of("curve25519-sha256", "diffie-hellman-group-exchange-sha256", "ecdh-sha2-nistp256",
                "mlkem768x25519-sha256")) {
            for (String line : Files.readAllLines(RESOURCES.resolve("kat/kex/" + kex + ".kex"))) {
                String[] kv = line.split(" = ", 2);
                if (kv.length == 2 && kv[0].matches("(client|server)\\.(kexinit|\\d+)")) {
                    out.add(HexFormat.of().parseHex(kv[1].strip()));
                }
            }
        }
        out.add(encode(new ServiceRequestMessage("ssh-userauth")::encode));
        out.add(encode(new DisconnectMessage(DisconnectMessage.PROTOCOL_ERROR, "bye", "")::encode));
        out.add(encode(new ChannelDataMessage(7, "hello".getBytes(StandardCharsets.US_ASCII))::encode));
        out.add(encode(new ChannelWindowAdjustMessage(7, 2 * 1024 * 1024)::encode));
        out.add(encode(new ChannelOpenFailureMessage(7, 2, "administratively prohibited", "")::encode));
        out.add(encode(ChannelRequestMessage.exec(3, true, "uname -a")::encode));
        out.add(encode(ChannelRequestMessage.exitStatus(3, 42)::encode));
        out.add(encode(ChannelRequestMessage.exitSignal(3, "TERM", false, "killed", "")::encode));
        out.add(encode(new GlobalRequestMessage("keepalive@openssh.com", true, new byte[0])::encode));
        return out;
    }

    static void packets() throws Exception {
        List<byte[]> payloads = sampleMessages().subList(0, 6);
        for (int c = 0; c < SshPacketDecoderFuzzTest.CIPHERS.length; c++) {
            ByteBuf wire = SshPacketDecoderFuzzTest.encodeAll(c, payloads);
            byte[] w = ByteBufUtil.getBytes(wire);
            wire.release();
            for (int kind = 0; kind < 3; kind++) {
                byte[] input = new byte[w.length + 2];
                input[0] = (byte) (kind << 4 | c);
                input[1] = (byte) (kind == 0 ? 1 : kind == 1 ? 17 : 4); // reads of 65, 1089 or 257 bytes
                System.arraycopy(w, 0, input, 2, w.length);
                write("SshPacketDecoderFuzzTestInputs/decode",
                        SshPacketDecoderFuzzTest.CIPHERS[c][0].replace('@', '_') + "-" + kind, input);
            }
        }
    }

    static void messages() throws IOException {
        int i = 0;
        for (byte[] m : sampleMessages()) {
            write("SshMessageFuzzTestInputs/decodeEveryMessage", String.format("msg-%02d-type-%d", i++, m[0] & 0xff), m);
        }
    }

    static void privateKeys() throws IOException {
        try (Stream<Path> files = Files.list(RESOURCES.resolve("dev/fumidai/ssh/privkeys"))) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (!n.endsWith(".pub") && !n.endsWith(".sh") && !n.endsWith(".txt") && !n.endsWith(".der")) {
                    write("PrivateKeyFuzzTestInputs/parse", n, Files.readAllBytes(f));
                }
            }
        }
    }

    static void publicKeys() throws IOException {
        Path keys = RESOURCES.resolve("dev/fumidai/ssh/keys");
        for (String n : List.of("id_ed25519.pub", "id_rsa.pub", "id_ecdsa384.pub", "id_ecdsa521.pub",
                "id_ed25519-cert.pub", "host_rsa-cert.pub", "host_ecdsa256-cert.pub")) {
            write("PublicKeyFuzzTestInputs/parse", n + "-text", Files.readAllBytes(keys.resolve(n)));
            String[] parts = Files.readString(keys.resolve(n)).strip().split(" ");
            write("PublicKeyFuzzTestInputs/parse", n + "-blob", java.util.Base64.getDecoder().decode(parts[1]));
        }
    }

    static void knownHosts() throws IOException {
        Path keys = RESOURCES.resolve("dev/fumidai/ssh/keys");
        String ed = Files.readString(keys.resolve("host_ed25519.pub")).strip();
        String ca = Files.readString(keys.resolve("ca_ed25519.pub")).strip();
        String rsa = Files.readString(keys.resolve("host_rsa.pub")).strip();
        String text = "# comment\nexample.com,10.0.0.1 " + ed + "\n[127.0.0.1]:2222 " + rsa + "\n"
                + "@cert-authority *.example.com,!bad.example.com " + ca + "\n@revoked * " + rsa + "\n"
                + "*.ex?mple.org,*.*.*.*.*.*.example.net " + ed + "\n";
        write("KnownHostsFuzzTestInputs/parseAndMatch", "plain", text.getBytes(StandardCharsets.UTF_8));
        write("KnownHostsFuzzTestInputs/parseAndMatch", "hashed", Files.readAllBytes(keys.resolve("known_hosts_hashed")));
        write("KnownHostsFuzzTestInputs/parseAndMatch", "patterns",
                "*a*b*c*d*e*f*g*,!x*\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
                        .getBytes(StandardCharsets.UTF_8));
    }

    static void krls() throws IOException {
        Path keys = RESOURCES.resolve("dev/fumidai/ssh/keys");
        try (Stream<Path> files = Files.list(keys)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("krl_") && !n.endsWith(".txt")) {
                    write("KrlFuzzTestInputs/parse", n, Files.readAllBytes(f));
                }
            }
        }
        write("KrlFuzzTestInputs/parse", "text-list", (Files.readString(keys.resolve("host_ed25519.pub")) + "# c\n"
                + Files.readString(keys.resolve("id_rsa.pub"))).getBytes(StandardCharsets.UTF_8));
    }

    static void sshConfigs() throws IOException {
        try (Stream<Path> files = Files.walk(RESOURCES.resolve("ssh-config"))) {
            int i = 0;
            for (Path f : files.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".conf")).sorted().toList()) {
                String text = Files.readString(f);
                if (text.length() < 4096 && i < 24) {
                    write("SshConfigFileFuzzTestInputs/parseAndResolve", String.format("corpus-%02d", i++),
                            text.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        write("SshConfigFileFuzzTestInputs/parseAndResolve", "chain", ("Host a\n  HostName 127.0.0.1\n  Port 2222\n"
                + "  ProxyJump bastion.example.com\nHost bastion.example.com\n  User ops\n  RekeyLimit 1G 1h\n"
                + "Match host a exec \"true\"\n  User nobody\nInclude *.conf\nHost *\n  StrictHostKeyChecking yes\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
