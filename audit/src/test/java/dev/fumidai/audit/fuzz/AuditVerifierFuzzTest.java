// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.audit.verify.AuditLogVerifier;
import dev.fumidai.audit.verify.VerificationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds arbitrary log files to {@link AuditLogVerifier#verify}: the input up to its first NUL byte is an event
 * segment, the rest a checkpoint file; checkpoints are checked against the Ed25519 key the seed corpus was signed
 * with ({@code verifier-key.der}). Contract: whatever the files hold, the verifier reports findings (an
 * {@link IOException} only when a file cannot be read, which these always can): no other exception, no hang.
 */
class AuditVerifierFuzzTest {

    static final PublicKey KEY = key();
    static final Path DIR = dir();

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void verify(byte[] input) throws IOException {
        int nul = 0;
        while (nul < input.length && input[nul] != 0) {
            nul++;
        }
        Path events = DIR.resolve("events-fuzz.jsonl");
        Path checkpoints = DIR.resolve("checkpoints-fuzz.jsonl");
        Files.write(events, Arrays.copyOf(input, nul));
        Files.write(checkpoints, nul < input.length ? Arrays.copyOfRange(input, nul + 1, input.length) : new byte[0]);
        VerificationReport report = AuditLogVerifier.verify(List.of(events, checkpoints), List.of(KEY));
        assertNotNull(report.findings());
        report.intact();
    }

    static PublicKey key() {
        try (InputStream in = AuditVerifierFuzzTest.class.getResourceAsStream("verifier-key.der")) {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(in.readAllBytes()));
        } catch (Exception e) {
            throw new IllegalStateException("verifier-key.der (written by SeedCorpus)", e);
        }
    }

    static Path dir() {
        try {
            Path d = Files.createTempDirectory("fumidai-fuzz-verifier");
            d.toFile().deleteOnExit();
            d.resolve("events-fuzz.jsonl").toFile().deleteOnExit();
            d.resolve("checkpoints-fuzz.jsonl").toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
