// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Creates and removes the scratch directories of a benchmark trial. */
final class Dirs {

    private Dirs() {
    }

    /** Creates a fresh directory under {@code java.io.tmpdir} (set {@code -Djava.io.tmpdir} to measure a disk). */
    static Path create(String prefix) throws IOException {
        return Files.createTempDirectory("fumidai-bench-" + prefix);
    }

    /** Deletes the directory and everything in it. */
    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
