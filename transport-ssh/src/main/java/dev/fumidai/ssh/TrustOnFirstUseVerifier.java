// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyVerificationException.Kind;
import dev.fumidai.ssh.internal.keys.OpenSshCertificate;
import dev.fumidai.ssh.internal.keys.PlainSshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsEntry;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsLookup;
import dev.fumidai.ssh.internal.knownhosts.KnownHostsWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts the key of a host seen for the first time and records it, like OpenSSH's
 * {@code StrictHostKeyChecking accept-new}; known hosts are verified exactly as {@link KnownHostsVerifier}
 * does. Only a caller that asks for it by name gets this behaviour ({@code docs/security.md}): the first
 * connection to a host trusts whoever answers.
 *
 * <p>A new key is appended as a hashed entry ({@code |1|salt|hash}, as {@code HashKnownHosts yes} writes it)
 * to the record file, or with the plain host name after {@link #withHashedHostNames withHashedHostNames(false)};
 * the file is never rewritten. The verdict says {@link VerifiedBy#TOFU} and
 * {@code recorded=true}, for the {@code hop.hostkey} audit event's {@code accepted-new} outcome.
 *
 * <h2>Failure</h2>
 * A changed key ({@link Kind#MISMATCH}), a revoked key or CA ({@link Kind#REVOKED}) and an unacceptable
 * certificate from a trusted CA ({@link Kind#CERTIFICATE_INVALID}) are refused and nothing is written.
 * Unlike OpenSSH's accept-new, a host that is already known with keys of <em>other</em> types is not given a
 * new key silently: that is refused as {@link Kind#MISMATCH} ({@code docs/security.md}; curl CVE-2026-9547).
 * A presented certificate whose CA is not trusted is recorded as its plain key, as OpenSSH does. Any I/O
 * error refuses the key.
 *
 * <h2>Threading</h2>
 * Thread-safe; concurrent first connections to one host, in this JVM or in others using this class, record
 * one entry: the decision is made again under a file lock (see {@code KnownHostsWriter}).
 */
public final class TrustOnFirstUseVerifier implements HostKeyVerifier, HostKeyAlgorithmPreference {

    private static final Logger LOG = LoggerFactory.getLogger(TrustOnFirstUseVerifier.class);

    private final Path recordFile;
    private final List<Path> readOnlyFiles;
    private final List<Path> revocationFiles;
    private final Clock clock;
    private final boolean hashHostNames;

    private TrustOnFirstUseVerifier(Path recordFile, List<Path> readOnlyFiles, List<Path> revocationFiles,
            Clock clock, boolean hashHostNames) {
        this.recordFile = recordFile;
        this.readOnlyFiles = readOnlyFiles;
        this.revocationFiles = revocationFiles;
        this.clock = clock;
        this.hashHostNames = hashHostNames;
    }

    /**
     * Creates a verifier that checks {@code recordFile} (and then any {@code alsoRead} files, such as the
     * global {@code /etc/ssh/ssh_known_hosts}) and appends keys of unknown hosts to {@code recordFile}.
     */
    public static TrustOnFirstUseVerifier acceptNewAndRecord(Path recordFile, Path... alsoRead) {
        return new TrustOnFirstUseVerifier(Objects.requireNonNull(recordFile, "recordFile"), List.of(alsoRead),
                List.of(), Clock.systemUTC(), true);
    }

    /** Returns a copy that checks certificate validity against another clock. */
    public TrustOnFirstUseVerifier withClock(Clock clock) {
        return new TrustOnFirstUseVerifier(recordFile, readOnlyFiles, revocationFiles,
                Objects.requireNonNull(clock, "clock"), hashHostNames);
    }

    /**
     * Returns a copy that records new keys under a hashed host name ({@code true}, the default) or the plain
     * one, as OpenSSH's {@code HashKnownHosts yes} or {@code no} does. Lookups read both forms either way.
     */
    public TrustOnFirstUseVerifier withHashedHostNames(boolean hash) {
        return new TrustOnFirstUseVerifier(recordFile, readOnlyFiles, revocationFiles, clock, hash);
    }

    /** Says whether new keys are recorded under a hashed host name. */
    public boolean isHashingHostNames() {
        return hashHostNames;
    }

    /**
     * Returns a copy that refuses (and never records) keys listed in revocation files, as
     * {@link KnownHostsVerifier#withRevokedHostKeys} does.
     */
    public TrustOnFirstUseVerifier withRevokedHostKeys(Path... revocationFiles) {
        return new TrustOnFirstUseVerifier(recordFile, readOnlyFiles, List.of(revocationFiles), clock, hashHostNames);
    }

    @Override
    public HostKeyVerdict verify(HostKeyCheck check) throws HostKeyVerificationException {
        SshPublicKey key = HostKeys.parse(check);
        KnownHostsDecisions.checkRevocations(revocationFiles, check, key);
        List<KnownHostsEntry> others = KnownHostsDecisions.read(readOnlyFiles, check);
        List<KnownHostsEntry> firstLook = new ArrayList<>(KnownHostsDecisions.read(List.of(recordFile), check));
        firstLook.addAll(others);
        HostKeyVerdict known = decideOrNull(firstLook, check, key);
        if (known != null) {
            return known;
        }
        PlainSshPublicKey plain = key instanceof OpenSshCertificate cert ? cert.publicKey() : (PlainSshPublicKey) key;
        String line;
        try {
            line = hashHostNames ? KnownHostsWriter.hashedLine(check.hostName(), check.port(), plain)
                    : KnownHostsWriter.plainLine(check.hostName(), check.port(), plain);
        } catch (IllegalArgumentException e) {
            // Issue #10, must hold 9: a name that a known_hosts line would read as a pattern is never recorded.
            throw new HostKeyVerificationException(Kind.UNKNOWN, "host key of " + HostKeys.label(check) + " ("
                    + key.fingerprint() + ") not recorded: " + e.getMessage());
        }
        HostKeyVerdict[] underLock = new HostKeyVerdict[1];
        boolean written;
        try {
            written = KnownHostsWriter.appendIf(recordFile, line, current -> {
                List<KnownHostsEntry> all = new ArrayList<>(current);
                all.addAll(others);
                underLock[0] = decideOrNull(all, check, key);
                return underLock[0] == null;
            });
        } catch (HostKeyVerificationException e) {
            throw e;
        } catch (Exception e) {
            throw HostKeys.withCause(new HostKeyVerificationException(Kind.VERIFIER_ERROR, "cannot record the host key of "
                    + HostKeys.label(check) + " (" + key.fingerprint() + ") in " + recordFile + ": "
                    + e.getMessage()), e);
        }
        if (!written) {
            return underLock[0]; // someone recorded this very key meanwhile
        }
        LOG.info("recorded new host key for {} ({} {}) in {}", HostKeys.label(check), plain.keyType(),
                plain.fingerprint(), recordFile);
        return new HostKeyVerdict(VerifiedBy.TOFU, plain.fingerprint(), true);
    }

    /** Returns a verdict for known keys, {@code null} for a host never seen, and throws for everything else. */
    private @Nullable HostKeyVerdict decideOrNull(List<KnownHostsEntry> entries, HostKeyCheck check, SshPublicKey key)
            throws HostKeyVerificationException {
        KnownHostsLookup.Result result =
                KnownHostsLookup.lookup(entries, check.hostName(), check.port(), key, clock.instant());
        HostKeyVerdict verdict = KnownHostsDecisions.decide(result, check, key);
        if (verdict != null) {
            return verdict;
        }
        String name = dev.fumidai.ssh.internal.knownhosts.HostPatterns.lookupName(check.hostName(), check.port());
        for (KnownHostsEntry e : entries) {
            // Issue #10, must hold 6: a host a @cert-authority line covers is known; a raw key (or a certificate
            // from another CA) is never trusted on first use in place of its certificate.
            if (e.marker() == KnownHostsEntry.Marker.CERT_AUTHORITY
                    && e.matchHost(name) == dev.fumidai.ssh.internal.knownhosts.HostPatterns.Match.MATCH) {
                throw new HostKeyVerificationException(Kind.MISMATCH, "host key of " + HostKeys.label(check) + " ("
                        + key.keyType() + " " + key.fingerprint() + ") not recorded: the host is trusted through "
                        + "@cert-authority at " + e.location() + " and did not present a certificate that CA signed");
            }
        }
        if (result.status() == KnownHostsLookup.Status.OTHER_TYPES) {
            throw new HostKeyVerificationException(Kind.MISMATCH, "host key of " + HostKeys.label(check) + " ("
                    + key.keyType() + " " + key.fingerprint() + ") not recorded: " + result.detail()
                    + "; a new key type for a known host is not trusted on first use");
        }
        return null;
    }

    @Override
    public List<String> preferredHostKeyAlgorithms(String hostName, int port) {
        List<KnownHostsEntry> entries = new java.util.ArrayList<>();
        for (Path file : allFiles()) {
            try {
                entries.addAll(dev.fumidai.ssh.internal.knownhosts.KnownHostsParser.read(file));
            } catch (Exception e) {
                return List.of(); // verify() reports the problem and refuses
            }
        }
        return KnownHostsLookup.recordedAlgorithms(entries, hostName, port);
    }

    private List<Path> allFiles() {
        List<Path> all = new java.util.ArrayList<>();
        all.add(recordFile);
        all.addAll(readOnlyFiles);
        return all;
    }

    @Override
    public String toString() {
        return "TrustOnFirstUseVerifier[record=" + recordFile + ", alsoRead=" + readOnlyFiles + "]";
    }
}
