// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the committed ssh-keygen fixtures for known_hosts tests. */
final class Fixture {

    private Fixture() {
    }

    static String text(String name) {
        try (InputStream in = Fixture.class.getResourceAsStream("/dev/fumidai/ssh/keys/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the hashed host field ssh-keygen -H wrote for "host1". */
    static String hashedHost1() {
        for (String line : text("known_hosts_hashed").split("\n")) {
            if (line.startsWith("|1|")) {
                return line.split(" ")[0];
            }
        }
        throw new IllegalStateException("no hashed line in fixture");
    }
}
