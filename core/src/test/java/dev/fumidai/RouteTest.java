// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTest {

    @Test
    void directAndEmptyParseAreTheSame() {
        assertTrue(Route.direct().isDirect());
        assertSame(Route.direct(), Route.parse("  "));
        assertEquals("direct", Route.direct().toString());
    }

    @Test
    void unknownSchemeNamesItAndTheTransportsFound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Route.parse("gopher://bastion:70"));
        assertTrue(e.getMessage().contains("\"gopher\""), e.getMessage());
    }

    @Test
    void malformedHopsAreRejectedWithThePart() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Route.parse("ssh://a,,ssh://b"))
                .getMessage().contains("empty hop"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Route.parse("ssh://a b"))
                .getMessage().contains("not a URI"));
    }

    @Test
    void aHopTwiceIsALoop() {
        CommandHop a = CommandHop.of("nc", "%h", "%p").named("a");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Route.of(a, a));
        assertTrue(e.getMessage().contains("loops"), e.getMessage());
    }

    @Test
    void routesAreBoundedInLength() {
        List<CommandHop> hops = new ArrayList<>();
        for (int i = 0; i <= Route.MAX_HOPS; i++) {
            hops.add(CommandHop.of("nc", "%h", "%p").named("h" + i));
        }
        assertEquals(Route.MAX_HOPS, Route.of(hops.subList(0, Route.MAX_HOPS)).hops().size());
        assertThrows(IllegalArgumentException.class, () -> Route.of(hops));
    }

    /**
     * Issue #10, must hold 9: shell and glob characters never reach a host name (it may end up in a ProxyCommand,
     * a known_hosts line or a log); IPv6 literals, bracketed or not, and zone ids still work.
     */
    @Test
    void targetsRefuseShellAndGlobCharactersInHostNames() {
        for (String c : List.of(";", "$", "`", "|", "*", "?", "!", "[", "]", "&", "<", ">", "(", ")", "{", "}", "'",
                "\"", "\\", " ", "\t", "\u0085", "\u00a0", "\u2028", "\u0000", "\u001b", "\u007f", "\u009b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Target.of("db" + c + "x", 5432), () -> "accepted " + (int) c.charAt(0));
            assertTrue(e.getMessage().contains("host"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Target.of("[db", 22));
        assertThrows(IllegalArgumentException.class, () -> Target.of("[[::1]]", 22));
        assertThrows(IllegalArgumentException.class, () -> Target.of("|1|c2FsdA==|aGFzaA==", 22));
        assertEquals("[fe80::1%eth0]:22", Target.of("[fe80::1%eth0]", 22).toString());
        assertEquals("[2001:db8::1]:443", Target.of("2001:db8::1", 443).toString());
        assertEquals("db-1.internal_x:5432", Target.of("db-1.internal_x", 5432).toString());
    }

    @Test
    void targetsValidateHostAndPort() {
        assertEquals("db.internal:5432", Target.of("db.internal", 5432).toString());
        assertEquals("[::1]:22", Target.of("::1", 22).toString());
        assertEquals("[::1]:22", Target.of("[::1]", 22).toString());
        assertEquals("unix:/run/pg.sock", Target.unixSocket("/run/pg.sock").toString());
        assertThrows(IllegalArgumentException.class, () -> Target.of("-oProxyCommand=x", 22));
        assertThrows(IllegalArgumentException.class, () -> Target.of("a b", 22));
        assertThrows(IllegalArgumentException.class, () -> Target.of("a\nb", 22));
        assertThrows(IllegalArgumentException.class, () -> Target.of("db", 0));
        assertThrows(IllegalArgumentException.class, () -> Target.of("db", 65536));
        assertThrows(IllegalArgumentException.class, () -> Target.unixSocket("relative.sock"));
        assertThrows(IllegalArgumentException.class, () -> Target.unixSocket("/" + "x".repeat(200)));
    }

    @Test
    void parseFindsTransportsThroughServiceLoader() {
        Route r = Route.parse("cmdtest://first?argv=nc+db+5432, cmdtest://second?argv=socat+-+TCP:db:5432");
        assertEquals(2, r.hops().size());
        assertEquals("first", r.hops().get(0).name());
        assertEquals("command", r.hops().get(1).transport());
        assertEquals(List.of("socat", "-", "TCP:db:5432"),
                ((CommandHop) r.hops().get(1)).commandFor(Target.of("db", 5432)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Route.parse("cmdtest://x"))
                .getMessage().contains("argv"), "the factory's own validation reaches the caller");
    }

    @Test
    void sshConfigWithoutAResolverSaysWhichModuleIsMissing() {
        // Core's tests have no SshConfigResolver service: the error must say what to add, for each entry point.
        for (Runnable call : List.<Runnable>of(() -> Route.fromSshConfig("db-bastion"),
                () -> Route.toSshConfigHost("db-bastion", java.nio.file.Path.of("/nonexistent")),
                () -> Target.fromSshConfig("db-bastion"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertTrue(e.getMessage().contains("\"db-bastion\"") && e.getMessage().contains("fumidai-transport-ssh"),
                    e.getMessage());
        }
    }
}
