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
            JumpHost jh = dev.fumidai.spi.NettyOptions.eventLoopGroup(
                    JumpHost.builder().route(Route.direct()).actor("test:borrow"), mine).build();
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

    @Test
    void anEventLoopExecutorSuppliesTheLoopThreadsAndIsLeftRunning() throws Exception {
        java.util.concurrent.ThreadPoolExecutor pool = (java.util.concurrent.ThreadPoolExecutor)
                java.util.concurrent.Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "app-loop");
                    t.setDaemon(true);
                    return t;
                });
        try (EchoServer echo = EchoServer.start()) {
            JumpHost jh = JumpHost.builder().route(Route.direct()).actor("test:executor").threads(2)
                    .eventLoopExecutor(pool).build();
            try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), Duration.ofSeconds(10))) {
                c.outputStream().write(7);
                assertEquals(7, c.inputStream().read(), "works on loops the executor runs");
            }
            org.junit.jupiter.api.Assertions.assertTrue(pool.getActiveCount() >= 1,
                    "the executor runs the event loops: " + pool);
            jh.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pool.getActiveCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, pool.getActiveCount(), "close() ends the loops and so gives the threads back");
            assertFalse(pool.isShutdown(), "the caller's executor is not shut down by the JumpHost");
        } finally {
            pool.shutdownNow();
        }
    }
}
