// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.fuzz;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.json.AuditJsonEncoder;
import dev.fumidai.audit.json.ChainStamp;
import dev.fumidai.audit.json.Redaction;
import dev.fumidai.audit.testing.LogFixture;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the committed seed corpus of this package's fuzz targets with the project's own encoder and file sink:
 * {@code java -cp <test classpath> dev.fumidai.audit.fuzz.SeedCorpus} from the module directory, into
 * {@code src/test/resources/dev/fumidai/audit/fuzz/} ({@code <Class>Inputs/<method>/}, Jazzer's layout), with
 * the public key the checkpoints are signed with as {@code verifier-key.der}.
 */
public final class SeedCorpus {

    static final Path OUT = Path.of("src", "test", "resources", "dev", "fumidai", "audit", "fuzz");

    private SeedCorpus() {
    }

    static void write(String target, String name, byte[] data) throws IOException {
        Path dir = Files.createDirectories(OUT.resolve(target));
        Files.write(dir.resolve(name), data);
    }

    public static void main(String[] args) throws IOException {
        AuditJsonEncoder encoder = new AuditJsonEncoder(Redaction.keep());
        for (int type = 0; type <= 20; type++) {
            AuditEvent e = SampleEvents.sample(type, SampleEvents.header("jh-01", type + 1));
            write("AuditJsonDecoderFuzzTestInputs/decode", String.format("%02d-%s", type,
                    e.getClass().getSimpleName()), encoder.encode(e, ChainStamp.plain("jh-01", type + 1)));
        }
        Path tmp = Files.createTempDirectory("fumidai-seed-audit");
        LogFixture fx = new LogFixture(tmp);
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            events.add(i == 6 ? new AuditGap(SampleEvents.header("jh-01", i), "file-main", 2, 40, 41)
                    : SampleEvents.forwardClose(SampleEvents.header("jh-01", i)));
        }
        fx.write(events, 4, 1 << 20);
        write("AuditVerifierFuzzTestInputs/verify", "intact-10-events-checkpointed", joined(fx));
        List<LogFixture.Line> lines = fx.readLines();
        LogFixture.swapTexts(lines, 2, 3);
        fx.writeLines(lines);
        write("AuditVerifierFuzzTestInputs/verify", "reordered-3-4", joined(fx));
        Files.createDirectories(OUT);
        Files.write(OUT.resolve("verifier-key.der"), fx.keys.getPublic().getEncoded());
    }

    static byte[] joined(LogFixture fx) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Path p : fx.eventFiles()) {
            out.writeBytes(Files.readAllBytes(p));
        }
        out.write(0);
        for (Path p : fx.allFiles()) {
            if (!fx.eventFiles().contains(p)) {
                out.writeBytes(Files.readAllBytes(p));
            }
        }
        return out.toByteArray();
    }
}
