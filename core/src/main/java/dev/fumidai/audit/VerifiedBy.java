// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/** Lists how a host key was verified ({@code hops[i].host_key.verified_by}). */
public enum VerifiedBy {
    KNOWN_HOSTS("known_hosts"),
    CA("ca"),
    PINNED("pinned"),
    TOFU("tofu"),
    /** The application's own verifier decided. */
    CUSTOM("custom"),
    /** Nothing verified the key: only with the explicitly insecure accept-any verifier. */
    UNVERIFIED("unverified");

    private final String wireName;

    VerifiedBy(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name written in the {@code verified_by} field. */
    public String wireName() {
        return wireName;
    }
}
