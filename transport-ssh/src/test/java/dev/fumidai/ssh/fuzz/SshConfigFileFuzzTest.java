// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssh.config.SshConfig;
import dev.fumidai.ssh.config.SshConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Feeds arbitrary text to the ssh_config parser and resolver ({@link SshConfig#parse(String, Path)},
 * {@link SshConfig#resolveChain}). Contract: a configuration or {@link SshConfigException} (an
 * {@link IllegalArgumentException}), from parsing and from resolving two aliases; nothing is ever executed.
 *
 * <p>{@code Include} is fuzzed only with relative paths, which resolve in a private directory holding two small
 * files: an absolute or {@code ~} path would read this machine's files (and a device such as {@code /dev/zero}
 * would never end), which is the caller's configuration to choose, not a parser input.
 */
class SshConfigFileFuzzTest {

    static final Path BASE = baseDir();

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void parseAndResolve(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        if (text.toLowerCase(Locale.ROOT).contains("include") && (text.indexOf('/') >= 0 || text.indexOf('~') >= 0
                || text.indexOf('%') >= 0 || text.indexOf('$') >= 0)) {
            return;
        }
        try {
            SshConfig config = SshConfig.parse(text, BASE);
            config.resolveChain("a", "alice");
            config.resolveChain("bastion.example.com", "bob");
        } catch (SshConfigException e) {
            // the documented failure
        }
    }

    static Path baseDir() {
        try {
            Path dir = Files.createTempDirectory("fumidai-fuzz-ssh-config");
            dir.toFile().deleteOnExit();
            Files.writeString(dir.resolve("a.conf"), "Host a\n  HostName 127.0.0.1\n  Port 2222\n");
            Files.writeString(dir.resolve("b.conf"), "Host *\n  User carol\n  ProxyJump a\n");
            dir.resolve("a.conf").toFile().deleteOnExit();
            dir.resolve("b.conf").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
