package dev.fumidai.ssh.internal.knownhosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class HostPatternsProperties {

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("ab.-1:[]").ofMinLength(0).ofMaxLength(12);
    }

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.strings().withChars("ab.-1*?").ofMinLength(0).ofMaxLength(8);
    }

    /** Checks the matcher against a regular-expression model of OpenSSH's {@code match_pattern}. */
    @Property(tries = 3000)
    void wildcardMatchAgreesWithARegexModel(@ForAll("patterns") String pattern, @ForAll("names") String name) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        boolean model = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(name).matches();
        assertEquals(model, HostPatterns.wildcardMatch(pattern, name));
    }

    @Property
    void aNameMatchesItselfAndAnyStarredVariant(@ForAll("names") String name,
            @ForAll @IntRange(min = 0, max = 12) int at) {
        assertEquals(HostPatterns.Match.MATCH, HostPatterns.matchList(name.isEmpty() ? "*" : name, name));
        int cut = Math.min(at, name.length());
        String starred = name.substring(0, cut) + "*" + name.substring(cut);
        assertTrue(HostPatterns.wildcardMatch(starred, name));
    }

    @Property
    void aMatchingNegationAlwaysWins(@ForAll("names") String name, @ForAll("patterns") String other) {
        String list = "*," + other + ",!" + (name.isEmpty() ? "*" : name);
        assertEquals(HostPatterns.Match.NEGATED, HostPatterns.matchList(list, name));
    }

    @Property
    void hashedNameMatchesExactlyItsLowercasedName(@ForAll("names") String name, @ForAll("names") String other,
            @ForAll byte[] seed) {
        byte[] salt = new byte[HostPatterns.HASH_LENGTH];
        for (int i = 0; i < seed.length && i < salt.length; i++) {
            salt[i] = seed[i];
        }
        String field = HostPatterns.hash(name, salt);
        assertEquals(HostPatterns.Match.MATCH, HostPatterns.matchField(field, name));
        assertEquals(HostPatterns.Match.MATCH, HostPatterns.matchField(field, name.toUpperCase(java.util.Locale.ROOT)));
        HostPatterns.Match expected = other.equalsIgnoreCase(name) ? HostPatterns.Match.MATCH
                : HostPatterns.Match.NO_MATCH;
        assertEquals(expected, HostPatterns.matchField(field, other));
    }

    @Property
    void nonStandardPortsNeverMatchThePlainName(@ForAll("names") String host,
            @ForAll @IntRange(min = 1, max = 65535) int port) {
        String name = HostPatterns.lookupName(host, port);
        if (port == 22) {
            assertEquals(host.toLowerCase(java.util.Locale.ROOT), name);
        } else {
            assertNotEquals(HostPatterns.Match.MATCH, HostPatterns.matchList(host.isEmpty() ? "x" : host, name));
        }
    }
}
