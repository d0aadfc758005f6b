// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;

/**
 * Runs in a child JVM for {@link CrashSafetyTest}: writes events with {@link Durability#FSYNC_EACH_EVENT} for ever
 * and prints each event id to stdout after {@code accept} returned. Args: event dir, checkpoint dir, PKCS#8 key
 * file, public key id, emitter id.
 */
public final class CrashWriterMain {

    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        PrivateKey key = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(Path.of(args[2]))));
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        try (FileAuditSink cps = FileAuditSink.builder(Path.of(args[1])).name("checkpoints").filePrefix("checkpoints")
                .checkpointInterval(null).build();
                FileAuditSink sink = FileAuditSink.builder(Path.of(args[0])).name("file-main")
                        .durability(Durability.FSYNC_EACH_EVENT).checkpoints(key, args[3], cps).checkpointEvery(7)
                        .checkpointInterval(null).rotateAfterBytes(40_000).build()) {
            for (long seq = 1; ; seq++) {
                Instant now = Instant.now();
                String id = EventHeader.newEventId(now);
                EventHeader h = new EventHeader(id, args[4], seq, now, Actor.of("service:crash-test"),
                        SampleEvents.ORIGIN, "s-crash");
                sink.accept(SampleEvents.forwardClose(h));
                out.println(id);
                out.flush();
            }
        }
    }
}
