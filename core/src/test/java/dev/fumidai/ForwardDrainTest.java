// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.testing.EchoServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ForwardDrainTest {

    @Test
    void drainLetsActiveConnectionsFinishAndCloseClosesThem() throws Exception {
        try (EchoServer echo = EchoServer.start();
                JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:drain").build()) {
            LocalForward draining = jh.forward(Target.of("127.0.0.1", echo.port()), ForwardOptions.builder()
                    .onClose(ForwardOptions.OnClose.DRAIN).drainTimeout(Duration.ofSeconds(10)).build());
            try (Socket s = new Socket("127.0.0.1", draining.localPort())) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(1);
                assertEquals(1, in.read());
                Thread closer = new Thread(draining::close);
                closer.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (draining.isOpen() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertTrue(!draining.isOpen(), "no longer accepting");
                out.write(2);
                assertEquals(2, in.read(), "the active connection still works while the forward drains");
                s.shutdownOutput();
                assertEquals(-1, in.read());
                closer.join(10_000);
                assertTrue(!closer.isAlive(), "close returned once the connection finished");
            }
            LocalForward closing = jh.forward(Target.of("127.0.0.1", echo.port()));
            try (Socket s = new Socket("127.0.0.1", closing.localPort())) {
                s.getOutputStream().write(3);
                assertEquals(3, s.getInputStream().read());
                closing.close();
                assertEquals(-1, s.getInputStream().read(), "CLOSE ends active connections");
            }
        }
    }
}
