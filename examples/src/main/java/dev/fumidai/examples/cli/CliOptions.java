// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Holds the parsed command line of {@code fumidai}, and parses it (with picocli) the way {@code ssh(1)} reads its
 * flags: single-letter flags may be grouped ({@code -vv}) and take their value attached ({@code -p2222}) or as the
 * next argument; long flags take {@code --flag VALUE} or {@code --flag=VALUE}; {@code --} ends the flags. Parsing
 * is strict: an unknown flag, a missing or malformed value, a repeated single-valued flag or a second positional
 * argument is a {@link UsageException}. {@code @file} arguments are not expanded.
 *
 * @param jump the {@code -J} route as given, or {@code null}
 * @param forwards every {@code -L}, in order
 * @param dynamicForwards every {@code -D}, in order
 * @param remoteForwards every {@code -R}, in order
 * @param stdio the {@code -W} target, or {@code null}
 * @param configFile the {@code -F} file ({@code none} for no file), or {@code null} for {@code ~/.ssh/config}
 * @param identities every {@code -i} file, in order
 * @param options every {@code -o} option, as {@code Keyword=value}, except {@code BatchMode}
 * @param port the {@code -p} port of the destination, or -1
 * @param login the {@code -l} user of the destination, or {@code null}
 * @param verbosity how many {@code -v}
 * @param knownHosts every {@code --known-hosts} file; empty means ssh_config's or OpenSSH's defaults
 * @param auditDir the {@code --audit-file} directory, or {@code null}
 * @param auditKey the {@code --audit-key} Ed25519 private key file signing checkpoints, or {@code null}
 * @param actor the {@code --actor} id, or {@code null} for {@code user:<local user>}
 * @param connectTimeoutSeconds the {@code --connect-timeout}, or -1 for the default
 * @param help whether {@code --help} or {@code -h} was given
 * @param destination the positional {@code [user@]host} (the last hop), or {@code null}
 * @param version whether {@code --version} or {@code -V} was given
 * @param batchMode whether {@code -o BatchMode=yes} was given (first value wins): nothing prompts
 * @param awsProfile the {@code --profile} AWS profile for every {@code ssm://} hop without one, or {@code null}
 * @param awsRegion the {@code --region} AWS region for every {@code ssm://} hop without one, or {@code null}
 */
public record CliOptions(
        String jump,
        List<ForwardSpec> forwards,
        List<DynamicSpec> dynamicForwards,
        List<RemoteSpec> remoteForwards,
        HostPort stdio,
        String configFile,
        List<String> identities,
        List<String> options,
        int port,
        String login,
        int verbosity,
        List<String> knownHosts,
        String auditDir,
        String auditKey,
        String actor,
        int connectTimeoutSeconds,
        boolean help,
        String destination,
        boolean version,
        boolean batchMode,
        String awsProfile,
        String awsRegion) {

    /** The default for {@code --connect-timeout}: the whole route and the target must open within it. */
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 30;

    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    /** Copies the lists. */
    public CliOptions {
        forwards = List.copyOf(forwards);
        dynamicForwards = List.copyOf(dynamicForwards);
        remoteForwards = List.copyOf(remoteForwards);
        identities = List.copyOf(identities);
        options = List.copyOf(options);
        knownHosts = List.copyOf(knownHosts);
    }

    /** Is a {@code host:port} pair; IPv6 literals are written in brackets on the command line. */
    public record HostPort(String host, int port) {

        /** Checks the fields. */
        public HostPort {
            Objects.requireNonNull(host, "host");
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Is one {@code -L [bind_address:]port:host:hostport}; the bind address is {@code null} when not given
     * (127.0.0.1, as OpenSSH's {@code GatewayPorts no}).
     */
    public record ForwardSpec(String bindAddress, int bindPort, HostPort target) {
    }

    /**
     * Is one {@code -D [bind_address:]port}; the bind address is {@code null} when not given (127.0.0.1), and
     * {@code *} is 0.0.0.0.
     */
    public record DynamicSpec(String bindAddress, int bindPort) {
    }

    /**
     * Is one {@code -R}: the last hop listens on {@code bindAddress:bindPort} (bind address {@code null} when not
     * given: the server's default, loopback; {@code ""} for {@code *} or an empty one: every address, if the server's
     * {@code GatewayPorts} allows) or on the Unix socket {@code remoteSocket}, and each connection is relayed from
     * this machine to {@code target} or to the local Unix socket {@code targetSocket} (exactly one is set).
     */
    public record RemoteSpec(String bindAddress, int bindPort, String remoteSocket, HostPort target,
            String targetSocket) {

        /** Says where the hop listens, as {@code -R} wrote it. */
        public String listenSide() {
            if (remoteSocket != null) {
                return remoteSocket;
            }
            String b = bindAddress == null ? "" : (bindAddress.isEmpty() ? "*" : bindAddress.indexOf(':') >= 0
                    ? "[" + bindAddress + "]" : bindAddress) + ":";
            return b + bindPort;
        }

        /** Says where connections go, as {@code -R} wrote it. */
        public String targetSide() {
            return targetSocket != null ? targetSocket : target.toString();
        }
    }

    /** Reports a command line that cannot be run; the message says what to fix. */
    public static final class UsageException extends Exception {

        private static final long serialVersionUID = 1L;

        /** Creates an exception with a message for the user. */
        public UsageException(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ the picocli model

    /**
     * Returns picocli's model of the command line: every flag, its value label and a one-line description (the
     * completion script is generated from it; {@code --help} and the man page say more). Single-valued flags are
     * modelled as lists so that a repeated one is reported as "given twice", as before picocli.
     */
    static CommandSpec spec() {
        CommandSpec s = CommandSpec.create().name("fumidai");
        s.usageMessage().description("Opens a tunnel through a route of jump hosts (SSH bastions, AWS SSM) "
                + "like ssh -J, without ssh.");
        valued(s, "-W", "host:port", String.class, "join standard input and output to host:port through the route");
        valued(s, "-L", "[bind_address:]port:host:hostport", String.class,
                "listen locally and relay each connection through the route (repeatable)");
        // -D and -R: the other ssh forwards (issue 15), kept together after -L.
        valued(s, "-D", "[bind_address:]port", String.class,
                "listen locally as a SOCKS4a/5 proxy whose connections go through the route (repeatable)");
        valued(s, "-R", "[bind_address:]port:host:hostport", String.class,
                "the last hop listens and relays each connection back to host:hostport from here (repeatable;"
                        + " a /socket path on either side)");
        valued(s, "-J", "route", String.class, "comma-separated hops, first to last");
        valued(s, "-F", "file", File.class, "ssh_config file (\"none\" for none)");
        valued(s, "-i", "file", File.class, "private key to offer, for every SSH hop (repeatable)");
        valued(s, "-o", "Keyword=value", String.class, "ssh_config option for every SSH hop (repeatable)");
        valued(s, "-p", "port", String.class, "port of the destination");
        valued(s, "-l", "user", String.class, "user at the destination");
        flag(s, new String[] {"-v"}, "more output on standard error (repeatable)");
        flag(s, new String[] {"-N"}, "accepted and ignored: fumidai never runs a remote command or shell");
        flag(s, new String[] {"-h", "--help"}, "print the help and exit");
        flag(s, new String[] {"-V", "--version"}, "print the version and exit");
        valued(s, "--known-hosts", "file", File.class, "known_hosts file to check host keys against (repeatable)");
        valued(s, "--audit-file", "dir", File.class, "also write tamper-evident audit records to dir");
        valued(s, "--audit-key", "file", File.class, "Ed25519 private key signing the audit checkpoints");
        valued(s, "--actor", "id", String.class, "who acts, in every audit record");
        valued(s, "--connect-timeout", "seconds", String.class, "the route and the target must open within this");
        valued(s, "--profile", "name", String.class, "AWS profile for every ssm:// hop that names none");
        valued(s, "--region", "region", String.class, "AWS region for every ssm:// hop that names none");
        s.addPositional(PositionalParamSpec.builder().index("0..*").paramLabel("[user@]host").type(List.class)
                .auxiliaryTypes(String.class).description("the destination: the last hop of the route").build());
        return s;
    }

    private static void valued(CommandSpec s, String name, String label, Class<?> type, String description) {
        s.addOption(OptionSpec.builder(name).paramLabel(label).arity("1").type(List.class).auxiliaryTypes(type)
                .description(description).build());
    }

    private static void flag(CommandSpec s, String[] names, String description) {
        s.addOption(OptionSpec.builder(names).arity("0").type(boolean[].class).description(description).build());
    }

    /** Returns a parser for the model, set up as the class comment says. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(spec());
        cl.setPosixClusteredShortOptionsAllowed(true);
        cl.setExpandAtFiles(false);
        cl.setUnmatchedArgumentsAllowed(false);
        cl.setOverwrittenOptionsAllowed(false);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setStopAtPositional(false);
        return cl;
    }

    /** Parses a command line; see the class comment. */
    public static CliOptions parse(String... args) throws UsageException {
        for (String a : args) {
            Objects.requireNonNull(a, "argument");
        }
        ParseResult r;
        try {
            r = commandLine().parseArgs(args);
        } catch (MissingParameterException e) {
            throw new UsageException(flagOf(e) + " needs a value");
        } catch (UnmatchedArgumentException e) {
            String first = e.getUnmatched().isEmpty() ? "?" : e.getUnmatched().get(0);
            if (first.startsWith("--")) {
                int eq = first.indexOf('=');
                throw new UsageException("unknown flag " + printable(eq > 0 ? first.substring(0, eq) : first)
                        + " (see --help)");
            }
            if (first.startsWith("-") && first.length() > 1) {
                throw new UsageException("unknown flag " + printable(firstUnknownLetter(first)) + " (see --help)");
            }
            throw new UsageException("unexpected argument \"" + printable(first) + "\"");
        } catch (ParameterException e) {
            if (e.getArgSpec() instanceof OptionSpec opt && opt.arity().max == 0) {
                throw new UsageException(opt.longestName() + " takes no value");
            }
            throw new UsageException(printable(String.valueOf(e.getMessage())));
        }
        Parser p = new Parser();
        p.read(r);
        return p.build();
    }

    private static final String FLAGS_WITHOUT_VALUE = "vNhV";

    /** Returns the first letter of a short-flag cluster that picocli could not place. */
    private static String firstUnknownLetter(String cluster) {
        for (int k = 1; k < cluster.length(); k++) {
            char c = cluster.charAt(k);
            if (FLAGS_WITHOUT_VALUE.indexOf(c) < 0) {
                return "-" + c;
            }
        }
        return cluster;
    }

    private static String flagOf(MissingParameterException e) {
        if (e.getArgSpec() instanceof OptionSpec opt) {
            return opt.longestName();
        }
        if (e.getMissing() != null) {
            for (var a : e.getMissing()) {
                if (a instanceof OptionSpec opt) {
                    return opt.longestName();
                }
            }
        }
        return "a flag";
    }

    private static final class Parser {
        String jump;
        final List<ForwardSpec> forwards = new ArrayList<>();
        final List<DynamicSpec> dynamicForwards = new ArrayList<>();
        final List<RemoteSpec> remoteForwards = new ArrayList<>();
        HostPort stdio;
        String configFile;
        final List<String> identities = new ArrayList<>();
        final List<String> options = new ArrayList<>();
        int port = -1;
        String login;
        int verbosity;
        final List<String> knownHosts = new ArrayList<>();
        String auditDir;
        String auditKey;
        String actor;
        int connectTimeout = -1;
        boolean help;
        boolean version;
        Boolean batchMode;
        String destination;
        String awsProfile;
        String awsRegion;

        void read(ParseResult r) throws UsageException {
            verbosity = count(r, "-v");
            help = count(r, "-h") > 0;
            version = count(r, "-V") > 0;
            // -N: accepted for ssh muscle memory; fumidai never runs a remote command, so there is nothing to skip.
            jump = single(r, "-J");
            for (String v : values(r, "-L")) {
                forwards.add(forward(v));
            }
            for (String v : values(r, "-D")) {
                dynamicForwards.add(dynamicForward(v, "-D"));
            }
            for (String v : values(r, "-R")) {
                remoteForwards.add(remoteForward(v, "-R"));
            }
            String w = single(r, "-W");
            stdio = w == null ? null : hostPort(w, "-W");
            configFile = single(r, "-F");
            identities.addAll(values(r, "-i"));
            for (String v : values(r, "-o")) {
                String o = option(v);
                if (o.regionMatches(true, 0, "BatchMode=", 0, "BatchMode=".length())) {
                    String b = o.substring("BatchMode=".length()).toLowerCase(Locale.ROOT);
                    if (!b.equals("yes") && !b.equals("no")) {
                        throw new UsageException("-o BatchMode: expected yes or no, not \"" + printable(b) + "\"");
                    }
                    if (batchMode == null) {
                        batchMode = b.equals("yes");
                    }
                } else {
                    options.add(o);
                }
            }
            String p = single(r, "-p");
            port = p == null ? -1 : number(p, "-p", 1, 65535);
            login = single(r, "-l");
            knownHosts.addAll(values(r, "--known-hosts"));
            auditDir = single(r, "--audit-file");
            auditKey = single(r, "--audit-key");
            actor = single(r, "--actor");
            if (actor != null && (actor.isBlank() || actor.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f))) {
                throw new UsageException("--actor must be printable and not blank");
            }
            String t = single(r, "--connect-timeout");
            connectTimeout = t == null ? -1 : number(t, "--connect-timeout", 1, 86_400);
            awsProfile = awsName(single(r, "--profile"), "--profile");
            awsRegion = awsName(single(r, "--region"), "--region");
            List<String> positional = r.matchedPositionals().isEmpty() ? List.of()
                    : r.matchedPositionals().get(0).getValue();
            if (positional.size() > 1) {
                throw new UsageException("unexpected argument \"" + printable(positional.get(1)) + "\": fumidai runs"
                        + " no remote command; give one destination");
            }
            if (positional.size() == 1) {
                if (positional.get(0).isEmpty()) {
                    throw new UsageException("empty destination");
                }
                destination = positional.get(0);
            }
        }

        private static int count(ParseResult r, String name) {
            boolean[] seen = r.matchedOptionValue(name, new boolean[0]);
            return seen.length;
        }

        /** Returns every value of a repeatable flag as given, each checked non-empty. */
        private static List<String> values(ParseResult r, String name) throws UsageException {
            List<?> raw = r.matchedOptionValue(name, List.of());
            List<String> out = new ArrayList<>(raw.size());
            for (Object o : raw) {
                String v = o instanceof File f ? f.getPath() : String.valueOf(o);
                if (v.isEmpty()) {
                    throw new UsageException(name + " needs a non-empty value");
                }
                out.add(v);
            }
            return out;
        }

        /** Returns the value of a single-valued flag, or {@code null}; a second one is refused. */
        private static String single(ParseResult r, String name) throws UsageException {
            List<String> v = values(r, name);
            if (v.size() > 1) {
                throw new UsageException(name + " given twice");
            }
            return v.isEmpty() ? null : v.get(0);
        }

        CliOptions build() throws UsageException {
            if (!help && !version) {
                boolean anyForward = !forwards.isEmpty() || !dynamicForwards.isEmpty() || !remoteForwards.isEmpty();
                // With a destination, its ssh_config LocalForward, RemoteForward or DynamicForward lines may be
                // all there is to do; the command checks that once the configuration is read.
                if (stdio == null && !anyForward && destination == null) {
                    throw new UsageException("nothing to do: give -W host:port or at least one -L, -D or -R"
                            + " (see --help)");
                }
                if (stdio != null && anyForward) {
                    throw new UsageException("-W cannot be combined with -L, -D or -R");
                }
                if (jump == null && destination == null) {
                    throw new UsageException("no hop: give -J route, a destination, or both");
                }
                if (auditKey != null && auditDir == null) {
                    throw new UsageException("--audit-key signs the --audit-file log; give --audit-file too");
                }
                if (destination == null && (port != -1 || login != null)) {
                    throw new UsageException((port != -1 ? "-p" : "-l") + " applies to the destination; none given");
                }
            }
            return new CliOptions(jump, forwards, dynamicForwards, remoteForwards, stdio, configFile, identities, options, port, login, verbosity,
                    knownHosts, auditDir, auditKey, actor, connectTimeout, help, destination, version,
                    batchMode != null && batchMode, awsProfile, awsRegion);
        }

        /** Checks a {@code --profile} or {@code --region} value: printable, no spaces, no URI query characters. */
        private static String awsName(String v, String flag) throws UsageException {
            if (v != null && !v.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f && ch != '&' && ch != '=' && ch != '#')) {
                throw new UsageException(flag + " \"" + printable(v) + "\": expected a name without spaces, '&', '=' or '#'");
            }
            return v;
        }
    }

    /** Parses {@code Keyword=value} or {@code Keyword value}, as {@code ssh -o} accepts; returns {@code Keyword=value}. */
    static String option(String v) throws UsageException {
        if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\0') >= 0) {
            throw new UsageException("-o \"" + printable(v) + "\": line breaks are not allowed");
        }
        String s = v.strip();
        int k = 0;
        while (k < s.length() && s.charAt(k) != '=' && !Character.isWhitespace(s.charAt(k))) {
            k++;
        }
        String keyword = s.substring(0, k);
        String rest = s.substring(k).stripLeading();
        if (rest.startsWith("=")) {
            rest = rest.substring(1).strip();
        }
        if (!KEYWORD.matcher(keyword).matches() || rest.isEmpty()) {
            throw new UsageException("-o \"" + printable(v) + "\": expected Keyword=value");
        }
        String lower = keyword.toLowerCase(Locale.ROOT);
        if (lower.equals("host") || lower.equals("match") || lower.equals("include")) {
            throw new UsageException("-o " + keyword + " is not allowed on the command line");
        }
        return keyword + "=" + rest;
    }

    /** Parses {@code [bind_address:]port:host:hostport}, with IPv6 addresses in brackets. */
    static ForwardSpec forward(String v) throws UsageException {
        return forward(v, "-L");
    }

    /** Parses an {@code -L} (or ssh_config {@code LocalForward}, named by {@code flag}) value. */
    static ForwardSpec forward(String v, String flag) throws UsageException {
        int n = split(v, flag).size();
        if (n != 3 && n != 4) {
            throw new UsageException(flag + " \"" + printable(v) + "\": expected [bind_address:]port:host:hostport");
        }
        Endpoints e = endpoints(v, flag);
        if (e.listenSocket() != null || e.targetSocket() != null || e.target() == null) {
            throw new UsageException(flag + " \"" + printable(v) + "\": expected [bind_address:]port:host:hostport");
        }
        String bind = "*".equals(e.bind()) ? "0.0.0.0" : e.bind();
        if (bind != null && bind.isEmpty()) {
            throw new UsageException(flag + " \"" + printable(v) + "\": empty bind address");
        }
        return new ForwardSpec(bind, e.port(), e.target());
    }

    /** Parses a {@code -D} (or ssh_config {@code DynamicForward}) value: {@code [bind_address:]port}. */
    static DynamicSpec dynamicForward(String v, String flag) throws UsageException {
        List<String> parts = split(v, flag);
        if (parts.size() > 2) {
            throw new UsageException(flag + " \"" + printable(v) + "\": expected [bind_address:]port");
        }
        String bind = parts.size() == 2 ? parts.get(0) : null;
        if (bind != null && bind.isEmpty()) {
            throw new UsageException(flag + " \"" + printable(v) + "\": empty bind address");
        }
        return new DynamicSpec("*".equals(bind) ? "0.0.0.0" : bind,
                number(parts.get(parts.size() - 1), flag + " bind port", 0, 65535));
    }

    /**
     * Parses a {@code -R} (or ssh_config {@code RemoteForward}) value: {@code [bind_address:]port:host:hostport},
     * {@code [bind_address:]port:/local/socket}, {@code /remote/socket:host:hostport} or
     * {@code /remote/socket:/local/socket}. A lone {@code [bind_address:]port} (ssh's remote SOCKS proxy) is refused.
     */
    static RemoteSpec remoteForward(String v, String flag) throws UsageException {
        Endpoints e = endpoints(v, flag);
        if (e.target() == null && e.targetSocket() == null) {
            throw new UsageException(flag + " \"" + printable(v) + "\": a remote SOCKS proxy ("
                    + "-R [bind_address:]port alone) is not supported; give a target");
        }
        String bind = e.bind();
        if ("*".equals(bind)) {
            bind = "";
        }
        return new RemoteSpec(bind, e.port(), e.listenSocket(), e.target(), e.targetSocket());
    }

    /** Is the listening side and the target side of a forward as written; sockets are paths starting with /. */
    private record Endpoints(String bind, int port, String listenSocket, HostPort target, String targetSocket) {
    }

    /**
     * Splits a forward as ssh does: the listening side ({@code [bind_address:]port} or {@code /socket}), then the
     * target ({@code host:hostport} or {@code /socket}), or no target when only a port (and bind address) is given.
     */
    private static Endpoints endpoints(String v, String flag) throws UsageException {
        List<String> parts = split(v, flag);
        String expected = flag + " \"" + printable(v) + "\": expected [bind_address:]port:host:hostport";
        int n = parts.size();
        boolean socketTarget = n >= 2 && parts.get(n - 1).startsWith("/");
        int targetParts = socketTarget ? 1 : (n >= 3 || parts.get(0).startsWith("/")) ? 2 : 0;
        int listenParts = n - targetParts;
        if (listenParts < 1 || listenParts > 2 || (parts.get(0).startsWith("/") && listenParts != 1)) {
            throw new UsageException(expected);
        }
        String listenSocket = null;
        String bind = null;
        int port = 0;
        if (parts.get(0).startsWith("/")) {
            listenSocket = parts.get(0);
        } else {
            bind = listenParts == 2 ? parts.get(0) : null;
            port = number(parts.get(listenParts - 1), flag + " bind port", 0, 65535);
        }
        HostPort target = null;
        String targetSocket = null;
        if (socketTarget) {
            targetSocket = parts.get(n - 1);
        } else if (targetParts == 2) {
            String host = parts.get(n - 2);
            if (host.isEmpty()) {
                throw new UsageException(flag + " \"" + printable(v) + "\": empty target host");
            }
            target = new HostPort(host, number(parts.get(n - 1), flag + " host port", 1, 65535));
        }
        return new Endpoints(bind, port, listenSocket, target, targetSocket);
    }

    /** Parses {@code host:port}, with an IPv6 host in brackets. */
    static HostPort hostPort(String v, String flag) throws UsageException {
        List<String> parts = split(v, flag);
        if (parts.size() != 2 || parts.get(0).isEmpty()) {
            throw new UsageException(flag + " \"" + printable(v) + "\": expected host:port");
        }
        return new HostPort(parts.get(0), number(parts.get(1), flag + " port", 1, 65535));
    }

    /** Splits at colons outside brackets; a bracketed part loses its brackets. */
    private static List<String> split(String v, String flag) throws UsageException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean bracket = false;
        boolean wasBracketed = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '[' && !bracket && cur.length() == 0 && !wasBracketed) {
                bracket = true;
                wasBracketed = true;
            } else if (c == ']' && bracket) {
                bracket = false;
                if (i + 1 < v.length() && v.charAt(i + 1) != ':') {
                    throw new UsageException(flag + " \"" + printable(v) + "\": ']' must end a part");
                }
            } else if (c == ':' && !bracket) {
                out.add(cur.toString());
                cur.setLength(0);
                wasBracketed = false;
            } else if (c == '[' || c == ']') {
                throw new UsageException(flag + " \"" + printable(v) + "\": misplaced bracket");
            } else {
                cur.append(c);
            }
        }
        if (bracket) {
            throw new UsageException(flag + " \"" + printable(v) + "\": unclosed '['");
        }
        out.add(cur.toString());
        return out;
    }

    private static int number(String v, String what, int min, int max) throws UsageException {
        if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new UsageException(what + " \"" + printable(v) + "\" is not a number");
        }
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
            throw new UsageException(what + " " + n + " is out of range " + min + ".." + max);
        }
        return n;
    }

    /** Shows control characters as {@code ?} so an error message cannot mess up a terminal. */
    static String printable(String v) {
        StringBuilder sb = new StringBuilder(Math.min(v.length(), 200));
        for (int i = 0; i < v.length() && i < 200; i++) {
            char c = v.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }
}
