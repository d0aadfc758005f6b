// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Resolves every alias of every corpus config and compares with the {@code .expected} file next to it. */
class SshConfigCorpusTest {

    static final String LOCAL_USER = "alice";

    static Path corpusDir() {
        try {
            return Path.of(SshConfigCorpusTest.class.getResource("/ssh-config/corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> corpus() throws IOException {
        try (Stream<Path> s = Files.list(corpusDir())) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void resolvesAsExpected(String name) throws IOException {
        Path conf = corpusDir().resolve(name + ".conf");
        SshConfig config = SshConfig.parse(Files.readString(conf).replace("\r", ""), corpusDir());
        Map<String, Map<String, List<String>>> expected = new LinkedHashMap<>();
        String home = System.getProperty("user.home");
        for (String line : Files.readAllLines(corpusDir().resolve(name + ".expected"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] p = line.split(" ", 3);
            expected.computeIfAbsent(p[0], k -> new LinkedHashMap<>())
                    .computeIfAbsent(p[1], k -> new ArrayList<>()).add(p[2].replace("${HOME}", home)
                            .replace("basic.conf:", "<config>:"));
        }
        assertFalse(expected.isEmpty(), "expectations for " + name);
        for (var host : expected.entrySet()) {
            ResolvedSshConfig r = config.resolve(host.getKey(), LOCAL_USER);
            for (var kw : host.getValue().entrySet()) {
                assertEquals(kw.getValue(), SshGFormat.values(r, kw.getKey()),
                        name + ": " + host.getKey() + " " + kw.getKey());
            }
        }
    }
}
