// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs {@code ssh-keygen -Y verify}, which reads the message on standard input. */
final class SshKeygenWithInput {

    private SshKeygenWithInput() {
    }

    static String verify(Path dir, String allowedSigners, String identity, String namespace, String signature,
            Path message) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ssh-keygen", "-Y", "verify", "-f", allowedSigners, "-I", identity, "-n",
                namespace, "-s", signature).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(message.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ssh-keygen -Y verify did not finish");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("ssh-keygen -Y verify exited " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
