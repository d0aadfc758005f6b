// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Holds the effective settings for one host alias after {@link SshConfig#resolve}: first value wins, tokens
 * expanded, {@code ~} expanded in file names, algorithm modifiers applied to this library's defaults.
 *
 * <p>{@code proxyCommand} is kept as one string, exactly as written after token expansion ({@code %h %p %r %n
 * %%}). Every value a token stands for passed the name checks of the security model ({@code docs/security.md}: no shell
 * metacharacters, no white space, no leading {@code -}), so the line can be given to a shell as OpenSSH does
 * ({@code SshRoutes.proxyCommand}) without a host or user name injecting anything.
 *
 * @param originalHost the alias that was resolved ({@code %n})
 * @param hostName the host to connect to ({@code HostName}, else the alias)
 * @param port the port ({@code Port}, else 22)
 * @param user the remote user ({@code User}, else the local user)
 * @param identityFiles every {@code IdentityFile}, in order; empty means the library's defaults apply
 * @param identitiesOnly {@code IdentitiesOnly}
 * @param certificateFiles every {@code CertificateFile}, in order
 * @param identityAgent {@code IdentityAgent} ({@code none}, {@code SSH_AUTH_SOCK}, or a socket path)
 * @param proxyJump the {@code ProxyJump} hops in connect order; empty for none
 * @param proxyCommand {@code ProxyCommand}, tokens expanded; empty for none
 * @param userKnownHostsFiles {@code UserKnownHostsFile} entries; empty means the default files
 * @param globalKnownHostsFiles {@code GlobalKnownHostsFile} entries; empty means the default files
 * @param strictHostKeyChecking {@code StrictHostKeyChecking}, if set
 * @param hostKeyAlias {@code HostKeyAlias}, if set
 * @param hashKnownHosts {@code HashKnownHosts}
 * @param connectTimeout {@code ConnectTimeout}, if set
 * @param serverAliveInterval {@code ServerAliveInterval} in seconds, 0 for off
 * @param serverAliveCountMax {@code ServerAliveCountMax}, 3 by default
 * @param kexAlgorithms key exchange methods, modifiers applied to our defaults
 * @param ciphers ciphers, modifiers applied
 * @param macs MACs, modifiers applied
 * @param hostKeyAlgorithms host key algorithms, modifiers applied
 * @param pubkeyAcceptedAlgorithms public key signature algorithms, modifiers applied
 * @param rekeyLimitBytes the data part of {@code RekeyLimit}, if set and not {@code default}
 * @param rekeyLimitTime the time part of {@code RekeyLimit}, if set and not {@code none}
 * @param preferredAuthentications {@code PreferredAuthentications}; empty means the library's order
 * @param numberOfPasswordPrompts {@code NumberOfPasswordPrompts}, 3 by default
 * @param localForwards {@code LocalForward} lines as written ({@code [bind:]port host:hostport})
 * @param remoteForwards {@code RemoteForward} lines as written ({@code [bind:]port host:hostport}, a socket path
 *        on either side, or a lone {@code [bind:]port})
 * @param dynamicForwards {@code DynamicForward} lines as written ({@code [bind:]port})
 * @param setKeywords the lower-case keywords the configuration set for this host
 * @param unknownKeywords keywords we do not know, as {@code file:line keyword}, kept and not fatal
 */
public record ResolvedSshConfig(
        String originalHost,
        String hostName,
        int port,
        String user,
        List<String> identityFiles,
        boolean identitiesOnly,
        List<String> certificateFiles,
        Optional<String> identityAgent,
        List<JumpSpec> proxyJump,
        Optional<String> proxyCommand,
        List<String> userKnownHostsFiles,
        List<String> globalKnownHostsFiles,
        Optional<StrictHostKeyChecking> strictHostKeyChecking,
        Optional<String> hostKeyAlias,
        boolean hashKnownHosts,
        Optional<Duration> connectTimeout,
        int serverAliveInterval,
        int serverAliveCountMax,
        List<String> kexAlgorithms,
        List<String> ciphers,
        List<String> macs,
        List<String> hostKeyAlgorithms,
        List<String> pubkeyAcceptedAlgorithms,
        Optional<Long> rekeyLimitBytes,
        Optional<Duration> rekeyLimitTime,
        List<String> preferredAuthentications,
        int numberOfPasswordPrompts,
        List<String> localForwards,
        List<String> remoteForwards,
        List<String> dynamicForwards,
        Set<String> setKeywords,
        List<String> unknownKeywords) {

    /** Copies every list and set so the record is immutable. */
    public ResolvedSshConfig {
        identityFiles = List.copyOf(identityFiles);
        certificateFiles = List.copyOf(certificateFiles);
        proxyJump = List.copyOf(proxyJump);
        userKnownHostsFiles = List.copyOf(userKnownHostsFiles);
        globalKnownHostsFiles = List.copyOf(globalKnownHostsFiles);
        kexAlgorithms = List.copyOf(kexAlgorithms);
        ciphers = List.copyOf(ciphers);
        macs = List.copyOf(macs);
        hostKeyAlgorithms = List.copyOf(hostKeyAlgorithms);
        pubkeyAcceptedAlgorithms = List.copyOf(pubkeyAcceptedAlgorithms);
        preferredAuthentications = List.copyOf(preferredAuthentications);
        localForwards = List.copyOf(localForwards);
        remoteForwards = List.copyOf(remoteForwards);
        dynamicForwards = List.copyOf(dynamicForwards);
        setKeywords = Set.copyOf(setKeywords);
        unknownKeywords = List.copyOf(unknownKeywords);
    }

    /** Says whether the configuration set the keyword (case-insensitive). */
    public boolean isSet(String keyword) {
        return setKeywords.contains(keyword.toLowerCase(java.util.Locale.ROOT));
    }
}
