// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.CommandHop;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.spi.ConfiguredHost;
import dev.fumidai.spi.Hop;
import dev.fumidai.ssh.config.ResolvedSshConfig;
import dev.fumidai.ssh.config.SshConfig;
import dev.fumidai.ssh.config.SshConfigException;
import dev.fumidai.ssh.config.StrictHostKeyChecking;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds hops from resolved ssh_config settings ({@link SshConfig#resolveChain}): one {@link SshHop} per hop of a
 * {@code ProxyJump} chain and the host last, in connect order, preceded by a {@link CommandHop} when the first
 * host of the chain has a {@code ProxyCommand}.
 *
 * <h2>Keywords applied to each hop</h2>
 * {@code HostName}, {@code Port}, {@code User}, {@code HostKeyAlias} (the hop's name, checked in known_hosts as
 * the bare alias whatever the port, as OpenSSH does), {@code IdentityFile}, {@code IdentitiesOnly},
 * {@code IdentityAgent}, {@code CertificateFile}, {@code PreferredAuthentications},
 * {@code NumberOfPasswordPrompts}, {@code ConnectTimeout}, {@code ServerAliveInterval},
 * {@code ServerAliveCountMax}, {@code KexAlgorithms}, {@code Ciphers}, {@code MACs}, {@code HostKeyAlgorithms},
 * {@code RekeyLimit}, and for host keys {@code UserKnownHostsFile}, {@code GlobalKnownHostsFile},
 * {@code StrictHostKeyChecking} and {@code HashKnownHosts}. Keywords this library does not implement are logged
 * (INFO) with their file and line, never fatal; those matched by {@code IgnoreUnknown} are not even reported.
 *
 * <h2>Host keys</h2>
 * Host keys are always checked against known_hosts files ({@code UserKnownHostsFile} and
 * {@code GlobalKnownHostsFile}, else OpenSSH's defaults); {@code StrictHostKeyChecking no} or {@code ask} does
 * not weaken that, and {@code accept-new} records new keys in the first user file, hashed unless the
 * configuration says {@code HashKnownHosts no}. A caller wanting another policy passes its own verifier function.
 *
 * <h2>ProxyCommand</h2>
 * Run as OpenSSH runs it: {@code /bin/sh -c "exec <command>"} for each stream, with stdin and stdout as the
 * stream (OpenSSH uses {@code $SHELL}; a fixed {@code /bin/sh} keeps a user's login shell out of it). Its tokens
 * {@code %h %p %r %n %%} were expanded by the resolver from values that passed the name checks of
 * the security model of {@code docs/security.md} (no shell metacharacters, no white space, no leading {@code -}), so a host or user name
 * cannot inject shell syntax; the rest of the line is the configuration author's, like any shell script of
 * theirs. Only the first host of a chain can use one: later hosts are reached through the hop before them, as
 * OpenSSH's {@code -J} gives them, whose {@code ProxyJump} then wins over their own {@code ProxyCommand}.
 */
public final class SshRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(SshRoutes.class);

    /** The shell a {@code ProxyCommand} runs in. */
    static final String SHELL = "/bin/sh";

    private SshRoutes() {
    }

    /**
     * Resolves an alias and builds its hops, as {@link Route#fromSshConfig(String, Path)} does through the
     * {@link dev.fumidai.spi.SshConfigResolver} service: {@code via} holds the {@code ProxyCommand} hop or the
     * {@code ProxyJump} chain, {@code hop} logs in to the alias's host.
     *
     * @param configFile the only file read, as {@code ssh -F}; {@code null} for {@link SshConfig#openSshDefaults()}
     * @throws SshConfigException if no {@code Host} or {@code Match} block names the alias (a typo would otherwise
     *         connect to whatever the name resolves to), or the configuration is malformed or unsafe
     */
    public static ConfiguredHost resolve(String alias, @Nullable Path configFile) {
        Objects.requireNonNull(alias, "alias");
        String localUser = System.getProperty("user.name");
        SshConfig config = configFile == null ? SshConfig.openSshDefaults() : SshConfig.parse(configFile);
        String files = configFile == null ? "~/.ssh/config or /etc/ssh/ssh_config" : configFile.toString();
        if (!config.names(alias, localUser)) {
            throw new SshConfigException("no Host or Match block in " + files + " names \"" + alias
                    + "\"; for a host that is not in the configuration use Route.parse(\"ssh://user@host:port\")");
        }
        return configured(alias, config.resolveChain(alias, localUser));
    }

    /**
     * Resolves a destination the way the {@code ssh} command line does, for tools that mimic it: the
     * {@code options} come first and win over the files ({@code -o Keyword=value}; write {@code -p}, {@code -l},
     * {@code -i} and {@code -J} as {@code Port}, {@code User}, {@code IdentityFile} and {@code ProxyJump}), apply
     * to the destination only, not to its jump hosts, and a host that no block names is not an error: it is
     * reached by its own name with the defaults, as {@code ssh host} does.
     *
     * @param configFile the only file read, as {@code ssh -F}; {@code null} for {@link SshConfig#openSshDefaults()}
     * @throws SshConfigException if an option or the configuration is malformed or unsafe
     */
    public static ConfiguredHost resolveCommandLine(String host, @Nullable Path configFile, List<String> options) {
        Objects.requireNonNull(host, "host");
        SshConfig config = configFile == null ? SshConfig.openSshDefaults() : SshConfig.parse(configFile);
        return configured(host, config.resolveChain(host, System.getProperty("user.name"), options));
    }

    private static ConfiguredHost configured(String alias, List<ResolvedSshConfig> chain) {
        List<Hop> hops = hops(chain, SshRoutes::verifierFor);
        ResolvedSshConfig last = chain.get(chain.size() - 1);
        return new ConfiguredHost(alias, hops.subList(0, hops.size() - 1), hops.get(hops.size() - 1),
                Target.of(last.hostName(), last.port()));
    }

    /**
     * Builds the route of a resolved chain: a {@code ProxyCommand} hop when the first host has one, then one
     * {@link SshHop} per config, host keys verified as the configs say (see the class comment).
     */
    public static Route route(List<ResolvedSshConfig> chain) {
        return Route.of(hops(chain, SshRoutes::verifierFor));
    }

    /** Builds the route of a resolved chain with the host-key verifier the function picks for each host. */
    public static Route route(List<ResolvedSshConfig> chain, Function<ResolvedSshConfig, HostKeyVerifier> verifiers) {
        return Route.of(hops(chain, verifiers));
    }

    private static List<Hop> hops(List<ResolvedSshConfig> chain,
            Function<ResolvedSshConfig, HostKeyVerifier> verifiers) {
        Objects.requireNonNull(verifiers, "verifiers");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("an ssh_config chain needs at least one host");
        }
        List<Hop> hops = new ArrayList<>();
        ResolvedSshConfig first = chain.get(0);
        if (first.proxyCommand().isPresent()) {
            hops.add(proxyCommand(first));
        }
        for (ResolvedSshConfig c : chain) {
            hops.add(hop(c, verifiers.apply(c)));
        }
        return hops;
    }

    /**
     * Builds one SSH hop per resolved config, verifying host keys as the configs say (see the class comment).
     *
     * @throws IllegalArgumentException if the first host has a {@code ProxyCommand}, which is no SSH hop: use
     *         {@link #route(List)}
     */
    public static List<SshHop> fromSshConfig(ResolvedSshConfig... chain) {
        return fromSshConfig(List.of(chain), SshRoutes::verifierFor);
    }

    /** Builds one SSH hop per resolved config with the host-key verifier the function picks for it. */
    public static List<SshHop> fromSshConfig(List<ResolvedSshConfig> chain,
            Function<ResolvedSshConfig, HostKeyVerifier> verifiers) {
        Objects.requireNonNull(verifiers, "verifiers");
        if (!chain.isEmpty() && chain.get(0).proxyCommand().isPresent()) {
            throw new IllegalArgumentException("ssh_config host \"" + chain.get(0).originalHost()
                    + "\" has a ProxyCommand, which is not an SSH hop: build the route with SshRoutes.route(chain)");
        }
        List<SshHop> hops = new ArrayList<>();
        for (ResolvedSshConfig c : chain) {
            hops.add(hop(c, verifiers.apply(c)));
        }
        return List.copyOf(hops);
    }

    /** Builds the SSH hop of one resolved config, verifying host keys as it says (see the class comment). */
    public static SshHop hop(ResolvedSshConfig c) {
        return hop(c, verifierFor(c));
    }

    /**
     * Builds the SSH hop of one resolved config with every keyword of the class comment applied; derive
     * variants with {@link SshHop#toBuilder()} (e.g. to add a password callback).
     */
    public static SshHop hop(ResolvedSshConfig c, HostKeyVerifier verifier) {
        if (!c.unknownKeywords().isEmpty()) {
            // INFO, not WARN: Debian's own /etc/ssh/ssh_config sets SendEnv and GSSAPIAuthentication for every host.
            LOG.info("ssh_config host \"{}\": not applying keywords this library does not implement: {} (list them"
                    + " in IgnoreUnknown to silence this)", c.originalHost(), c.unknownKeywords());
        }
        SshTransportConfig.Builder t = SshTransportConfig.defaults().toBuilder()
                .kexAlgorithms(c.kexAlgorithms())
                .ciphers(c.ciphers())
                .macs(c.macs())
                .hostKeyAlgorithms(c.hostKeyAlgorithms());
        c.rekeyLimitBytes().ifPresent(t::rekeyBytes);
        c.rekeyLimitTime().ifPresent(t::rekeyInterval);
        SshHop.Builder b = SshHop.builder()
                .address(Target.of(c.hostName(), c.port()))
                .hostKeyVerifier(verifier)
                .name(c.hostKeyAlias().orElse(c.hostName()))
                .user(c.user())
                .transportConfig(t.build());
        c.hostKeyAlias().ifPresent(b::hostKeyAlias);
        List<String> identities = withoutNone(c.identityFiles());
        for (String f : identities) {
            b.identity(Path.of(f));
        }
        b.defaultIdentities(c.identityFiles().isEmpty());
        for (String f : withoutNone(c.certificateFiles())) {
            b.certificate(Path.of(f));
        }
        String agent = c.identityAgent().orElse("SSH_AUTH_SOCK");
        if (!c.identitiesOnly() && !agent.equals("none")) {
            String socket = agent.equals("SSH_AUTH_SOCK") ? System.getenv("SSH_AUTH_SOCK") : agent;
            if (socket != null && !socket.isEmpty()) {
                b.agent(Path.of(socket));
            }
        }
        if (!c.preferredAuthentications().isEmpty()) {
            b.preferredAuthentications(c.preferredAuthentications());
        }
        b.numberOfPasswordPrompts(c.numberOfPasswordPrompts());
        c.connectTimeout().filter(d -> !d.isZero()).ifPresent(b::connectTimeout);
        // ServerAliveCountMax 0 would end the connection at the first probe in our model; OpenSSH never ends it.
        // Either way no liveness check results, so 0 leaves probing off.
        if (c.serverAliveInterval() > 0 && c.serverAliveCountMax() > 0) {
            b.serverAlive(Duration.ofSeconds(c.serverAliveInterval()), c.serverAliveCountMax());
        }
        return b.build();
    }

    /**
     * Returns the hop that runs a config's {@code ProxyCommand} for each stream, as {@code /bin/sh -c "exec ..."}
     * (see the class comment).
     *
     * @throws IllegalArgumentException if the config has no {@code ProxyCommand}
     */
    public static CommandHop proxyCommand(ResolvedSshConfig c) {
        String command = c.proxyCommand().orElseThrow(() -> new IllegalArgumentException("ssh_config host \""
                + c.originalHost() + "\" has no ProxyCommand"));
        // The resolver already expanded the tokens; CommandHop expands %-tokens again, so escape what is left.
        return CommandHop.of(SHELL, "-c", "exec " + command.replace("%", "%%"))
                .named("ProxyCommand of " + c.originalHost());
    }

    /** Returns the host-key verifier the config asks for (see the class comment). */
    public static HostKeyVerifier verifierFor(ResolvedSshConfig c) {
        Path user = KnownHostsVerifier.userKnownHosts();
        List<Path> files = paths(c.userKnownHostsFiles(), List.of(user, user.resolveSibling("known_hosts2")));
        List<Path> global = paths(c.globalKnownHostsFiles(),
                List.of(Path.of("/etc/ssh/ssh_known_hosts"), Path.of("/etc/ssh/ssh_known_hosts2")));
        if (c.strictHostKeyChecking().orElse(StrictHostKeyChecking.ASK) == StrictHostKeyChecking.ACCEPT_NEW
                && !files.isEmpty()) {
            List<Path> also = new ArrayList<>(files.subList(1, files.size()));
            also.addAll(global);
            // Hashed unless the configuration says HashKnownHosts no: OpenSSH's own default is no, but Debian's
            // system-wide ssh_config sets yes, and a hashed entry reveals no host names.
            return TrustOnFirstUseVerifier.acceptNewAndRecord(files.get(0), also.toArray(Path[]::new))
                    .withHashedHostNames(c.hashKnownHosts() || !c.isSet("hashknownhosts"));
        }
        List<Path> all = new ArrayList<>(files);
        all.addAll(global);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("ssh_config host \"" + c.originalHost()
                    + "\": no known_hosts file to check host keys against");
        }
        return KnownHostsVerifier.of(all.toArray(Path[]::new));
    }

    private static List<String> withoutNone(List<String> files) {
        return files.stream().filter(f -> !f.equalsIgnoreCase("none")).toList();
    }

    private static List<Path> paths(List<String> configured, List<Path> defaults) {
        if (configured.isEmpty()) {
            return defaults;
        }
        List<Path> out = new ArrayList<>();
        for (String f : configured) {
            if (!f.equals("none")) {
                out.add(Path.of(f));
            }
        }
        return out;
    }
}
