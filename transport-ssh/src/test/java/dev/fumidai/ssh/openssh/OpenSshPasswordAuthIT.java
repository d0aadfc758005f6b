// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.fumidai.ssh.KeyboardInteractiveCallback;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.PasswordCallback;
import dev.fumidai.ssh.SshHop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authenticates to real OpenSSH daemons with a password (RFC 4252 §8, {@code UsePAM no}: sshd checks the shadow
 * file), with keyboard-interactive (RFC 4256, {@code UsePAM yes}: the prompts come from PAM), and with
 * {@code AuthenticationMethods publickey,password} (partial success, then the password). A real account is
 * needed: the test creates a temporary system user with a random password ({@code useradd}, {@code chpasswd})
 * and deletes it afterwards ({@code userdel -r}); it must run as root, as it does in CI, and fails otherwise.
 */
@Tag("interop")
class OpenSshPasswordAuthIT {

    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static String user;
    static char[] password;
    static Path home;
    static DigestServer service;

    @BeforeAll
    static void createUser() throws Exception {
        OpenSshDaemon.requireRoot("password and keyboard-interactive need a real account with a password, made with "
                + "useradd and chpasswd and removed with userdel");
        byte[] random = new byte[4];
        SecureRandom rng = new SecureRandom();
        rng.nextBytes(random);
        String name = "fumidai-" + HexFormat.of().formatHex(random);
        byte[] secret = new byte[12];
        rng.nextBytes(secret);
        // Letters and digits only: chpasswd reads "user:password" lines.
        password = java.util.Base64.getEncoder().encodeToString(secret).replace('+', 'a').replace('/', 'b')
                .toCharArray();
        OpenSshDaemon.run(dir, "/usr/sbin/useradd", "-m", "-s", "/bin/sh", name);
        user = name;
        Process p = new ProcessBuilder("/usr/sbin/chpasswd").redirectErrorStream(true).start();
        p.getOutputStream().write((name + ":" + new String(password) + "\n").getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> "chpasswd failed: " + out);
        home = Path.of(OpenSshDaemon.run(dir, "/bin/sh", "-c", "getent passwd " + name + " | cut -d: -f6").trim());
        service = DigestServer.start();
    }

    @AfterAll
    static void deleteUser() throws Exception {
        if (service != null) {
            service.close();
        }
        if (user != null) {
            OpenSshDaemon.run(dir, "/usr/sbin/userdel", "-r", user);
        }
    }

    /** Starts one daemon for the temporary user with the given authentication settings (they come first, so win). */
    static OpenSshChain daemon(String name, String... settings) throws Exception {
        List<String> extra = new ArrayList<>(List.of(settings));
        extra.addAll(List.of("AuthorizedKeysFile .ssh/authorized_keys", "AllowUsers " + user));
        return OpenSshChain.start(dir.resolve(name), 1, List.of("127.0.0.1:" + service.port()), i -> extra);
    }

    static SshHop hop(OpenSshChain chain, UnaryOperator<SshHop.Builder> customize) {
        OpenSshDaemon d = chain.daemons.get(0);
        return customize.apply(SshHop.builder().address(Target.of("127.0.0.1", d.port))
                .hostKeyVerifier(KnownHostsVerifier.of(chain.knownHosts)).name(d.name).user(user)).build();
    }

    /** Connects through the hop and moves some data, proving the login is usable; returns the auth records. */
    static List<AuthAttempted> tunnel(OpenSshChain chain, SshHop hop) throws Exception {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        try (JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:openssh-password").auditSink(sink)
                .build();
                TunnelConnection c = jh.connect(Target.of("127.0.0.1", service.port()), T)) {
            byte[] expected = DigestServer.send(c.outputStream(), 77, 100_000);
            c.shutdownOutput();
            assertArrayEquals(expected, c.inputStream().readNBytes(DigestServer.ANSWER_BYTES + 1), chain::logs);
        }
        return sink.events(AuthAttempted.class);
    }

    static void assertNoSecretIn(List<AuthAttempted> attempts) {
        String text = attempts.toString();
        assertFalse(text.contains(new String(password)), "the password never enters an audit record");
    }

    @Test
    void passwordWithoutPam() throws Exception {
        try (OpenSshChain chain = daemon("password", "UsePAM no", "AuthenticationMethods password",
                "PasswordAuthentication yes")) {
            List<AuthAttempted> attempts = tunnel(chain, hop(chain, b -> b.password(PasswordCallback.of(password))));
            AuthAttempted last = attempts.get(attempts.size() - 1);
            assertEquals(Outcome.SUCCESS, last.outcome(), attempts::toString);
            assertEquals(CredentialType.PASSWORD, last.credential().type());
            assertFalse(last.trivial());
            assertNoSecretIn(attempts);

            // A wrong password is refused, and the error lists what was tried.
            char[] wrong = (new String(password) + "x").toCharArray();
            try (JumpHost jh = JumpHost.builder().route(Route.of(hop(chain, b -> b.password(
                    PasswordCallback.of(wrong))))).actor("test:openssh-password").build()) {
                Exception e = assertThrows(Exception.class, () -> jh.connect(Target.of("127.0.0.1", service.port()), T));
                HopAuthenticationException auth = assertInstanceOf(HopAuthenticationException.class, cause(e),
                        e::toString);
                assertTrue(auth.getMessage().contains("password"), auth.getMessage());
            }
        }
    }

