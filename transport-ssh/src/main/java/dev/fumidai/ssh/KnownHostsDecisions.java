// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerificationException.Kind;
import dev.fumidai.ssh.internal.keys.InvalidSshKeyException;
import dev.fumidai.ssh.internal.keys.KeyRevocationList;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsEntry;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsLookup;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads known_hosts files and turns lookups into verdicts or exceptions; shared by the file verifiers. */
final class KnownHostsDecisions {

    private KnownHostsDecisions() {
    }

    /** Reads every file in order; any error other than a missing file rejects ({@code docs/security.md}). */
    static List<KnownHostsEntry> read(List<Path> files, HostKeyCheck check) throws HostKeyVerificationException {
        List<KnownHostsEntry> all = new ArrayList<>();
        for (Path file : files) {
            try {
                all.addAll(KnownHostsParser.read(file));
            } catch (IOException | InvalidSshKeyException | RuntimeException e) {
                throw HostKeys.withCause(new HostKeyVerificationException(Kind.VERIFIER_ERROR,
                        "cannot verify the host key of " + label(check) + ": reading " + file + " failed: "
                                + e.getMessage()), e);
            }
        }
        return all;
    }

    /**
     * Refuses a key revoked by any of the revocation files (KRL or key list, OpenSSH {@code RevokedHostKeys});
     * a file that cannot be read or parsed refuses every key.
     */
    static void checkRevocations(List<Path> revocationFiles, HostKeyCheck check, SshPublicKey key)
            throws HostKeyVerificationException {
        for (Path file : revocationFiles) {
            KeyRevocationList krl;
            try {
                krl = KeyRevocationList.read(file);
            } catch (IOException | InvalidSshKeyException | RuntimeException e) {
                throw HostKeys.withCause(new HostKeyVerificationException(Kind.VERIFIER_ERROR,
                        "cannot verify the host key of " + label(check) + ": revocation list " + file
                                + " is unusable: " + e.getMessage()), e);
            }
            if (krl.isRevoked(key)) {
                throw new HostKeyVerificationException(Kind.REVOKED, "host key of " + label(check) + " ("
                        + key.keyType() + " " + key.fingerprint() + ") is revoked by " + file);
            }
        }
    }

    /**
     * Returns the verdict for an accepting result, or {@code null} for NOT_FOUND and OTHER_TYPES (the caller
     * decides: strict rejects, TOFU records), and throws for the rejecting ones.
     */
    static @Nullable HostKeyVerdict decide(KnownHostsLookup.Result result, HostKeyCheck check, SshPublicKey key)
            throws HostKeyVerificationException {
        String who = label(check) + " (" + key.keyType() + " " + key.fingerprint() + ")";
        return switch (result.status()) {
            case KEY_ACCEPTED -> new HostKeyVerdict(VerifiedBy.KNOWN_HOSTS, key.fingerprint(), false);
            case CA_ACCEPTED -> new HostKeyVerdict(VerifiedBy.CA, key.fingerprint(), false);
            case REVOKED -> throw new HostKeyVerificationException(Kind.REVOKED,
                    "host key of " + who + " is revoked: " + result.detail());
            case CERTIFICATE_INVALID -> throw new HostKeyVerificationException(Kind.CERTIFICATE_INVALID,
                    "host certificate of " + who + " is not acceptable: " + result.detail());
            case CHANGED -> throw new HostKeyVerificationException(Kind.MISMATCH,
                    "HOST KEY MISMATCH for " + who + ": " + result.detail()
                            + "; someone may be intercepting the connection, or the host key was changed");
            case OTHER_TYPES, NOT_FOUND -> null;
        };
    }

    static String label(HostKeyCheck check) {
        return HostKeys.label(check);
    }
}
