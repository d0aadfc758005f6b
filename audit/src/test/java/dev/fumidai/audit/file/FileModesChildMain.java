// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.spool.SpoolingAuditSink;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs in a child JVM started under a chosen umask for {@link AuditFileModesTest}: writes one event through a file
 * sink into {@code <root>/log/events} and one through a spool (whose sink is down, so the spool keeps it) into
 * {@code <root>/spool/q}; {@code args[1]} is the {@code groupReadable} setting.
 */
public final class FileModesChildMain {

    private FileModesChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        boolean group = Boolean.parseBoolean(args[1]);
        AuditEvent event = SampleEvents.forwardClose(SampleEvents.header("jh-umask", 1));
        try (FileAuditSink sink = FileAuditSink.builder(root.resolve("log/events")).groupReadable(group).build()) {
            sink.accept(event);
        }
        AuditSink down = new AuditSink() {
            @Override
            public String name() {
                return "down";
            }

            @Override
            public AuditPolicy policy() {
                return AuditPolicy.SPOOL;
            }

            @Override
            public void accept(AuditEvent e) throws IOException {
                throw new IOException("down");
            }

            @Override
            public void close() {
            }
        };
        SpoolingAuditSink spool = SpoolingAuditSink.builder(root.resolve("spool/q"), down).groupReadable(group)
                .build();
        spool.accept(event);
        spool.close(Duration.ofMillis(50));
        System.out.println("WRITTEN");
    }
}
