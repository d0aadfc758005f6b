// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.fuzz;

/**
 * Shared settings of the fuzz targets in this package (docs/fuzzing.md). Without {@code JAZZER_FUZZ} each
 * {@code @FuzzTest} runs once per file of its committed corpus; with it (profile {@code fuzz}) it fuzzes for
 * {@code fumidai.fuzz.seconds}.
 */
final class FuzzTargets {

    /**
     * Upper bound on one target's fuzzing time under the {@code fuzz} profile; the profile's
     * {@code fumidai.fuzz.seconds} (default 60) sets the actual time below it. Annotation values must be constants.
     */
    static final String MAX_DURATION = "60m";

    private FuzzTargets() {
    }
}
