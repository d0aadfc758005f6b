// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs OpenSSH's {@code ssh-keygen} for interop tests. A missing binary fails the test (it is tagged
 * {@code interop}; CI installs openssh-client), it is never skipped.
 */
public final class SshKeygen {

    private SshKeygen() {
    }

    /** Runs {@code ssh-keygen} with arguments in a directory and returns its standard output. */
    public static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("ssh-keygen");
        command.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "ssh-keygen", ".err");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice())).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ssh-keygen " + args + " did not finish in 60 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("ssh-keygen " + String.join(" ", args) + " exited " + p.exitValue() + ": "
                    + Files.readString(err));
        }
        Files.deleteIfExists(err);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Generates an unencrypted key pair {@code name} / {@code name.pub} with the given type options. */
    public static Path generate(Path dir, String name, String... typeOptions) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-q", "-N", "", "-C", name, "-f", name));
        args.addAll(List.of(typeOptions));
        run(dir, args.toArray(String[]::new));
        return dir.resolve(name);
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }
}
