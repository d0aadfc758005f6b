// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fumidai.testing.EchoServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopOwnershipTest {

    @Test
    void aBorrowedGroupIsUsedAndLeftRunning() throws Exception {
        EventLoopGroup mine = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (EchoServer echo = EchoServer.start()) {
            JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:borrow").eventLoopGroup(mine).build();
            try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), Duration.ofSeconds(10))) {
                c.outputStream().write(5);
                assertEquals(5, c.inputStream().read(), "works on the borrowed NIO group");
            }
            jh.close();
            assertFalse(mine.isShuttingDown(), "the caller's group is not shut down by the JumpHost");
        } finally {
            mine.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
