// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/** Describes a hop's host key ({@code hops[i].host_key}); {@code verifiedBy} is null when it was rejected. */
public record HostKeyInfo(String alg, String fingerprint, @Nullable VerifiedBy verifiedBy) {
}
