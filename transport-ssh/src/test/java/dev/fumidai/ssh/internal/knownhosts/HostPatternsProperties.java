// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class HostPatternsProperties {

    static Gen<String> names() {
        return Gens.strings(Gens.charsOf("ab.-1:[]"), 0, 12);
    }

    static Gen<String> patterns() {
        return Gens.strings(Gens.charsOf("ab.-1*?"), 0, 8);
    }

    /** Checks the matcher against a regular-expression model of OpenSSH's {@code match_pattern}. */
    @Test
    void wildcardMatchAgreesWithARegexModel() {
        PropertyCheck.forAll(3000, patterns(), names(), this::wildcardMatchAgreesWithARegexModel);
    }

    private void wildcardMatchAgreesWithARegexModel(String pattern, String name) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        boolean model = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(name).matches();
        assertEquals(model, HostPatterns.wildcardMatch(pattern, name));
    }

    @Test
    void aNameMatchesItselfAndAnyStarredVariant() {
        PropertyCheck.forAll(1000, names(), Gens.ints(0, 12), this::aNameMatchesItselfAndAnyStarredVariant);
    }

    private void aNameMatchesItselfAndAnyStarredVariant(String name, int at) {
        assertEquals(HostPatterns.Match.MATCH, HostPatterns.matchList(name.isEmpty() ? "*" : name, name));
        int cut = Math.min(at, name.length());
        String starred = name.substring(0, cut) + "*" + name.substring(cut);
        assertTrue(HostPatterns.wildcardMatch(starred, name));
    }

    @Test
    void aMatchingNegationAlwaysWins() {
        PropertyCheck.forAll(1000, names(), patterns(), this::aMatchingNegationAlwaysWins);
    }

    private void aMatchingNegationAlwaysWins(String name, String other) {
        String list = "*," + other + ",!" + (name.isEmpty() ? "*" : name);
        assertEquals(HostPatterns.Match.NEGATED, HostPatterns.matchList(list, name));
    }

    @Test
    void hashedNameMatchesExactlyItsLowercasedName() {
        PropertyCheck.forAll(1000, names(), names(), Gens.bytes(), this::hashedNameMatchesExactlyItsLowercasedName);
    }

    private void hashedNameMatchesExactlyItsLowercasedName(String name, String other, byte[] seed) {
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

    @Test
    void nonStandardPortsNeverMatchThePlainName() {
        PropertyCheck.forAll(1000, names(), Gens.ints(1, 65535), this::nonStandardPortsNeverMatchThePlainName);
    }

    private void nonStandardPortsNeverMatchThePlainName(String host, int port) {
        String name = HostPatterns.lookupName(host, port);
        if (port == 22) {
            assertEquals(host.toLowerCase(java.util.Locale.ROOT), name);
        } else {
            assertNotEquals(HostPatterns.Match.MATCH, HostPatterns.matchList(host.isEmpty() ? "x" : host, name));
        }
    }
}
