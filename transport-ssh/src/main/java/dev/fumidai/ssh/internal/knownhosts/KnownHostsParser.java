// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import dev.fumidai.ssh.internal.keys.InvalidSshKeyException;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.PlainSshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads known_hosts text into {@link KnownHostsEntry} lines.
 *
 * <h2>Failure</h2>
 * A missing file reads as empty (OpenSSH does the same for the user and global files). Any other I/O error
 * is thrown: the verifier turns it into a rejection. Lines OpenSSH would skip are skipped: blank lines,
 * comments, keys of types this library does not support (DSA, security keys, XMSS: they cannot match a key we
 * accept). A malformed line with a supported key type is skipped with a warning, except under
 * {@code @revoked} or {@code @cert-authority}: a broken revocation or CA line fails the whole read, because
 * ignoring it could accept a key the file meant to refuse (fail closed, security checklist H1).
 */
public final class KnownHostsParser {

    private static final Logger LOG = LoggerFactory.getLogger(KnownHostsParser.class);

    /** Key types we parse; lines with other types are skipped as OpenSSH skips types it does not know. */
    private static final Set<String> SUPPORTED_TYPES = Set.of(KeyAlgorithms.SSH_ED25519, KeyAlgorithms.SSH_RSA,
            KeyAlgorithms.ECDSA_NISTP256, KeyAlgorithms.ECDSA_NISTP384, KeyAlgorithms.ECDSA_NISTP521);

    private KnownHostsParser() {
    }

    /** Reads a file; a missing file yields no entries. */
    public static List<KnownHostsEntry> read(Path file) throws IOException, InvalidSshKeyException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return parse(text, file.toString());
    }

    /** Parses known_hosts text; {@code source} names it in messages. */
    public static List<KnownHostsEntry> parse(String text, String source) throws InvalidSshKeyException {
        List<KnownHostsEntry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            KnownHostsEntry entry = parseLine(lines[i], source, i + 1);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** Parses one line; returns {@code null} for lines that carry no usable key. */
    static KnownHostsEntry parseLine(String raw, String source, int lineNumber) throws InvalidSshKeyException {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        String[] words = line.split("[ \t]+", 5);
        int at = 0;
        KnownHostsEntry.Marker marker = KnownHostsEntry.Marker.NONE;
        if (words[0].startsWith("@")) {
            if ("@cert-authority".equals(words[0])) {
                marker = KnownHostsEntry.Marker.CERT_AUTHORITY;
            } else if ("@revoked".equals(words[0])) {
                marker = KnownHostsEntry.Marker.REVOKED;
            } else {
                LOG.warn("{}:{}: unknown marker, line skipped", source, lineNumber);
                return null;
            }
            at = 1;
        }
        if (words.length < at + 3) {
            return malformed(marker, source, lineNumber, "expected hosts, key type and key", null);
        }
        String hosts = words[at];
        String type = words[at + 1];
        String base64 = words[at + 2];
        if (!SUPPORTED_TYPES.contains(type)) {
            LOG.debug("{}:{}: key type not supported, line skipped", source, lineNumber);
            return null;
        }
        if (hosts.startsWith(HostPatterns.HASH_MAGIC) && !HostPatterns.isWellFormedHash(hosts)) {
            return malformed(marker, source, lineNumber, "malformed hashed host name", null);
        }
        try {
            SshPublicKey key = SshPublicKeys.parseTypeAndBase64(type, base64);
            return new KnownHostsEntry(marker, hosts, (PlainSshPublicKey) key, source, lineNumber);
        } catch (InvalidSshKeyException e) {
            return malformed(marker, source, lineNumber, e.getMessage(), e);
        }
    }

    private static KnownHostsEntry malformed(KnownHostsEntry.Marker marker, String source, int lineNumber,
            String problem, Exception cause) throws InvalidSshKeyException {
        if (marker != KnownHostsEntry.Marker.NONE) {
            throw new InvalidSshKeyException(source + ":" + lineNumber + ": malformed "
                    + (marker == KnownHostsEntry.Marker.REVOKED ? "@revoked" : "@cert-authority") + " line: "
                    + problem, cause);
        }
        LOG.warn("{}:{}: malformed line skipped: {}", source, lineNumber, problem);
        return null;
    }
}
