// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feeds seeded random configurations: parsing and resolving either succeed or throw SshConfigException. */
class SshConfigFuzzTest {

    private static final List<String> WORDS = List.of("Host", "Match", "Include", "HostName", "Port", "User",
            "IdentityFile", "ProxyJump", "ProxyCommand", "KexAlgorithms", "Ciphers", "RekeyLimit", "ConnectTimeout",
            "ServerAliveInterval", "StrictHostKeyChecking", "UserKnownHostsFile", "all", "final", "canonical",
            "host", "user", "!", "*", "?", "%h", "%%", "%", "\"", "'", "=", "#", "a", "b", "-x", "+aes", "^x",
            "1G", "1h", "[::1]:22", "u@h:22", ",", "\\", "none", "\u0000", "$(id)", "~/", "..", "x.conf");

    @TempDir
    Path dir;

    @Test
    void neverFailsWithAnythingButSshConfigException() {
        Random random = new Random(4242);
        int resolved = 0;
        for (int round = 0; round < 3000; round++) {
            StringBuilder sb = new StringBuilder();
            int lines = 1 + random.nextInt(8);
            for (int l = 0; l < lines; l++) {
                int words = 1 + random.nextInt(5);
                for (int w = 0; w < words; w++) {
                    sb.append(WORDS.get(random.nextInt(WORDS.size())));
                    sb.append(random.nextInt(3) == 0 ? "" : " ");
                }
                sb.append('\n');
            }
            try {
                SshConfig c = SshConfig.parse(sb.toString(), dir);
                c.resolveChain(random.nextBoolean() ? "a" : "b", "alice");
                resolved++;
            } catch (SshConfigException expected) {
                // refused with a message: fine
            } catch (RuntimeException e) {
                throw new AssertionError("unexpected " + e + " for:\n" + sb, e);
            }
        }
        assertTrue(resolved > 100, "too few configs resolved: " + resolved);
    }
}
