// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.Target;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Creates {@link SshHop}s from {@code ssh://[user@]host[:port]} URIs for {@code Route.parse}. Host keys are
 * verified strictly against the user's OpenSSH known_hosts files ({@link KnownHostsVerifier#openSshDefaults()});
 * the agent at {@code SSH_AUTH_SOCK}, then OpenSSH's default key files, are offered. Unsafe user or host names are rejected ({@code docs/security.md}).
 */
public final class SshHopFactory implements HopFactory {

    /** The default SSH port (RFC 4253 §4.1). */
    public static final int DEFAULT_PORT = 22;

    @Override
    public Set<String> schemes() {
        return Set.of(SshHop.TRANSPORT);
    }

    @Override
    public Hop create(URI uri) {
        if (!SshHop.TRANSPORT.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an ssh URI: " + uri);
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("ssh URI without a host: " + uri);
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("ssh URI must not have a path: " + uri);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("ssh URI parameters are not supported yet: " + uri);
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        Target address = Target.of(host, port);
        SshHop.Builder b = SshHop.builder().address(address).hostKeyVerifier(KnownHostsVerifier.openSshDefaults())
                .defaultIdentities(true);
        String agent = System.getenv("SSH_AUTH_SOCK");
        if (agent != null && !agent.isBlank()) {
            b.agent(java.nio.file.Path.of(agent));
        }
        if (uri.getRawUserInfo() != null) {
            String userInfo = URLDecoder.decode(uri.getRawUserInfo().replace("+", "%2B"), StandardCharsets.UTF_8);
            if (userInfo.indexOf(':') >= 0) {
                throw new IllegalArgumentException("ssh URI must not carry a password: " + uri.getHost());
            }
            b.user(userInfo);
        }
        return b.build();
    }
}
