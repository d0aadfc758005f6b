// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.testing.EchoServer;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Security-checklist R19 through the whole hop (MINA SSHD as a server that lets anyone in): a server that
 * accepts keyboard-interactive with no prompts is refused by default, and let through when the hop allows
 * trivial authentication; either way the {@code auth.attempt} record says {@code trivial} with the credential
 * type that got in. MINA never accepts {@code none} nor answers a public-key query with SUCCESS: the first is
 * covered against OpenSSH ({@code OpenSshPasswordAuthIT}, an account with an empty password), both on
 * EmbeddedChannel ({@code SshUserAuthHandlerTest}).
 */
class SshHopTrivialAuthTest {

    static final Duration T = Duration.ofSeconds(30);

    SshHopMinaTest.Bastion bastion;
    EchoServer echo;
    final InMemoryAuditSink sink = InMemoryAuditSink.create();

    @BeforeEach
    void start() throws Exception {
        bastion = new SshHopMinaTest.Bastion(SshHopMinaTest.fingerprintOf("ed25519_openssh"));
        echo = EchoServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        bastion.close();
        echo.close();
    }

    void acceptZeroPromptKeyboardInteractive() {
        bastion.server.setUserAuthFactories(List.of(UserAuthKeyboardInteractiveFactory.INSTANCE));
        CoreModuleProperties.AUTH_METHODS.set(bastion.server, "keyboard-interactive");
        bastion.server.setKeyboardInteractiveAuthenticator(new KeyboardInteractiveAuthenticator() {
            @Override
            public InteractiveChallenge generateChallenge(ServerSession session, String username, String lang,
                    String subMethods) {
                return new InteractiveChallenge();
            }

            @Override
            public boolean authenticate(ServerSession session, String username, List<String> responses) {
                return true;
            }
        });
    }

    JumpHost jumpHost(UnaryOperator<SshHop.Builder> customize) throws Exception {
        SshHop hop = customize.apply(SshHop.builder().address(Target.of("127.0.0.1", bastion.port()))
                .hostKeyVerifier(bastion.pinned()).name("bastion").user("ops")
                .identity(SshHopMinaTest.fixture("ed25519_openssh"))).build();
        return JumpHost.builder().route(Route.of(hop)).actor("test:trivial").auditSink(sink).build();
    }

    void assertRefused(JumpHost jh) {
        Exception e = assertThrows(Exception.class, () -> jh.connect(Target.of("127.0.0.1", echo.port()), T));
        Throwable c = e;
        while (!(c instanceof HopAuthenticationException) && c.getCause() != null) {
            c = c.getCause();
        }
        HopAuthenticationException auth = assertInstanceOf(HopAuthenticationException.class, c, e::toString);
        assertTrue(auth.getMessage().contains("without a real credential"), auth.getMessage());
        assertEquals(0, echo.accepted(), "nothing was relayed");
    }

    void assertTunnelWorks(JumpHost jh) throws Exception {
        try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
            c.outputStream().write(new byte[] {1, 2, 3});
            c.outputStream().flush();
            assertEquals(3, c.inputStream().readNBytes(3).length);
        }
    }

    /** Returns the attempts that got in without a real credential. */
    List<AuthAttempted> trivial() {
        return sink.events(AuthAttempted.class).stream().filter(AuthAttempted::trivial).toList();
    }

    @Test
    void zeroPromptKeyboardInteractiveIsRefusedByDefaultAndAuditedAsTrivial() throws Exception {
        acceptZeroPromptKeyboardInteractive();
        try (JumpHost jh = jumpHost(b -> b.keyboardInteractive((hop, name, instruction, prompts) -> List.of()))) {
            assertRefused(jh);
        }
        List<AuthAttempted> trivial = trivial();
        assertFalse(trivial.isEmpty(), () -> sink.events().toString());
        assertEquals(CredentialType.KEYBOARD_INTERACTIVE, trivial.get(0).credential().type());
    }

    @Test
    void zeroPromptKeyboardInteractiveIsLetThroughWhenAllowedAndStillFlagged() throws Exception {
        acceptZeroPromptKeyboardInteractive();
        try (JumpHost jh = jumpHost(b -> b.refuseTrivialAuth(false)
                .keyboardInteractive((hop, name, instruction, prompts) -> List.of()))) {
            assertTunnelWorks(jh);
        }
        AuthAttempted success = sink.events(AuthAttempted.class).stream()
                .filter(a -> a.outcome() == Outcome.SUCCESS).findFirst().orElseThrow();
        assertTrue(success.trivial());
        assertEquals(CredentialType.KEYBOARD_INTERACTIVE, success.credential().type());
    }
}
