// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Names the far end of a tunnel: a TCP host and port, or a Unix domain socket path on the last hop.
 *
 * <p>The host name is kept unresolved: the last hop resolves it, as {@code ssh -L} does, so names that
 * exist only in a private network work. Instances are immutable and compare by value.
 */
public final class Target {

    /** Longest host name accepted, in characters (RFC 1035 §2.3.4 limits a domain name to 255 octets). */
    public static final int MAX_HOST_LENGTH = 255;

    /** Longest Unix socket path accepted, in bytes (Linux {@code sun_path} holds 108 bytes with the NUL). */
    public static final int MAX_PATH_LENGTH = 107;

    /**
     * Characters a host name never holds: path and user separators, and every shell or glob metacharacter, so a
     * host can reach a ProxyCommand, a known_hosts line or a log without being read as a pattern or a command.
     */
    private static final String FORBIDDEN_IN_HOST = "/\\@,;$`|*?![]&<>(){}'\"#=~^";

    private final String host;
    private final int port;
    private final String path;

    private Target(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /**
     * Returns a TCP target.
     *
     * @throws IllegalArgumentException if the host is blank, too long, holds white space, control characters,
     *     shell or glob characters ({@code ; $ ` | * ? ! [ ] & < > ( ) { } ' " \\ # = ~ ^ / @ ,}; an IPv6 literal
     *     may be wrapped in one pair of brackets), starts with {@code -}, or the port is outside 1..65535
     */
    public static Target of(String host, int port) {
        Objects.requireNonNull(host, "host");
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.isEmpty() || h.length() > MAX_HOST_LENGTH) {
            throw new IllegalArgumentException("host must be 1.." + MAX_HOST_LENGTH + " characters: \"" + host + "\"");
        }
        if (h.charAt(0) == '-') {
            throw new IllegalArgumentException("host must not start with '-': \"" + host + "\"");
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c <= ' ' || Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || FORBIDDEN_IN_HOST.indexOf(c) >= 0) {
                throw new IllegalArgumentException("host holds a forbidden character at " + i + ": \"" + host + "\"");
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        return new Target(h, port, null);
    }

    /**
     * Returns a target that is a Unix domain socket on the last hop (OpenSSH {@code direct-streamlocal}).
     *
     * @throws IllegalArgumentException if the path is not absolute, is too long or holds a NUL
     */
    public static Target unixSocket(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("unix socket path must be absolute: \"" + path + "\"");
        }
        if (path.indexOf('\0') >= 0 || path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_LENGTH) {
            throw new IllegalArgumentException("unix socket path is too long or holds NUL: \"" + path + "\"");
        }
        return new Target(null, 0, path);
    }

    /**
     * Returns the {@code HostName} and {@code Port} that an OpenSSH config gives a host alias (the alias
     * lower-cased and port 22 when it sets none), read as {@link Route#fromSshConfig(String)} reads it.
     *
     * @throws IllegalStateException if no {@link dev.fumidai.spi.SshConfigResolver} is on the class or module path
     * @throws IllegalArgumentException if no {@code Host} or {@code Match} block names the alias, or the
     *         configuration is malformed or unsafe
     */
    public static Target fromSshConfig(String alias) {
        return fromSshConfig(alias, null);
    }

    /** Returns an alias's address from the given configuration file only; {@code null} for the defaults. */
    public static Target fromSshConfig(String alias, java.nio.file.@Nullable Path configFile) {
        return dev.fumidai.internal.SshConfigLookup.resolve(alias, configFile).address();
    }

    /** Returns whether this target is a Unix domain socket path. */
    public boolean isUnixSocket() {
        return path != null;
    }

    /** Returns the host name or address literal (without brackets), or {@code null} for a Unix socket. */
    public @Nullable String host() {
        return host;
    }

    /** Returns the TCP port, or 0 for a Unix socket. */
    public int port() {
        return port;
    }

    /** Returns the Unix socket path, or {@code null} for a TCP target. */
    public @Nullable String path() {
        return path;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Target)) {
            return false;
        }
        Target t = (Target) o;
        return port == t.port && Objects.equals(host, t.host) && Objects.equals(path, t.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, path);
    }

    /** Returns {@code host:port}, {@code [v6]:port}, or {@code unix:/path}. */
    @Override
    public String toString() {
        if (path != null) {
            return "unix:" + path;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
