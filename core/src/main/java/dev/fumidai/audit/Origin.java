// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.Objects;

/**
 * Identifies where events originate ({@code origin.host}, {@code origin.process}): the host and process
 * running the library.
 */
public record Origin(String host, String processName, long pid, String libraryVersion) {

    public Origin {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(processName, "processName");
        Objects.requireNonNull(libraryVersion, "libraryVersion");
    }
}
