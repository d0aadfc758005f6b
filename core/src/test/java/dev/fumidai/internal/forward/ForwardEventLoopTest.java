// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.testing.EchoServer;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwardEventLoopTest {

    @Test
    void eachAcceptedSocketIsRegisteredOnTheLastTunnelStreamsLoop() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (EchoServer echo = EchoServer.start();
                JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:loops").threads(3).build()) {
            LocalForwardImpl fwd = (LocalForwardImpl) jh.forward(Target.of("127.0.0.1", echo.port()));
            Channel lastStream = null;
            Set<Channel> seenStreams = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                Socket s = new Socket("127.0.0.1", fwd.localPort());
                clients.add(s);
                s.getOutputStream().write(i);
                assertEquals(i, s.getInputStream().read(), "connection " + i + " is relayed");
                Channel accepted = channelWithRemotePort(fwd, s.getLocalPort());
                assertNotNull(accepted, "accepted socket " + i + " is active");
                if (lastStream != null) {
                    assertSame(lastStream.eventLoop(), accepted.eventLoop(),
                            "accepted socket " + i + " shares the previous tunnel stream's event loop");
                }
                lastStream = newStream(fwd, echo.port(), seenStreams);
                assertEquals(clients.size(), seenStreams.size(), "one tunnel stream per connection");
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    private static Channel channelWithRemotePort(LocalForwardImpl fwd, int port) {
        for (Channel c : fwd.activeChannels()) {
            if (c.remoteAddress() instanceof InetSocketAddress a && a.getPort() == port) {
                return c;
            }
        }
        return null;
    }

    /** Returns the one tunnel stream to the target not in {@code seen}, and adds it there. */
    private static Channel newStream(LocalForwardImpl fwd, int targetPort, Set<Channel> seen) {
        Channel found = null;
        for (Channel c : fwd.activeChannels()) {
            if (c.remoteAddress() instanceof InetSocketAddress a && a.getPort() == targetPort && !seen.contains(c)) {
                assertEquals(null, found, "exactly one new tunnel stream");
                found = c;
            }
        }
        assertNotNull(found, "a new tunnel stream is active");
        seen.add(found);
        return found;
    }
}
