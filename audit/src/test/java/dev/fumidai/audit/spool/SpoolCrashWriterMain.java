// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.spool;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.testing.SampleEvents;
import dev.fumidai.audit.testing.SwitchableSink;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs in a child JVM for {@link SpoolCrashTest}: spools events for a collector that is down, for ever, printing
 * each event id after {@code accept} returned. Args: spool dir.
 */
public final class SpoolCrashWriterMain {

    private SpoolCrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
        SwitchableSink down = new SwitchableSink();
        down.down(true);
        try (SpoolingAuditSink spool = SpoolingAuditSink.builder(Path.of(args[0]), down)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(50)).segmentBytes(20_000).build()) {
            for (long seq = 1; ; seq++) {
                Instant now = Instant.now();
                String id = EventHeader.newEventId(now);
                spool.accept(SampleEvents.forwardClose(new EventHeader(id, "jh-spool-crash", seq, now,
                        Actor.of("service:crash-test"), SampleEvents.ORIGIN, "s")));
                out.println(id);
                out.flush();
            }
        }
    }
}
