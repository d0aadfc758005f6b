// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

import java.util.List;
import java.util.stream.Collectors;

/** Renders a resolved value the way {@code ssh -G} prints it, so corpus expectations and OpenSSH agree. */
final class SshGFormat {

    private SshGFormat() {
    }

    static List<String> values(ResolvedSshConfig r, String keyword) {
        return switch (keyword) {
            case "hostname" -> List.of(r.hostName());
            case "port" -> List.of(Integer.toString(r.port()));
            case "user" -> List.of(r.user());
            case "identityfile" -> r.identityFiles();
            case "certificatefile" -> r.certificateFiles();
            case "identitiesonly" -> List.of(r.identitiesOnly() ? "yes" : "no");
            case "proxyjump" -> r.proxyJump().isEmpty() ? List.of()
                    : List.of(r.proxyJump().stream().map(JumpSpec::toString).collect(Collectors.joining(",")));
            case "proxycommand" -> r.proxyCommand().map(List::of).orElse(List.of());
            case "stricthostkeychecking" -> r.strictHostKeyChecking().map(s -> switch (s) {
                case YES -> "true";
                case NO -> "false";
                case ASK -> "ask";
                case ACCEPT_NEW -> "accept-new";
            }).map(List::of).orElse(List.of());
            case "hostkeyalias" -> r.hostKeyAlias().map(List::of).orElse(List.of());
            case "connecttimeout" -> r.connectTimeout().map(d -> List.of(Long.toString(d.toSeconds())))
                    .orElse(List.of());
            case "serveraliveinterval" -> List.of(Integer.toString(r.serverAliveInterval()));
            case "serveralivecountmax" -> List.of(Integer.toString(r.serverAliveCountMax()));
            case "kexalgorithms" -> List.of(String.join(",", r.kexAlgorithms()));
            case "ciphers" -> List.of(String.join(",", r.ciphers()));
            case "macs" -> List.of(String.join(",", r.macs()));
            case "hostkeyalgorithms" -> List.of(String.join(",", r.hostKeyAlgorithms()));
            case "preferredauthentications" -> List.of(String.join(",", r.preferredAuthentications()));
            case "rekeylimit" -> List.of(r.rekeyLimitBytes().map(String::valueOf).orElse("default") + " "
                    + r.rekeyLimitTime().map(d -> Long.toString(d.toSeconds())).orElse("none"));
            case "hashknownhosts" -> List.of(r.hashKnownHosts() ? "yes" : "no");
            case "unknown" -> r.unknownKeywords().isEmpty() ? List.of("none") : r.unknownKeywords().stream()
                    .map(u -> u.substring(u.lastIndexOf('/') + 1)).toList();
            default -> throw new IllegalArgumentException("no renderer for " + keyword);
        };
    }
}
