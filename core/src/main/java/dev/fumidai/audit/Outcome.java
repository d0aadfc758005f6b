// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/** Says whether the audited action worked ({@code outcome}, PCI DSS 10.2.2 "success and failure indication"). */
public enum Outcome {
    SUCCESS("success"),
    FAILURE("failure"),
    DENIED("denied"),
    ERROR("error");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name written in the {@code outcome} field. */
    public String wireName() {
        return wireName;
    }
}
