// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.OpenSshCertificate;
import dev.fumidai.ssh.internal.keys.PlainSshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Decides what known_hosts entries say about a presented host key, following OpenSSH's
 * {@code check_host_key} ({@code sshconnect.c}) and {@code check_hostkeys_by_key_or_type} ({@code hostfile.c}).
 *
 * <p>Order of the checks:
 * <ol>
 *   <li>{@code @revoked}: the key, the certified key of a certificate, or the certificate's CA listed for
 *       this host means {@link Status#REVOKED}.</li>
 *   <li>A certificate whose CA is listed {@code @cert-authority} for this host is validated fully (host type,
 *       non-empty principals containing the host name, validity window, no critical options, no SHA-1 CA
 *       signature): {@link Status#CA_ACCEPTED} or {@link Status#CERTIFICATE_INVALID}. An invalid certificate
 *       is never rescued by a plain entry.</li>
 *   <li>A certificate whose CA is not trusted for this host is looked up as its plain key: OpenSSH's
 *       documented fallback ("No matching CA found. Retry with plain key"). If the CA is trusted only for
 *       other host patterns and no plain key matches, the result is {@link Status#CERTIFICATE_INVALID}.</li>
 *   <li>A plain entry with the same key: {@link Status#KEY_ACCEPTED}. One of the same key type with another
 *       key: {@link Status#CHANGED}. Only entries of other key types: {@link Status#OTHER_TYPES}. None:
 *       {@link Status#NOT_FOUND}.</li>
 * </ol>
 * Entries from all files count together; a line whose host field has a matching negated pattern does not
 * apply to the host.
 */
public final class KnownHostsLookup {

    /** Says what the entries decided. */
    public enum Status {
        KEY_ACCEPTED,
        CA_ACCEPTED,
        REVOKED,
        CERTIFICATE_INVALID,
        CHANGED,
        OTHER_TYPES,
        NOT_FOUND
    }

    /**
     * Is the lookup's outcome.
     *
     * @param status what was decided
     * @param entry the entry that decided it (matching key, CA, revocation or changed key), or {@code null}
     * @param detail a human-readable reason naming file and line where there is one
     */
    public record Result(Status status, KnownHostsEntry entry, String detail) {
    }

    private KnownHostsLookup() {
    }

    /**
     * Looks up a presented key for a host.
     *
     * @param entries the entries of every file, in file order
     * @param hostName the logical host name (principals are matched against it)
     * @param port the port; non-22 ports look up {@code [host]:port}
     * @param presented the key or certificate the server presented
     * @param now the time to check certificate validity at
     */
    public static Result lookup(List<KnownHostsEntry> entries, String hostName, int port, SshPublicKey presented,
            Instant now) {
        String name = HostPatterns.lookupName(hostName, port);
        List<KnownHostsEntry> forHost = new ArrayList<>();
        for (KnownHostsEntry e : entries) {
            if (e.matchHost(name) == HostPatterns.Match.MATCH) {
                forHost.add(e);
            }
        }
        OpenSshCertificate cert = presented instanceof OpenSshCertificate c ? c : null;
        PlainSshPublicKey plain = cert != null ? cert.publicKey() : (PlainSshPublicKey) presented;

        for (KnownHostsEntry e : forHost) {
            if (e.marker() == KnownHostsEntry.Marker.REVOKED) {
                if (e.key().equals(plain)) {
                    return new Result(Status.REVOKED, e, "key " + plain.fingerprint() + " is @revoked at "
                            + e.location());
                }
                if (cert != null && e.key().equals(cert.signatureKey())) {
                    return new Result(Status.REVOKED, e, "certificate CA " + cert.signatureKey().fingerprint()
                            + " is @revoked at " + e.location());
                }
            }
        }

        if (cert != null) {
            for (KnownHostsEntry e : forHost) {
                if (e.marker() == KnownHostsEntry.Marker.CERT_AUTHORITY && e.key().equals(cert.signatureKey())) {
                    String problem = certificateProblem(cert, hostName, now);
                    return problem == null
                            ? new Result(Status.CA_ACCEPTED, e, "host certificate signed by CA at " + e.location())
                            : new Result(Status.CERTIFICATE_INVALID, e, problem);
                }
            }
        }

        Result plainResult = lookupPlain(forHost, plain);
        if (cert != null && plainResult.status() != Status.KEY_ACCEPTED && plainResult.status() != Status.CHANGED) {
            for (KnownHostsEntry e : entries) {
                if (e.marker() == KnownHostsEntry.Marker.CERT_AUTHORITY && e.key().equals(cert.signatureKey())) {
                    return new Result(Status.CERTIFICATE_INVALID, e, "certificate CA "
                            + cert.signatureKey().fingerprint() + " is trusted at " + e.location()
                            + " only for hosts '" + e.hosts() + "', not for " + name);
                }
            }
        }
        return plainResult;
    }

    /**
     * Returns the host-key algorithms recorded for a host: if a {@code @cert-authority} line matches, the
     * certificate algorithms of every key type (a CA of any type can sign a host key of any type), then the
     * algorithms of each plain entry's key, in file order, without duplicates. {@code ssh-rsa} (SHA-1) is
     * never proposed. Revoked entries add nothing.
     */
    public static java.util.List<String> recordedAlgorithms(List<KnownHostsEntry> entries, String hostName, int port) {
        String name = HostPatterns.lookupName(hostName, port);
        java.util.LinkedHashSet<String> certs = new java.util.LinkedHashSet<>();
        java.util.LinkedHashSet<String> plain = new java.util.LinkedHashSet<>();
        for (KnownHostsEntry e : entries) {
            if (e.matchHost(name) != HostPatterns.Match.MATCH) {
                continue;
            }
            if (e.marker() == KnownHostsEntry.Marker.CERT_AUTHORITY) {
                for (String type : ALL_KEY_TYPES) {
                    for (String algorithm : algorithmsFor(type)) {
                        certs.add(algorithm + KeyAlgorithms.CERT_SUFFIX);
                    }
                }
            } else if (e.marker() == KnownHostsEntry.Marker.NONE) {
                plain.addAll(algorithmsFor(e.key().keyType()));
            }
        }
        java.util.List<String> out = new ArrayList<>(certs);
        out.addAll(plain);
        return out;
    }

    private static final List<String> ALL_KEY_TYPES = List.of(KeyAlgorithms.SSH_ED25519, KeyAlgorithms.ECDSA_NISTP256,
            KeyAlgorithms.ECDSA_NISTP384, KeyAlgorithms.ECDSA_NISTP521, KeyAlgorithms.SSH_RSA);

    private static List<String> algorithmsFor(String keyType) {
        return KeyAlgorithms.SSH_RSA.equals(keyType)
                ? List.of(KeyAlgorithms.RSA_SHA2_512, KeyAlgorithms.RSA_SHA2_256)
                : List.of(keyType);
    }

    private static Result lookupPlain(List<KnownHostsEntry> forHost, PlainSshPublicKey plain) {
        KnownHostsEntry sameType = null;
        TreeSet<String> otherTypes = new TreeSet<>();
        for (KnownHostsEntry e : forHost) {
            if (e.marker() != KnownHostsEntry.Marker.NONE) {
                continue;
            }
            if (e.key().equals(plain)) {
                return new Result(Status.KEY_ACCEPTED, e, "key found at " + e.location());
            }
            if (e.key().keyType().equals(plain.keyType())) {
                if (sameType == null) {
                    sameType = e;
                }
            } else {
                otherTypes.add(e.key().keyType());
            }
        }
        if (sameType != null) {
            return new Result(Status.CHANGED, sameType, "a different " + plain.keyType() + " key "
                    + sameType.key().fingerprint() + " is recorded at " + sameType.location());
        }
        if (!otherTypes.isEmpty()) {
            return new Result(Status.OTHER_TYPES, null, "host is known only with key types " + otherTypes);
        }
        return new Result(Status.NOT_FOUND, null, "no entry for the host");
    }

    /**
     * Returns why a host certificate from a trusted CA is unacceptable, or {@code null} if it is acceptable
     * (OpenSSH {@code check_host_cert} and {@code sshkey_cert_check_authority}).
     */
    public static String certificateProblem(OpenSshCertificate cert, String hostName, Instant now) {
        if (cert.type() != OpenSshCertificate.Type.HOST) {
            return "certificate " + describe(cert) + " is a user certificate, not a host certificate";
        }
        if (cert.principals().isEmpty()) {
            // OpenSSH 5166b6cbf: empty principals used to mean "any host"; that is fail-open (CVE-2024-7594).
            return "host certificate " + describe(cert) + " has no principals";
        }
        String lower = hostName.toLowerCase(Locale.ROOT);
        boolean named = false;
        for (String p : cert.principals()) {
            if (p.toLowerCase(Locale.ROOT).equals(lower)) {
                named = true;
                break;
            }
        }
        if (!named) {
            return "host certificate " + describe(cert) + " is not valid for " + hostName + "; principals "
                    + cert.principals();
        }
        if (!cert.isValidAt(now)) {
            return "host certificate " + describe(cert) + " is not valid at " + now + " (valid from "
                    + instant(cert.validAfter()) + " before " + instant(cert.validBefore()) + ")";
        }
        if (!cert.criticalOptionNames().isEmpty()) {
            return "host certificate " + describe(cert) + " has critical options " + cert.criticalOptionNames()
                    + ", none of which is defined for host certificates";
        }
        if (KeyAlgorithms.SSH_RSA.equals(cert.caSignatureAlgorithm())) {
            // OpenSSH's default CASignatureAlgorithms excludes ssh-rsa (SHA-1) since 8.2.
            return "host certificate " + describe(cert) + " is signed with ssh-rsa (SHA-1), which is not accepted";
        }
        return null;
    }

    private static String describe(OpenSshCertificate cert) {
        return "'" + cert.keyId().replaceAll("[^\\x20-\\x7e]", "?") + "' (serial "
                + Long.toUnsignedString(cert.serial()) + ")";
    }

    private static String instant(long seconds) {
        if (seconds == OpenSshCertificate.FOREVER) {
            return "forever";
        }
        if (seconds < 0 || seconds > Instant.MAX.getEpochSecond()) {
            return Long.toUnsignedString(seconds);
        }
        return Instant.ofEpochSecond(seconds).toString();
    }
}
