// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples.cli;

import dev.fumidai.Route;
import dev.fumidai.examples.cli.CliOptions.UsageException;
import dev.fumidai.spi.Hop;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.ssh.SshRoutes;
import dev.fumidai.ssh.config.JumpSpec;
import dev.fumidai.ssh.config.ResolvedSshConfig;
import dev.fumidai.ssh.config.SshConfig;
import dev.fumidai.ssh.config.SshConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns the command line's {@code -J}, destination, {@code -F}, {@code -i}, {@code -o}, {@code -p}, {@code -l}
 * and {@code --known-hosts} into a {@link Route}.
 *
 * <p>Every SSH hop, whether written as an alias, {@code [user@]host[:port]} or {@code ssh://} URI, is resolved
 * through ssh_config as OpenSSH does for {@code -J} hosts, with every keyword {@link SshRoutes} applies; the
 * first {@code -J} hop (or the destination when there is no {@code -J}) follows its own {@code ProxyJump} or
 * {@code ProxyCommand}, later hops are reached through the hop before them. {@code -i} and {@code -o} come first in the
 * configuration, so they win over the file (first value wins) and apply to every SSH hop, jump hosts included:
 * unlike OpenSSH, where {@code -i} reaches only the destination. {@code -p} and {@code -l} apply to the
 * destination only, as in OpenSSH; a user or port written in a hop spec wins over the configuration. Other URI
 * schemes ({@code ssm://}) go to {@link Route#parse}.
 *
 * <p>Host keys are checked strictly against {@code --known-hosts} files when given, else as ssh_config says
 * (see {@link SshRoutes}); nothing here can accept an unknown key.
 */
final class CliRoute {

    /**
     * Is the built route and the ssh_config settings of its SSH hops, for settings the CLI applies itself;
     * {@code destination} is the destination's settings (its forwards apply), or {@code null} without one.
     */
    record Built(Route route, List<ResolvedSshConfig> sshConfigs, ResolvedSshConfig destination) {

        /** Returns the shortest {@code ConnectTimeout} any SSH hop sets, if one does. */
        Optional<Duration> connectTimeout() {
            return sshConfigs.stream().flatMap(c -> c.connectTimeout().stream()).min(Duration::compareTo);
        }
    }

    /** Reports a configuration that cannot be used: a missing file, a bad ssh_config; exit status 3. */
    static final class ConfigException extends Exception {

        private static final long serialVersionUID = 1L;

        ConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private CliRoute() {
    }

    /** Builds the route for the options without prompts; {@code home} is the user's home, for the default ssh_config. */
    static Built build(CliOptions o, String localUser, Path home) throws UsageException, ConfigException {
        return build(o, localUser, home, Prompts.none());
    }

    /**
     * Builds the route for the options; {@code home} is the user's home, for the default ssh_config. Every SSH
     * hop asks {@code prompts} for key passphrases, passwords and keyboard-interactive answers.
     */
    static Built build(CliOptions o, String localUser, Path home, Prompts prompts) throws UsageException,
            ConfigException {
        SshConfig config = config(o, localUser, home);
        List<Path> knownHosts = new ArrayList<>();
        for (String f : o.knownHosts()) {
            Path p = Path.of(f);
            if (!Files.isReadable(p)) {
                throw new ConfigException("--known-hosts " + p + ": no such readable file", null);
            }
            knownHosts.add(p.toAbsolutePath());
        }
        List<Hop> hops = new ArrayList<>();
        List<ResolvedSshConfig> resolved = new ArrayList<>();
        if (o.jump() != null) {
            String[] parts = o.jump().split(",", -1);
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i].strip();
                if (part.isEmpty()) {
                    throw new UsageException("-J \"" + CliOptions.printable(o.jump()) + "\": empty hop");
                }
                int scheme = part.indexOf("://");
                if (scheme > 0 && !part.substring(0, scheme).equalsIgnoreCase("ssh")) {
                    hops.addAll(otherTransport(withAwsDefaults(part, o)));
                    continue;
                }
                JumpSpec spec = spec(part, "-J hop");
                add(resolve(config, spec.host(), localUser, spec.user().orElse(null), spec.port(), hops.isEmpty()),
                        knownHosts, hops, resolved, prompts);
            }
        }
        if (o.destination() != null) {
            JumpSpec spec = spec(o.destination(), "destination");
            String user = spec.user().orElse(o.login());
            int port = spec.port() != -1 ? spec.port() : o.port();
            add(resolve(config, spec.host(), localUser, user, port, hops.isEmpty()), knownHosts, hops, resolved,
                    prompts);
        }
        try {
            ResolvedSshConfig destination = o.destination() != null && !resolved.isEmpty()
                    ? resolved.get(resolved.size() - 1) : null;
            return new Built(Route.of(hops), List.copyOf(resolved), destination);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Builds the configuration: {@code -i} and {@code -o} lines first, then the {@code -F} or default file. */
    private static SshConfig config(CliOptions o, String localUser, Path home) throws UsageException,
            ConfigException {
        StringBuilder cmdline = new StringBuilder();
        for (String option : o.options()) {
            cmdline.append(option).append('\n');
        }
        String optionsOnly = cmdline.toString();
        Path sshDir = home.resolve(".ssh");
        if (!optionsOnly.isEmpty()) {
            // OpenSSH refuses an unknown -o keyword; the library keeps unknown keywords, so ask it which were.
            try {
                List<String> unknown = SshConfig.parse(optionsOnly, sshDir).resolve("fumidai-check", localUser)
                        .unknownKeywords();
                if (!unknown.isEmpty()) {
                    String first = unknown.get(0);
                    throw new UsageException("-o: unknown ssh_config keyword \"" + first.substring(
                            first.lastIndexOf(' ') + 1) + "\"");
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("-o: " + e.getMessage());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String id : o.identities()) {
            Path p = Path.of(id);
            if (!Files.isReadable(p)) {
                throw new ConfigException("-i " + p + ": no such readable file", null);
            }
            text.append("IdentityFile ").append(quoted(p.toAbsolutePath(), "-i")).append('\n');
        }
        text.append(optionsOnly);
        Path file;
        if (o.configFile() == null) {
            Path dflt = sshDir.resolve("config");
            file = Files.isRegularFile(dflt) ? dflt : null;
        } else if (o.configFile().equals("none")) {
            file = null;
        } else {
            file = Path.of(o.configFile());
            if (!Files.isReadable(file)) {
                throw new ConfigException("-F " + file + ": no such readable file", null);
            }
        }
        if (file != null) {
            text.append("Include ").append(quoted(file.toAbsolutePath(), "-F")).append('\n');
        }
        try {
            return SshConfig.parse(text.toString(), sshDir);
        } catch (SshConfigException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** Quotes a path for an ssh_config line; refuses the characters that quoting or Include globbing would change. */
    private static String quoted(Path p, String flag) throws UsageException {
        String s = p.toString();
        for (char c : new char[] {'"', '\\', '*', '?', '[', '\n', '\r'}) {
            if (s.indexOf(c) >= 0) {
                throw new UsageException(flag + " " + CliOptions.printable(s) + ": the path must not contain '"
                        + CliOptions.printable(String.valueOf(c)) + "'");
            }
        }
        return '"' + s + '"';
    }

    private static JumpSpec spec(String text, String what) throws UsageException {
        try {
            return JumpSpec.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + " \"" + CliOptions.printable(text) + "\": " + e.getMessage());
        }
    }

    /**
     * Adds {@code --profile} and {@code --region} to an {@code ssm://} hop as {@code profile=} and {@code region=}
     * query parameters, each only when the hop names none (a hop's own parameter wins, as a hop's own user does).
     * Other URIs are returned as given.
     */
    static String withAwsDefaults(String uri, CliOptions o) {
        if (!uri.regionMatches(true, 0, "ssm://", 0, "ssm://".length())
                || (o.awsProfile() == null && o.awsRegion() == null)) {
            return uri;
        }
        int hash = uri.indexOf('#');
        String fragment = hash < 0 ? "" : uri.substring(hash);
        String base = hash < 0 ? uri : uri.substring(0, hash);
        int q = base.indexOf('?');
        java.util.Set<String> present = new java.util.HashSet<>();
        if (q >= 0) {
            for (String pair : base.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                present.add(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        StringBuilder sb = new StringBuilder(base);
        char sep = q < 0 ? '?' : (base.endsWith("?") || base.endsWith("&") ? 0 : '&');
        if (o.awsProfile() != null && !present.contains("profile")) {
            if (sep != 0) {
                sb.append(sep);
            }
            sb.append("profile=").append(o.awsProfile());
            sep = '&';
        }
        if (o.awsRegion() != null && !present.contains("region")) {
            if (sep != 0) {
                sb.append(sep);
            }
            sb.append("region=").append(o.awsRegion());
        }
        return sb.append(fragment).toString();
    }

    private static List<Hop> otherTransport(String uri) throws UsageException {
        try {
            new URI(uri);
            return Route.parse(uri).hops();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UsageException("-J hop \"" + CliOptions.printable(uri) + "\": " + e.getMessage());
        }
    }

    /**
     * Resolves one hop of the command line. The user and port written for it ({@code user@host:port}, {@code -l},
     * {@code -p}) go in as command-line options ({@code User}, {@code Port}), which win over every file. Only the
     * first hop of the route follows its own {@code ProxyJump} and may use a {@code ProxyCommand}: later hops are
     * reached through the hop before them, as OpenSSH's {@code -J} reaches them, so {@code ProxyCommand none} is
     * given for them.
     */
    private static List<ResolvedSshConfig> resolve(SshConfig config, String alias, String localUser, String user,
            int port, boolean first) throws UsageException, ConfigException {
        List<String> options = new ArrayList<>();
        if (user != null) {
            options.add("User " + optionValue(user, "user"));
        }
        if (port != -1) {
            options.add("Port " + port);
        }
        if (!first) {
            options.add("ProxyCommand none");
        }
        try {
            return first ? config.resolveChain(alias, localUser, options)
                    : List.of(config.resolve(alias, localUser, options));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ssh_config for \"" + CliOptions.printable(alias) + "\": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a value that would not stay one word on an ssh_config line (the resolver then checks the name
     * itself: no shell metacharacters, no leading {@code -}).
     */
    private static String optionValue(String value, String what) throws UsageException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '"' || c == '\'' || c == '='
                    || c == '#' || c == '\\') {
                throw new UsageException(what + " \"" + CliOptions.printable(value) + "\": must be one word without"
                        + " quotes, '=', '#' or '\\'");
            }
        }
        return value;
    }

    /** Builds the hops of a resolved chain: its ProxyCommand hop if the chain's first host has one, then SSH. */
    private static void add(List<ResolvedSshConfig> chain, List<Path> knownHosts, List<Hop> hops,
            List<ResolvedSshConfig> resolved, Prompts prompts) throws ConfigException {
        Route built;
        try {
            built = knownHosts.isEmpty() ? SshRoutes.route(chain)
                    : SshRoutes.route(chain, c -> KnownHostsVerifier.of(knownHosts.toArray(Path[]::new)));
        } catch (IllegalArgumentException e) {
            String host = chain.get(chain.size() - 1).originalHost().toLowerCase(Locale.ROOT);
            throw new ConfigException("ssh hop \"" + host + "\": " + e.getMessage(), e);
        }
        for (Hop h : built.hops()) {
            if (h instanceof SshHop ssh && prompts.interactive()) {
                h = ssh.toBuilder().passphrase(prompts.passphrase()).password(prompts.password())
                        .keyboardInteractive(prompts.keyboardInteractive()).build();
            }
            hops.add(h);
        }
        resolved.addAll(chain);
    }
}
