// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the two example programs from the packaged jar, as the README says, and checks what they print. */
class ExampleProgramsIT {

    private record Run(int exit, String out) {
    }

    private static Run example(Class<?> main) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                Path.of("target", "fumidai-demo.jar").toString(), main.getName()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished in time");
        return new Run(p.exitValue(), out);
    }

    @Test
    void theJdbcExampleQueriesTheDatabaseThroughAForward() throws Exception {
        Run r = example(JdbcForwardExample.class);
        assertEquals(0, r.exit(), r.out());
        Matcher db = Pattern.compile("database \\(H2\\) on 127\\.0\\.0\\.1:(\\d+)").matcher(r.out());
        Matcher fwd = Pattern.compile("JDBC URL jdbc:h2:tcp://127\\.0\\.0\\.1:(\\d+)/mem:inventory").matcher(r.out());
        assertTrue(db.find() && fwd.find(), r.out());
        assertTrue(!db.group(1).equals(fwd.group(1)), "the JDBC URL uses the forward's port, not the database's");
        assertTrue(r.out().contains("  bolt 120\n  nut 300\n  washer 75\n"), r.out());
        assertTrue(r.out().contains("connections relayed: 1"), r.out());
    }

    @Test
    void theConnectExampleSpeaksItsProtocolOverAnInProcessStream() throws Exception {
        Run r = example(ConnectProtocolExample.class);
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("> SUM 1 2 3 4   < 10"), r.out());
        assertTrue(r.out().contains("> ECHO through two bastions   < through two bastions"), r.out());
        assertTrue(r.out().contains("> SUM 40 2   < 42"), r.out());
        assertTrue(r.out().contains("the service closed: true"), r.out());
        Matcher bytes = Pattern.compile("bytes sent (\\d+), received (\\d+)").matcher(r.out());
        assertTrue(bytes.find(), r.out());
        // Three frames each way: 4-byte headers plus the text.
        assertEquals(4 * 3 + "SUM 1 2 3 4ECHO through two bastionsSUM 40 2".length(), Integer.parseInt(bytes.group(1)));
        assertEquals(4 * 3 + "10through two bastions42".length(), Integer.parseInt(bytes.group(2)));
    }
}
