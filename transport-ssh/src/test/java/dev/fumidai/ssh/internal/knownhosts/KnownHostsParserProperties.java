package dev.fumidai.ssh.internal.knownhosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fumidai.ssh.internal.keys.InvalidSshKeyException;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Robustness of the known_hosts reader and lookup against arbitrary and shuffled input. */
class KnownHostsParserProperties {

    private static final String KEY = Fixture.text("host_ed25519.pub").trim().split(" ", 3)[0] + " "
            + Fixture.text("host_ed25519.pub").trim().split(" ", 3)[1];

    @Provide
    Arbitrary<List<String>> lines() {
        return line().list().ofMaxSize(8);
    }

    private Arbitrary<String> line() {
        Arbitrary<String> words = Arbitraries.oneOf(
                Arbitraries.of("@revoked", "@cert-authority", "@other", "#", "|1|", "host1", "*", "!host1", "[host1]:22",
                        "ssh-ed25519", "ssh-rsa", "AAAA", KEY, "\t", ",", "|1|AAAA|BBBB"),
                Arbitraries.strings().ofMaxLength(12));
        return words.list().ofMaxSize(6).map(w -> String.join(" ", w));
    }

    @Property(tries = 2000)
    void arbitraryTextOnlyEverFailsWithInvalidSshKeyException(@ForAll("lines") List<String> lines) {
        try {
            KnownHostsParser.parse(String.join("\n", lines), "random");
        } catch (InvalidSshKeyException expected) {
            // only for malformed @revoked / @cert-authority lines
        }
    }

    @Property(tries = 300)
    void junkLinesAroundAnEntryDoNotChangeTheDecision(@ForAll("lines") List<String> before,
            @ForAll("lines") List<String> after) throws Exception {
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
