// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that {@code fumidai -W} works as OpenSSH's {@code ProxyCommand}: the real {@code ssh} client reaches
 * bastion-2 (an embedded MINA server reachable only through bastion-1) through the launcher script, authenticates
 * there with a key made by {@code ssh-keygen}, and pipes a line to the private service with its own {@code -W}.
 */
@Tag("interop")
class OpenSshProxyCommandIT {

    private static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " finished");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static String quote(Path p) {
        String s = p.toAbsolutePath().toString();
        assertTrue(s.indexOf('\'') < 0, s);
        return "'" + s + "'";
    }

    @Test
    void opensshConnectsThroughTheCliAsItsProxyCommand(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("id_ecdsa");
        run(dir, "ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "fumidai-it", "-f", key.toString());
        String pem = run(dir, "ssh-keygen", "-e", "-m", "PKCS8", "-f", key + ".pub");
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PublicKey userKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                Base64.getDecoder().decode(b64)));

        try (ServerSocket service = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                EmbeddedBastion b2 = new EmbeddedBastion("bastion-2", userKey,
                        Set.of("127.0.0.1:" + service.getLocalPort()));
                EmbeddedBastion b1 = new EmbeddedBastion("bastion-1", userKey, Set.of("127.0.0.1:" + b2.port()))) {
            Thread t = new Thread(() -> upperCaseOne(service), "it-service");
            t.setDaemon(true);
            t.start();
            Path cliKnownHosts = Files.write(dir.resolve("cli_known_hosts"),
                    List.of(b1.aliasKnownHostsLine()));
            Path sshKnownHosts = Files.write(dir.resolve("ssh_known_hosts"),
                    List.of(b2.knownHostsLine().replace("[bastion-2]", "[127.0.0.1]")));
            Path cliConfig = Files.writeString(dir.resolve("cli_config"), String.join("\n",
                    "Host bastion-1", "  HostName 127.0.0.1", "  Port " + b1.port(), "  User ops",
                    "  HostKeyAlias bastion-1", "  IdentityAgent none", ""));
            Path audit = dir.resolve("audit");
            String proxy = quote(Path.of("bin", "fumidai")) + " -F " + quote(cliConfig) + " --known-hosts "
                    + quote(cliKnownHosts) + " -i " + quote(key) + " --audit-file " + quote(audit)
                    + " --actor ci:openssh-it -J bastion-1 -W %h:%p";
            List<String> ssh = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes",
                    "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + sshKnownHosts,
                    "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                    "-o", "ProxyCommand=" + proxy, "-i", key.toString(), "-p", Integer.toString(b2.port()),
                    "-W", "127.0.0.1:" + service.getLocalPort(), "ops@127.0.0.1"));
            ProcessBuilder pb = new ProcessBuilder(ssh);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            p.getOutputStream().write("hello via openssh\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ssh finished");
            String stderr = err.get(10, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), stderr);
            assertEquals("HELLO VIA OPENSSH\n", out, stderr);

            // The audit log of the ProxyCommand shows the stream it carried: to bastion-2's port, as ci:openssh-it.
            String log;
            try (var files = Files.list(audit)) {
                List<String> all = new ArrayList<>();
                for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                    all.add(Files.readString(f));
                }
                log = String.join("\n", all);
            }
            assertTrue(log.contains("\"forward.open\"") && log.contains("ci:openssh-it")
                    && log.contains(Integer.toString(b2.port())), log);
        }
    }

    private static void upperCaseOne(ServerSocket server) {
        try (Socket s = server.accept();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line.toUpperCase(Locale.ROOT));
            }
        } catch (IOException e) {
            // The server closed at the end of the test.
        }
    }
}
