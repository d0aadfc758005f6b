// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssh.internal.keys.InvalidSshKeyException;
import dev.fumidai.ssh.internal.knownhosts.HostPatterns;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsEntry;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsParser;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Feeds arbitrary text to the known_hosts parser and host matcher. Contract: {@link KnownHostsParser#parse}
 * returns entries or throws {@link InvalidSshKeyException}; matching any entry against host names never throws
 * and finishes (patterns with many {@code *} must not take exponential time; Jazzer's per-input timeout catches
 * that); a line our writer makes for a parsed key parses back to the same key, matching the host it was written
 * for.
 */
class KnownHostsFuzzTest {

    static final List<String> NAMES = List.of("example.com", "[127.0.0.1]:2222", "10.0.0.1", "a.b.c.example.org",
            "host-with-dashes");

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void parseAndMatch(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        List<KnownHostsEntry> entries;
        try {
            entries = KnownHostsParser.parse(text, "fuzz");
        } catch (InvalidSshKeyException e) {
            entries = List.of();
        }
        for (KnownHostsEntry e : entries) {
            for (String name : NAMES) {
                e.matchHost(name);
            }
            List<KnownHostsEntry> written = KnownHostsParser.parse(
                    KnownHostsWriter.plainLine("example.com", 2222, e.key()) + "\n"
                            + KnownHostsWriter.hashedLine("example.com", 22, e.key()) + "\n", "written");
            assertEquals(2, written.size());
            for (KnownHostsEntry w : written) {
                assertEquals(e.key(), w.key());
            }
            assertEquals(HostPatterns.Match.MATCH, written.get(0).matchHost(HostPatterns.lookupName("example.com",
                    2222)));
            assertEquals(HostPatterns.Match.MATCH, written.get(1).matchHost(HostPatterns.lookupName("example.com",
                    22)));
        }
        // The input's first line as a pattern list against the others as names.
        String[] lines = text.split("\n", 3);
        if (lines.length >= 2) {
            HostPatterns.matchList(lines[0], lines[1]);
            HostPatterns.matchField(lines[0], lines[1]);
        }
    }
}
