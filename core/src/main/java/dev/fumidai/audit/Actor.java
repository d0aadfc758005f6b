// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Identifies who acts ({@code actor.*}, PCI DSS 10.2.2 "user identification"), as the embedding
 * application says: an SSO subject, an employee id, or {@code service:<name>} for machines.
 *
 * @param id stable principal id; required, never blank (class: sensitive)
 * @param name display name or e-mail, or {@code null} (sensitive)
 * @param roles roles, possibly empty (public)
 * @param onBehalfOf the impersonating principal, or {@code null} (sensitive)
 * @param mfa whether the actor passed MFA, or {@code null} when unknown (public)
 */
public record Actor(String id, @Nullable String name, List<String> roles, @Nullable String onBehalfOf,
        @Nullable Boolean mfa) {

    public Actor {
        Objects.requireNonNull(id, "actor id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("actor id must not be blank");
        }
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    /** Returns an actor with only an id. */
    public static Actor of(String id) {
        return new Actor(id, null, List.of(), null, null);
    }
}
