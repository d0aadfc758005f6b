// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the system {@code ssh -G -F <file> <alias>} (openssh-client) on the corpus and compares the keywords
 * both implement, for the keywords the configuration set. {@code include.conf} is left out: OpenSSH resolves a
 * relative Include against the real {@code ~/.ssh}, the corpus test against the corpus directory. Algorithm
 * lists are compared only when every name in ours is one the installed OpenSSH lists in {@code ssh -Q}.
 */
@Tag("interop")
class SshConfigOpenSshInteropTest {

    private static final List<String> COMPARED = List.of("hostname", "port", "user", "identityfile", "proxyjump",
            "stricthostkeychecking", "hostkeyalias", "connecttimeout", "serveraliveinterval", "kexalgorithms",
            "serveralivecountmax", "proxycommand", "preferredauthentications", "certificatefile", "hashknownhosts",
            "rekeylimit");

    static Stream<String> corpus() throws IOException {
        return SshConfigCorpusTest.corpus().filter(n -> !n.equals("include"));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void agreesWithSshDashG(String name) throws Exception {
        Path dir = SshConfigCorpusTest.corpusDir();
        Path conf = dir.resolve(name + ".conf");
        SshConfig config = SshConfig.parse(Files.readString(conf), dir);
        String localUser = System.getProperty("user.name");
        Set<String> kexKnown = new LinkedHashSet<>(run(List.of("ssh", "-Q", "kex")));
        Set<String> aliases = new LinkedHashSet<>();
        for (String line : Files.readAllLines(dir.resolve(name + ".expected"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                aliases.add(line.split(" ", 2)[0]);
            }
        }
        int compared = 0;
        for (String alias : aliases) {
            ResolvedSshConfig r = config.resolve(alias, localUser);
            Map<String, List<String>> theirs = sshG(conf, alias);
            for (String kw : COMPARED) {
                if (!r.isSet(kw)) {
                    continue;
                }
                List<String> ours = SshGFormat.values(r, kw);
                List<String> their = theirs.getOrDefault(kw, List.of());
                if (kw.equals("kexalgorithms") && !kexKnown.containsAll(r.kexAlgorithms())) {
                    continue;
                }
                if (kw.equals("proxyjump") && their.equals(List.of("none"))) {
                    their = List.of();
                }
                if (kw.equals("identityfile") || kw.equals("certificatefile") || kw.equals("proxycommand")) {
                    // ssh -G prints these before token expansion.
                    their = expandLikeUs(their, r);
                }
                if (kw.equals("rekeylimit")) {
                    // ssh -G prints an unset time part as 0; we keep it as none.
                    their = their.stream().map(v -> v.endsWith(" 0") ? v.substring(0, v.length() - 2) + " none" : v)
                            .toList();
                }
                assertEquals(ours, their, name + ": " + alias + " " + kw);
                compared++;
            }
        }
        assertTrue(compared > 0, "compared nothing for " + name);
    }

    private static List<String> expandLikeUs(List<String> files, ResolvedSshConfig r) {
        String home = System.getProperty("user.home");
        Map<Character, String> t = new HashMap<>();
        t.put('h', r.hostName());
        t.put('p', Integer.toString(r.port()));
        t.put('r', r.user());
        t.put('n', r.originalHost());
        t.put('u', System.getProperty("user.name"));
        t.put('d', home);
        List<String> out = new ArrayList<>();
        for (String f : files) {
            String v = f.startsWith("\"") && f.endsWith("\"") ? f.substring(1, f.length() - 1) : f;
            v = v.startsWith("~/") ? home + v.substring(1) : v;
            out.add(SshConfig.expand(v, t, "dhnpru", "identityfile"));
        }
        return out;
    }

    private static Map<String, List<String>> sshG(Path conf, String alias) throws Exception {
        Map<String, List<String>> out = new HashMap<>();
        for (String line : run(List.of("ssh", "-G", "-F", conf.toString(), alias))) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                out.computeIfAbsent(line.substring(0, sp).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(sp + 1));
            }
        }
        assertFalse(out.isEmpty(), "ssh -G printed nothing for " + alias);
        return out;
    }

    private static List<String> run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), "exit status of " + cmd);
        return text.lines().toList();
    }
}
