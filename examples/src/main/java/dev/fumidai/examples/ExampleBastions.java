// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import dev.fumidai.Route;
import dev.fumidai.testsupport.EmbeddedBastions;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Set;

/**
 * Sets up what the example programs tunnel through, as the demo does: two embedded SSH bastions on 127.0.0.1
 * (bastion-2 reachable only through bastion-1, and allowed to open only the given targets), an operator key they
 * both authorize, and a known_hosts file with their host keys, all from the test-support artifact's
 * {@link EmbeddedBastions}. {@link #route()} is the two-hop route; a real application writes
 * {@code Route.parse("ssh://ops@bastion-1,ssh://ops@bastion-2")} or builds the same hops.
 */
final class ExampleBastions implements AutoCloseable {

    private final EmbeddedBastions bastions;

    /** Starts the bastions; bastion-2 may open only {@code targets} ({@code host:port}). */
    ExampleBastions(Set<String> targets) throws IOException, GeneralSecurityException {
        bastions = EmbeddedBastions.builder().bastion("bastion-1")
                .bastion("bastion-2", targets.toArray(new String[0])).start();
    }

    /** Returns the two-hop route: bastion-1, then bastion-2. */
    Route route() {
        return bastions.route();
    }

    /** Returns the bastions themselves (ports, ssh_config, known_hosts). */
    EmbeddedBastions bastions() {
        return bastions;
    }

    /** Stops both bastions and deletes the key and known_hosts files. */
    @Override
    public void close() throws IOException {
        bastions.close();
    }
}
