// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.testing.EchoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A chain of three embedded bastions: the route, the ssh_config alias, permit-open rules and the files. */
class EmbeddedBastionsTest {

    @Test
    void aChainOfThreeReachesOnlyWhatTheLastMayOpen() throws Exception {
        try (EchoServer echo = EchoServer.start(); EchoServer other = EchoServer.start();
                EmbeddedBastions b = EmbeddedBastions.builder().bastion("b1").bastion("b2")
                        .bastion("b3", "127.0.0.1:" + echo.port()).start()) {
            assertEquals(List.of("127.0.0.1:" + b.bastion("b2").port()), List.copyOf(b.bastion("b1").permitOpen()));
            assertEquals(6, Files.readAllLines(b.knownHosts()).size(), "two lines per bastion");
            Target target = Target.of("127.0.0.1", echo.port());
            try (JumpHost jh = JumpHost.builder().route(b.route()).actor("test").build()) {
                assertEquals("ping", roundTrip(jh, target));
                assertThrows(IOException.class, () -> roundTrip(jh, Target.of("127.0.0.1", other.port())));
            }
            assertEquals(1, b.bastion("b3").refusedCount(), "the last bastion refused the other target");
            assertEquals(0, other.accepted());

            // The first two bastions may not open the target themselves.
            try (JumpHost two = JumpHost.builder().route(Route.of(b.route().hops().subList(0, 2))).actor("test")
                    .build()) {
                assertThrows(IOException.class, () -> roundTrip(two, target));
            }
            assertEquals(1, b.bastion("b2").refusedCount());

            // The ssh_config alias of the last bastion is the whole chain.
            Route alias = Route.fromSshConfig(b.lastName(), b.sshConfig());
            assertEquals(3, alias.hops().size());
            try (JumpHost jh = JumpHost.builder().route(alias).actor("test").build()) {
                assertEquals("ping", roundTrip(jh, target));
            }
            assertEquals(2, echo.accepted());
        }
    }

    @Test
    void closeDeletesTheFiles() throws Exception {
        EmbeddedBastions b = EmbeddedBastions.builder().bastion("only").start();
        assertTrue(Files.exists(b.clientKey()) && Files.exists(b.sshConfig()));
        b.close();
        assertFalse(Files.exists(b.clientKey()) || Files.exists(b.knownHosts()) || Files.exists(b.sshConfig()));
        assertThrows(IllegalStateException.class, () -> EmbeddedBastions.builder().start());
    }

    private static String roundTrip(JumpHost jh, Target t) throws IOException {
        try (TunnelConnection c = jh.connect(t, Duration.ofSeconds(20))) {
            c.outputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            c.outputStream().flush();
            byte[] got = c.inputStream().readNBytes(4);
            if (got.length < 4) {
                throw new IOException("stream closed after " + got.length + " bytes");
            }
            return new String(got, StandardCharsets.US_ASCII);
        }
    }
}
