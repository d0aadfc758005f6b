// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Runs in a child JVM for {@link TrustOnFirstUseVerifierTest}: waits for a start file, then verifies (and
 * records) hosts with trust-on-first-use. Arguments: known_hosts path, start-file path, key text, host names.
 */
public final class TofuWriterProcess {

    private TofuWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path start = Path.of(args[1]);
        String[] keyWords = args[2].split(" ");
        byte[] blob = Base64.getDecoder().decode(keyWords[1]);
        SshPublicKeys.parse(blob);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!java.nio.file.Files.exists(start)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("start file never appeared");
            }
            Thread.onSpinWait();
        }
        TrustOnFirstUseVerifier v = TrustOnFirstUseVerifier.acceptNewAndRecord(file);
        for (int i = 3; i < args.length; i++) {
            HostKeyVerdict verdict = v.verify(new HostKeyCheck(args[i], 22, keyWords[0], blob));
            System.out.println(args[i] + " " + verdict.verifiedBy() + " " + verdict.recorded());
        }
    }
}
