// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs the private-database example from the packaged jar against a real PostgreSQL it starts (Debian
 * {@code postgresql}) and two embedded bastions, and checks that both ways reached the server.
 */
@Tag("interop")
class PrivateDatabaseExampleIT {

    @Test
    void theExampleQueriesPostgresThroughTheFactoryAndAForward() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/initdb")),
                "PostgreSQL 15 is not installed; the interop tests need the Debian package postgresql");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                Path.of("target", "fumidai-demo.jar").toString(), PrivateDatabaseExample.class.getName())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "finished in time");
        assertEquals(0, p.exitValue(), out);
        Matcher db = Pattern.compile("PostgreSQL on 127\\.0\\.0\\.1:(\\d+)").matcher(out);
        assertTrue(db.find(), out);
        String port = db.group(1);
        assertTrue(out.contains("1. socket factory"), out);
        assertTrue(out.contains("2. local forward"), out);
        Matcher answers = Pattern.compile("server PostgreSQL 15\\.\\S+ on port " + port + " says 6 \\* 7 = 42")
                .matcher(out);
        int n = 0;
        while (answers.find()) {
            n++;
        }
        assertEquals(2, n, "both ways reached the server: " + out);
        assertTrue(out.contains("in-process -> 127.0.0.1:" + port), out);
    }
}
