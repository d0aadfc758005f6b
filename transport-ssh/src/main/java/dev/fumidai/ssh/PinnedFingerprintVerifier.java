// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerificationException.Kind;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Accepts exactly the host keys whose OpenSSH fingerprints ({@code SHA256:<base64>}, as {@code ssh-keygen -l}
 * prints them) are pinned. Several pins allow key rotation. For a certificate the pin is the fingerprint of
 * the certified key, as OpenSSH prints it; the certificate itself is then not evaluated.
 *
 * <h2>Failure</h2>
 * Any other key is refused with {@link Kind#MISMATCH}, naming the host and the presented fingerprint.
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe.
 */
public final class PinnedFingerprintVerifier implements HostKeyVerifier {

    private final Set<String> pins;

    private PinnedFingerprintVerifier(Set<String> pins) {
        this.pins = pins;
    }

    /**
     * Creates a verifier that accepts keys with one of the given fingerprints.
     *
     * @throws IllegalArgumentException if a fingerprint is not {@code SHA256:} followed by 43 base64 characters
     */
    public static PinnedFingerprintVerifier of(String... fingerprints) {
        if (fingerprints.length == 0) {
            throw new IllegalArgumentException("at least one fingerprint is required");
        }
        Set<String> pins = new LinkedHashSet<>();
        for (String f : fingerprints) {
            pins.add(normalise(f));
        }
        return new PinnedFingerprintVerifier(Set.copyOf(pins));
    }

    private static String normalise(String fingerprint) {
        String f = fingerprint.strip();
        if (!f.startsWith("SHA256:")) {
            throw new IllegalArgumentException("pinned fingerprint must start with SHA256: (ssh-keygen -l -E sha256)");
        }
        String b64 = f.substring(7);
        while (b64.endsWith("=")) {
            b64 = b64.substring(0, b64.length() - 1);
        }
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pinned fingerprint is not base64: " + f);
        }
        if (digest.length != 32) {
            throw new IllegalArgumentException("pinned fingerprint is not a SHA-256 digest: " + f);
        }
        return "SHA256:" + b64;
    }

    /** Returns the pinned fingerprints. */
    public List<String> fingerprints() {
        return List.copyOf(pins);
    }

    @Override
    public HostKeyVerdict verify(HostKeyCheck check) throws HostKeyVerificationException {
        SshPublicKey key = HostKeys.parse(check);
        if (pins.contains(key.fingerprint())) {
            return new HostKeyVerdict(VerifiedBy.PINNED, key.fingerprint(), false);
        }
        throw new HostKeyVerificationException(Kind.MISMATCH, "HOST KEY MISMATCH for " + HostKeys.label(check)
                + ": presented " + key.keyType() + " " + key.fingerprint() + " is not among the " + pins.size()
                + " pinned fingerprint(s)");
    }

    @Override
    public String toString() {
        return "PinnedFingerprintVerifier" + pins;
    }
}
