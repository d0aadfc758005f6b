// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import static dev.fumidai.ssh.internal.knownhosts.HostPatterns.Match.MATCH;
import static dev.fumidai.ssh.internal.knownhosts.HostPatterns.Match.NEGATED;
import static dev.fumidai.ssh.internal.knownhosts.HostPatterns.Match.NO_MATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPatternsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "host1|host1|MATCH",
        "HOST1|host1|MATCH",
        "host1|Host1|MATCH",
        "host1|host2|NO_MATCH",
        "host1,host2|host2|MATCH",
        "*.example.com|a.example.com|MATCH",
        "*.example.com|a.b.example.com|MATCH",
        "*.example.com|example.com|NO_MATCH",
        "host?|host1|MATCH",
        "host?|host12|NO_MATCH",
        "*,!bad.example.com|bad.example.com|NEGATED",
        "*,!bad.example.com|good.example.com|MATCH",
        "!bad.example.com|good.example.com|NO_MATCH",
        "[host1]:2222|[host1]:2222|MATCH",
        "[host1]:2222|host1|NO_MATCH",
        "host1|[host1]:2222|NO_MATCH",
        "[*.example.com]:*|[a.example.com]:2200|MATCH",
        "10.0.0.*|10.0.0.17|MATCH",
        "*|anything|MATCH",
        "''|host|NO_MATCH",
    })
    void matchesPatternListsAsOpenSsh(String patterns, String name, HostPatterns.Match expected) {
        assertEquals(expected, HostPatterns.matchList(patterns.replace("''", ""), name));
    }

    @Test
    void lookupNameAddsBracketsAndPortOnlyForNonStandardPorts() {
        assertEquals("host1", HostPatterns.lookupName("Host1", 22));
        assertEquals("[host1]:2222", HostPatterns.lookupName("host1", 2222));
        assertEquals("[::1]:2222", HostPatterns.lookupName("::1", 2222));
    }

    @Test
    void hashedNamesMatchOnlyTheirName() {
        byte[] salt = new byte[20];
        salt[3] = 7;
        String field = HostPatterns.hash("host1", salt);
        assertTrue(field.startsWith("|1|"));
        assertEquals(MATCH, HostPatterns.matchField(field, "host1"));
        assertEquals(MATCH, HostPatterns.matchField(field, "HOST1"));
        assertEquals(NO_MATCH, HostPatterns.matchField(field, "host2"));
        assertEquals(NO_MATCH, HostPatterns.matchField(field, "[host1]:2222"));
        assertTrue(HostPatterns.isWellFormedHash(field));
        assertFalse(HostPatterns.isWellFormedHash("|1|AAAA|BBBB"));
        assertEquals(NO_MATCH, HostPatterns.matchField("|1|not base64!|x", "host1"));
        assertThrows(IllegalArgumentException.class, () -> HostPatterns.hash("h", new byte[4]));
    }

    @Test
    void hashMatchesTheKnownAnswerFromSshKeygen() {
        // From `ssh-keygen -H` on a file holding "host1 ssh-ed25519 ..." (fixture known_hosts_hashed).
        String field = Fixture.hashedHost1();
        assertEquals(MATCH, HostPatterns.matchField(field, "host1"));
        assertEquals(NEGATED, HostPatterns.matchList("*,!host1", "host1"));
    }

    @Test
    void longNamesAgainstManyStarsStayFast() {
        String name = "a".repeat(2000);
        String pattern = "*a*a*a*a*a*a*a*a*a*a*b";
        long start = System.nanoTime();
        assertFalse(HostPatterns.wildcardMatch(pattern, name));
        assertTrue((System.nanoTime() - start) < 2_000_000_000L, "backtracking matcher took too long");
    }
}
