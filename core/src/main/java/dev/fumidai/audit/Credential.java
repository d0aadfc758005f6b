// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Describes the credential presented ({@code credential.*}). Never holds the secret itself: a
 * fingerprint, certificate facts or an AWS identity only.
 *
 * @param type the kind of credential
 * @param fingerprint {@code SHA256:...} of the public key, or {@code null}
 * @param cert certificate facts, or {@code null}
 * @param aws AWS identity for SSM hops, or {@code null}
 */
public record Credential(CredentialType type, @Nullable String fingerprint, @Nullable CertificateInfo cert,
        @Nullable AwsIdentity aws) {

    public Credential {
        Objects.requireNonNull(type, "type");
    }

    /** Returns a credential of a type with no further facts. */
    public static Credential of(CredentialType type) {
        return new Credential(type, null, null, null);
    }
}
