// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.ssh.HostKeyVerificationException.Kind;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsEntry;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsLookup;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Verifies host keys strictly against OpenSSH known_hosts files, like {@code StrictHostKeyChecking yes}.
 *
 * <p>Supports what OpenSSH's files hold: plain and hashed ({@code |1|}) host names, patterns with {@code *},
 * {@code ?} and {@code !}, {@code [host]:port} for ports other than 22, several keys per host, comments and
 * blank lines, {@code @cert-authority} (host certificates: host type, a principal equal to the host name,
 * the validity window, no critical options, CA trusted for the host's pattern) and {@code @revoked} (a revoked
 * key or CA is refused). A certificate whose CA is not trusted for the host is checked as its plain key, as
 * OpenSSH does. The files are read on every {@link #verify}, so edits take effect at the next connection.
 *
 * <h2>Failure</h2>
 * A key not in the files is refused ({@link Kind#UNKNOWN}), also when the host is known only with keys of
 * other types; a different key of the same type is {@link Kind#MISMATCH}; revoked keys and CAs are
 * {@link Kind#REVOKED}; unacceptable certificates {@link Kind#CERTIFICATE_INVALID}. A file that cannot be read
 * (other than missing) or a malformed {@code @revoked}/{@code @cert-authority} line refuses every key with
 * kind {@link Kind#VERIFIER_ERROR} and the error as the exception's cause. Every message names the host and the
 * key's fingerprint.
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe.
 */
public final class KnownHostsVerifier implements HostKeyVerifier, HostKeyAlgorithmPreference {

    private final List<Path> files;
    private final List<Path> revocationFiles;
    private final Clock clock;

    private KnownHostsVerifier(List<Path> files, List<Path> revocationFiles, Clock clock) {
        this.files = files;
        this.revocationFiles = revocationFiles;
        this.clock = clock;
    }

    /**
     * Creates a verifier that reads the given files in order (typically the user's and the global file).
     * Missing files count as empty.
     */
    public static KnownHostsVerifier of(Path... files) {
        if (files.length == 0) {
            throw new IllegalArgumentException("at least one known_hosts file is required");
        }
        return new KnownHostsVerifier(List.of(files), List.of(), Clock.systemUTC());
    }

    /**
     * Creates a verifier over OpenSSH's default files: {@code ~/.ssh/known_hosts}, {@code ~/.ssh/known_hosts2},
     * {@code /etc/ssh/ssh_known_hosts}, {@code /etc/ssh/ssh_known_hosts2} ({@code ssh_config(5)}
     * UserKnownHostsFile and GlobalKnownHostsFile).
     */
    public static KnownHostsVerifier openSshDefaults() {
        return of(userKnownHosts(), userKnownHosts().resolveSibling("known_hosts2"),
                Path.of("/etc/ssh/ssh_known_hosts"), Path.of("/etc/ssh/ssh_known_hosts2"));
    }

    /** Returns {@code ~/.ssh/known_hosts}. */
    public static Path userKnownHosts() {
        return Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    }

    /** Returns a copy that checks certificate validity against another clock (for tests and replay). */
    public KnownHostsVerifier withClock(Clock clock) {
        return new KnownHostsVerifier(files, revocationFiles, Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Returns a copy that also refuses keys listed in revocation files, like OpenSSH's {@code RevokedHostKeys}:
     * binary KRLs written by {@code ssh-keygen -k} (certificates by serial or key ID, keys explicitly or by
     * hash) or text files of public keys. A revocation file that is missing or unreadable refuses every key.
     */
    public KnownHostsVerifier withRevokedHostKeys(Path... revocationFiles) {
        return new KnownHostsVerifier(files, List.of(revocationFiles), clock);
    }

    /** Returns the files read, in order. */
    public List<Path> files() {
        return files;
    }

    @Override
    public HostKeyVerdict verify(HostKeyCheck check) throws HostKeyVerificationException {
        SshPublicKey key = HostKeys.parse(check);
        KnownHostsDecisions.checkRevocations(revocationFiles, check, key);
        List<KnownHostsEntry> entries = KnownHostsDecisions.read(files, check);
        KnownHostsLookup.Result result =
                KnownHostsLookup.lookup(entries, check.hostName(), check.port(), key, clock.instant());
        HostKeyVerdict verdict = KnownHostsDecisions.decide(result, check, key);
        if (verdict != null) {
            return verdict;
        }
        throw new HostKeyVerificationException(Kind.UNKNOWN, "host key of " + HostKeys.label(check) + " ("
                + key.keyType() + " " + key.fingerprint() + ") is not in " + files + ": " + result.detail());
    }

    @Override
    public List<String> preferredHostKeyAlgorithms(String hostName, int port) {
        List<KnownHostsEntry> entries = new java.util.ArrayList<>();
        for (Path file : files) {
            try {
                entries.addAll(dev.fumidai.ssh.internal.knownhosts.KnownHostsParser.read(file));
            } catch (Exception e) {
                return List.of(); // verify() reports the problem and refuses
            }
        }
        return KnownHostsLookup.recordedAlgorithms(entries, hostName, port);
    }

    @Override
    public String toString() {
        return "KnownHostsVerifier" + files;
    }
}
