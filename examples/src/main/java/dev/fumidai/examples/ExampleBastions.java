package dev.fumidai.examples;

import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.SshHop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Sets up what the example programs tunnel through, as the demo does: two embedded SSH bastions on 127.0.0.1
 * (bastion-2 reachable only through bastion-1, and allowed to open only the given targets), an operator key they
 * both authorize, and a known_hosts file with their host keys. {@link #route()} is the two-hop route; a real
 * application writes {@code Route.parse("ssh://ops@bastion-1,ssh://ops@bastion-2")} or builds the same hops.
 */
final class ExampleBastions implements AutoCloseable {

    private final Path work;
    private final EmbeddedBastion b1;
    private final EmbeddedBastion b2;
    private final Route route;

    /** Starts the bastions; bastion-2 may open only {@code targets} ({@code host:port}). */
    ExampleBastions(Set<String> targets) throws IOException, GeneralSecurityException {
        work = Files.createTempDirectory("fumidai-example");
        KeyPair user = KeyPairGenerator.getInstance("EC").generateKeyPair();
        Path key = Files.writeString(work.resolve("id_ecdsa"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(user.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        b2 = new EmbeddedBastion("bastion-2", user.getPublic(), targets);
        try {
            b1 = new EmbeddedBastion("bastion-1", user.getPublic(), Set.of("127.0.0.1:" + b2.port()));
        } catch (IOException | RuntimeException e) {
            b2.close();
            throw e;
        }
        Path knownHosts = Files.write(work.resolve("known_hosts"), List.of(b1.knownHostsLine(), b2.knownHostsLine()));
        KnownHostsVerifier verifier = KnownHostsVerifier.of(knownHosts);
        route = Route.of(
                SshHop.builder().address(Target.of("127.0.0.1", b1.port())).hostKeyVerifier(verifier)
                        .name("bastion-1").user("ops").identity(key).build(),
                SshHop.builder().address(Target.of("127.0.0.1", b2.port())).hostKeyVerifier(verifier)
                        .name("bastion-2").user("ops").identity(key).build());
    }

    /** Returns the two-hop route: bastion-1, then bastion-2. */
    Route route() {
        return route;
    }

    /** Stops both bastions and deletes the key and known_hosts files. */
    @Override
    public void close() throws IOException {
        try {
            b1.close();
            b2.close();
        } finally {
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(work);
        }
    }
}
