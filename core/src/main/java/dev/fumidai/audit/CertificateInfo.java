// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.time.Instant;
import java.util.List;

/** Describes an OpenSSH certificate used as a credential ({@code credential.cert}); all public. */
public record CertificateInfo(String keyId, long serial, String caFingerprint, List<String> principals,
        Instant validBefore) {

    public CertificateInfo {
        principals = principals == null ? List.of() : List.copyOf(principals);
    }
}
