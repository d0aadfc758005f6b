// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fumidai.ssh.internal.keys.InvalidSshKeyException;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Robustness of the known_hosts reader and lookup against arbitrary and shuffled input. */
class KnownHostsParserProperties {

    private static final String KEY = Fixture.text("host_ed25519.pub").trim().split(" ", 3)[0] + " "
            + Fixture.text("host_ed25519.pub").trim().split(" ", 3)[1];

    static Gen<List<String>> lines() {
        return Gens.lists(line(), 0, 8);
    }

    private static Gen<String> line() {
        Gen<String> words = Generate.oneOf(
                Gens.of("@revoked", "@cert-authority", "@other", "#", "|1|", "host1", "*", "!host1", "[host1]:22",
                        "ssh-ed25519", "ssh-rsa", "AAAA", KEY, "\t", ",", "|1|AAAA|BBBB"),
                Gens.strings(Gens.anyChar(), 0, 12));
        return Gens.lists(words, 0, 6).map(w -> String.join(" ", w));
    }

    @Test
    void arbitraryTextOnlyEverFailsWithInvalidSshKeyException() {
        PropertyCheck.forAll(2000, lines(), this::arbitraryTextOnlyEverFailsWithInvalidSshKeyException);
    }

    private void arbitraryTextOnlyEverFailsWithInvalidSshKeyException(List<String> lines) {
        try {
            KnownHostsParser.parse(String.join("\n", lines), "random");
        } catch (InvalidSshKeyException expected) {
            // only for malformed @revoked / @cert-authority lines
        }
    }

    @Test
    void junkLinesAroundAnEntryDoNotChangeTheDecision() {
        PropertyCheck.forAll(300, lines(), lines(), this::junkLinesAroundAnEntryDoNotChangeTheDecision);
    }

    private void junkLinesAroundAnEntryDoNotChangeTheDecision(List<String> before,
            List<String> after) throws Exception {
        String junkBefore = String.join("\n", before.stream().filter(l -> !l.contains("@") && !l.contains(KEY))
                .toList());
        String junkAfter = String.join("\n", after.stream().filter(l -> !l.contains("@") && !l.contains(KEY))
                .toList());
        SshPublicKey key = SshPublicKeys.parseText(KEY);
        String text = junkBefore + "\nhost1 " + KEY + "\n" + junkAfter;
        KnownHostsLookup.Result result = KnownHostsLookup.lookup(KnownHostsParser.parse(text, "t"), "host1", 22, key,
                Instant.EPOCH);
        assertEquals(KnownHostsLookup.Status.KEY_ACCEPTED, result.status());
        KnownHostsLookup.Result other = KnownHostsLookup.lookup(KnownHostsParser.parse(text, "t"), "host2", 22, key,
                Instant.EPOCH);
        assertNotEquals(KnownHostsLookup.Status.KEY_ACCEPTED, other.status(), text);
    }
}
