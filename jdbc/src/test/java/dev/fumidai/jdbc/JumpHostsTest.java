// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.testing.EchoServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry and the factory without a database: names, errors, sharing, and a stream to an echo server. */
class JumpHostsTest {

    @AfterEach
    void clean() {
        JumpHosts.registeredNames().forEach(JumpHosts::unregister);
        JumpHosts.closeAll();
        System.clearProperty(JumpHosts.DEFAULT_ROUTE_PROPERTY);
        System.clearProperty(JumpHosts.SSH_CONFIG_PROPERTY);
    }

    @Test
    void anUnknownNameFailsListingTheRegisteredOnes() throws Exception {
        Path emptyConfig = Files.createTempFile("fumidai-ssh-config", "");
        System.setProperty(JumpHosts.SSH_CONFIG_PROPERTY, emptyConfig.toString());
        try (JumpHost a = direct(); JumpHost b = direct()) {
            JumpHosts.register("prod", a);
            JumpHosts.register("staging", b);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new FumidaiSocketFactory("qa"));
            assertTrue(e.getMessage().contains("\"qa\"") && e.getMessage().contains("[prod, staging]"),
                    e.getMessage());
        } finally {
            Files.deleteIfExists(emptyConfig);
        }
    }

    @Test
    void aNameCanBeRegisteredOnceAndUnregistered() {
        try (JumpHost a = direct()) {
            JumpHosts.register("prod", a);
            assertThrows(IllegalArgumentException.class, () -> JumpHosts.register("prod", a));
            assertThrows(IllegalArgumentException.class, () -> JumpHosts.register("ssh://x", a));
            assertSame(a, JumpHosts.resolve("prod"));
            assertTrue(JumpHosts.unregister("prod"));
            assertFalse(JumpHosts.unregister("prod"));
            assertEquals(java.util.List.of(), JumpHosts.registeredNames());
        }
    }

    @Test
    void withoutAnArgumentTheFactoryUsesThePropertyOrTheOnlyRegisteredName() {
        assertTrue(assertThrows(IllegalArgumentException.class, FumidaiSocketFactory::new).getMessage()
                .contains("no JumpHost is registered"));
        try (JumpHost a = direct(); JumpHost b = direct()) {
            JumpHosts.register("only", a);
            assertEquals("only", new FumidaiSocketFactory().name());
            JumpHosts.register("second", b);
            assertTrue(assertThrows(IllegalArgumentException.class, FumidaiSocketFactory::new).getMessage()
                    .contains("[only, second]"));
            System.setProperty(JumpHosts.DEFAULT_ROUTE_PROPERTY, "second");
            assertEquals("second", new FumidaiSocketFactory().name());
        }
    }

    @Test
    void thePropertiesConstructorPrefersFumidaiRouteOverSocketFactoryArg() {
        try (JumpHost a = direct(); JumpHost b = direct()) {
            JumpHosts.register("a", a);
            JumpHosts.register("b", b);
            Properties p = new Properties();
            p.setProperty("socketFactoryArg", "a");
            assertEquals("a", new FumidaiSocketFactory(p).name());
            p.setProperty(FumidaiSocketFactory.ROUTE_PROPERTY, "b");
            assertEquals("b", new FumidaiSocketFactory(p).name());
        }
    }

    @Test
    void aRouteStringIsBuiltOnceSharedAndRebuiltAfterCloseAll() throws Exception {
        // Building connects nothing: hop sessions open on first use, so no SSH server is needed here.
        JumpHost first = JumpHosts.resolve("ssh://ops@127.0.0.1:1");
        assertSame(first, JumpHosts.resolve(" ssh://ops@127.0.0.1:1 "));
        assertEquals(1, first.route().hops().size());
        JumpHosts.closeAll();
        assertNotSame(first, JumpHosts.resolve("ssh://ops@127.0.0.1:1"));
    }

    @Test
    void socketsConnectToTheUrlsHostAndPortThroughTheNamedJumpHost() throws Exception {
        try (EchoServer echo = EchoServer.start(); JumpHost jh = direct()) {
            JumpHosts.register("echo", jh);
            try (Socket s = new FumidaiSocketFactory("echo").createSocket("127.0.0.1", echo.port())) {
                OutputStream out = s.getOutputStream();
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                assertEquals("hello", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
            }
            assertEquals(1, echo.accepted());
        }
    }

    private static JumpHost direct() {
        return JumpHost.builder().route(Route.direct()).actor("test").threads(1).build();
    }
}
