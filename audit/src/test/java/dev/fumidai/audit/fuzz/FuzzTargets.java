// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.fuzz;

/**
 * Shared settings of the fuzz targets in this package (docs/fuzzing.md). Without {@code JAZZER_FUZZ} each
 * {@code @FuzzTest} runs once per file of its committed corpus; with it (profile {@code fuzz}) it fuzzes for
 * {@link #MAX_DURATION}.
 */
final class FuzzTargets {

    /** How long one target fuzzes under the {@code fuzz} profile (annotation values must be constants). */
    static final String MAX_DURATION = "60s";

    private FuzzTargets() {
    }
}
