// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import dev.fumidai.audit.file.FileAuditSink;
import dev.fumidai.audit.testing.SampleEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs in a child JVM with a small heap for {@link LargeLogTest}: {@code verify <file>...} prints one line per
 * finding ({@code KIND line detail}); {@code resume <dir> <seq>} opens a file sink on {@code dir}, writes the sample
 * forward.close of emitter {@code jh-01} with that seq and closes it.
 */
public final class BoundedMemoryMain {

    private BoundedMemoryMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("verify")) {
            List<Path> files = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                files.add(Path.of(args[i]));
            }
            VerificationReport report = AuditLogVerifier.verify(files, List.of());
            for (Finding f : report.findings()) {
                System.out.println(f.kind() + " " + f.line() + " " + f.detail());
            }
            for (VerificationReport.StreamSummary s : report.streams()) {
                System.out.println("STREAM " + s.streamId() + " " + s.lastSeq());
            }
        } else {
            try (FileAuditSink sink = FileAuditSink.builder(Path.of(args[1])).build()) {
                long seq = Long.parseLong(args[2]);
                sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", seq)));
            }
            System.out.println("RESUMED");
        }
    }
}