    @Test
    void keyboardInteractiveThroughPam() throws Exception {
        try (OpenSshChain chain = daemon("kbdint", "UsePAM yes", "AuthenticationMethods keyboard-interactive",
                "KbdInteractiveAuthentication yes", "PasswordAuthentication no")) {
            List<KeyboardInteractiveCallback.Prompt> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            KeyboardInteractiveCallback answer = (hopName, name, instruction, prompts) -> {
                seen.addAll(prompts);
                List<String> answers = new ArrayList<>();
                for (KeyboardInteractiveCallback.Prompt p : prompts) {
                    answers.add(p.text().toLowerCase(java.util.Locale.ROOT).contains("password")
                            ? new String(password) : "");
                }
                return answers;
            };
            List<AuthAttempted> attempts = tunnel(chain, hop(chain, b -> b.keyboardInteractive(answer)));
            AuthAttempted last = attempts.get(attempts.size() - 1);
            assertEquals(Outcome.SUCCESS, last.outcome(), attempts::toString);
            assertEquals(CredentialType.KEYBOARD_INTERACTIVE, last.credential().type());
            assertFalse(last.trivial(), "PAM asked for a password: not trivial");
            assertTrue(seen.stream().anyMatch(p -> p.text().contains("assword") && !p.echo()),
                    () -> "PAM's password prompt, not echoed: " + seen);
            assertNoSecretIn(attempts);
        }
    }

    @Test
    void publickeyThenPasswordIsAPartialSuccess() throws Exception {
        Path sshDir = Files.createDirectories(home.resolve(".ssh"));
        Path key = OpenSshDaemon.keygen(dir.resolve("partial_ed25519"));
        Files.copy(dir.resolve("partial_ed25519.pub"), sshDir.resolve("authorized_keys"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        OpenSshDaemon.run(dir, "/bin/chown", "-R", user + ":", sshDir.toString());
        try (OpenSshChain chain = daemon("partial", "UsePAM no", "AuthenticationMethods publickey,password",
                "PasswordAuthentication yes")) {
            List<AuthAttempted> attempts = tunnel(chain, hop(chain, b -> b.identity(key)
                    .password(PasswordCallback.of(password))));
            assertTrue(attempts.stream().anyMatch(a -> a.outcome() == Outcome.FAILURE
                    && a.credential().type() == CredentialType.PUBLICKEY && a.reason() != null
                    && a.reason().detail() != null && a.reason().detail().startsWith("partial success")),
                    attempts::toString);
            AuthAttempted last = attempts.get(attempts.size() - 1);
            assertEquals(Outcome.SUCCESS, last.outcome(), attempts::toString);
            assertEquals(CredentialType.PASSWORD, last.credential().type());
            assertNoSecretIn(attempts);
        }
    }

    /**
     * Security-checklist R19 against a real server: an account with an empty password and
     * {@code PermitEmptyPasswords yes} lets {@code none} in. The hop refuses that by default and lets it through
     * when allowed; both times {@code auth.attempt} says trivial, credential type {@code none}.
     */
    @Test
    void noneAcceptedForAnEmptyPasswordIsTrivial() throws Exception {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String empty = "fumidai-" + HexFormat.of().formatHex(random);
        OpenSshDaemon.run(dir, "/usr/sbin/useradd", "-m", "-s", "/bin/sh", empty);
        try {
            OpenSshDaemon.run(dir, "/usr/bin/passwd", "-d", empty);
            try (OpenSshChain chain = OpenSshChain.start(dir.resolve("empty"), 1,
                    List.of("127.0.0.1:" + service.port()), i -> List.of("UsePAM no", "AuthenticationMethods any",
                            "PasswordAuthentication yes", "PermitEmptyPasswords yes", "AllowUsers " + empty))) {
                OpenSshDaemon d = chain.daemons.get(0);
                SshHop.Builder strict = SshHop.builder().address(Target.of("127.0.0.1", d.port))
                        .hostKeyVerifier(KnownHostsVerifier.of(chain.knownHosts)).name(d.name).user(empty);
                InMemoryAuditSink sink = InMemoryAuditSink.create();
                try (JumpHost jh = JumpHost.builder().route(Route.of(strict.build()))
                        .actor("test:openssh-password").auditSink(sink).build()) {
                    Exception e = assertThrows(Exception.class,
                            () -> jh.connect(Target.of("127.0.0.1", service.port()), T));
                    HopAuthenticationException auth = assertInstanceOf(HopAuthenticationException.class, cause(e),
                            e::toString);
                    assertTrue(auth.getMessage().contains("without a real credential"), auth.getMessage());
                }
                List<AuthAttempted> refused = sink.events(AuthAttempted.class);
                assertTrue(refused.stream().anyMatch(a -> a.trivial()
                        && a.credential().type() == CredentialType.NONE), refused::toString);
                assertTrue(refused.stream().noneMatch(a -> a.outcome() == Outcome.SUCCESS), refused::toString);

                List<AuthAttempted> allowed = tunnel(chain, strict.refuseTrivialAuth(false).build());
                AuthAttempted last = allowed.get(allowed.size() - 1);
                assertEquals(Outcome.SUCCESS, last.outcome(), allowed::toString);
                assertTrue(last.trivial());
                assertEquals(CredentialType.NONE, last.credential().type());
            }
        } finally {
            OpenSshDaemon.run(dir, "/usr/sbin/userdel", "-r", empty);
        }
    }

    static Throwable cause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HopAuthenticationException) {
                return c;
            }
        }
        return t;
    }
}
