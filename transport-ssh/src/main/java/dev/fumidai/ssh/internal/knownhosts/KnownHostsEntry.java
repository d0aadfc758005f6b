// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import dev.fumidai.ssh.internal.keys.PlainSshPublicKey;
import java.util.Objects;

/**
 * Is one key line of a known_hosts file ({@code sshd(8)} "SSH_KNOWN_HOSTS FILE FORMAT"):
 * {@code [@marker] hosts keytype base64 [comment]}.
 *
 * @param marker none, {@code @cert-authority} or {@code @revoked}
 * @param hosts the host field as written: a pattern list or one hashed name
 * @param key the key (a CA key for {@code @cert-authority}); certificates are never stored in known_hosts
 * @param source the file the line came from, for messages
 * @param line the 1-based line number, for messages
 */
public record KnownHostsEntry(Marker marker, String hosts, PlainSshPublicKey key, String source, int line) {

    /** Names the marker of a line. */
    public enum Marker {
        NONE,
        CERT_AUTHORITY,
        REVOKED
    }

    public KnownHostsEntry {
        Objects.requireNonNull(marker, "marker");
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(key, "key");
    }

    /** Returns how the host field relates to a lookup name. */
    public HostPatterns.Match matchHost(String lookupName) {
        return HostPatterns.matchField(hosts, lookupName);
    }

    /** Returns {@code file:line} for messages. */
    public String location() {
        return source + ":" + line;
    }
}
