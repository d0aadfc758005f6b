// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Reads the library version from {@code version.properties}, which Maven filters with the POM's
 * {@code project.version} at build time, so the version in audit records never drifts from the artifact's.
 * A resource rather than the jar manifest's {@code Implementation-Version}: a named module's package carries no
 * manifest attributes, and classes run from {@code target/classes} in tests have no manifest at all.
 */
public final class LibraryVersion {

    /** The version of the fumidai artifacts this class was built with, e.g. {@code 0.1.0}. */
    public static final String VALUE = read();

    private LibraryVersion() {
    }

    private static String read() {
        try (InputStream in = LibraryVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/fumidai/internal/version.properties missing from fumidai-core");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.contains("${")) {
                throw new IllegalStateException("fumidai-core was built without resource filtering: version=" + v);
            }
            return v.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fumidai-core's version.properties", e);
        }
    }
}
