// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

import java.util.Optional;

/**
 * Holds one element of a {@code ProxyJump} list: {@code [user@]host[:port]} or {@code ssh://[user@]host[:port]}.
 * The host is resolved as an ssh_config alias of its own; user and port given here take precedence over it.
 *
 * @param user the user named in the spec, if any
 * @param host the host or alias, without IPv6 brackets
 * @param port the port named in the spec, or -1
 */
public record JumpSpec(Optional<String> user, String host, int port) {

    /** Checks the parts: safe host and user names (CVE-2023-51385 class), port 1..65535 or -1. */
    public JumpSpec {
        user.ifPresent(u -> SafeNames.requireSafe(u, "ProxyJump user"));
        SafeNames.requireSafeHost(host, "ProxyJump host");
        if (port != -1 && (port < 1 || port > 65535)) {
            throw new SshConfigException("ProxyJump port out of range: " + port);
        }
    }

    /** Parses {@code [user@]host[:port]}, {@code [user@][v6addr][:port]} or the same behind {@code ssh://}. */
    public static JumpSpec parse(String spec) {
        String s = spec.strip();
        if (s.startsWith("-")) {
            throw new SshConfigException("ProxyJump spec must not start with '-': \"" + s + "\"");
        }
        if (s.regionMatches(true, 0, "ssh://", 0, 6)) {
            s = s.substring(6);
            if (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        Optional<String> user = Optional.empty();
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            user = Optional.of(s.substring(0, at));
            s = s.substring(at + 1);
        }
        String host;
        int port = -1;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new SshConfigException("ProxyJump spec has an unclosed '[': \"" + spec + "\"");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new SshConfigException("ProxyJump spec has junk after ']': \"" + spec + "\"");
                }
                port = parsePort(rest.substring(1), spec);
            }
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && colon == s.lastIndexOf(':')) {
                host = s.substring(0, colon);
                port = parsePort(s.substring(colon + 1), spec);
            } else {
                host = s;
            }
        }
        return new JumpSpec(user, host, port);
    }

    private static int parsePort(String text, String spec) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new SshConfigException("ProxyJump spec has a bad port: \"" + spec + "\"", e);
        }
    }

    /** Returns the spec in {@code [user@]host[:port]} form. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return user.map(u -> u + "@").orElse("") + h + (port == -1 ? "" : ":" + port);
    }
}
