package dev.fumidai.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Holds the parsed command line of {@code fumidai}, and parses it the way {@code ssh(1)} reads its flags:
 * single-letter flags may be grouped ({@code -vv}) and take their value attached ({@code -p2222}) or as the next
 * argument; long flags take {@code --flag VALUE} or {@code --flag=VALUE}; {@code --} ends the flags. Parsing is
 * strict: an unknown flag, a missing or malformed value, a repeated single-valued flag or a second positional
 * argument is a {@link UsageException}.
 *
 * @param jump the {@code -J} route as given, or {@code null}
 * @param forwards every {@code -L}, in order
 * @param stdio the {@code -W} target, or {@code null}
 * @param configFile the {@code -F} file ({@code none} for no file), or {@code null} for {@code ~/.ssh/config}
 * @param identities every {@code -i} file, in order
 * @param options every {@code -o} option, as {@code Keyword=value}
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
 */
public record CliOptions(
        String jump,
        List<ForwardSpec> forwards,
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
        String destination) {

    /** The default for {@code --connect-timeout}: the whole route and the target must open within it. */
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 30;

    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    /** Copies the lists. */
    public CliOptions {
        forwards = List.copyOf(forwards);
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

    /** Reports a command line that cannot be run; the message says what to fix. */
    public static final class UsageException extends Exception {

        private static final long serialVersionUID = 1L;

        /** Creates an exception with a message for the user. */
        public UsageException(String message) {
            super(message);
        }
    }

    /** Parses a command line; see the class comment. */
    public static CliOptions parse(String... args) throws UsageException {
        Parser p = new Parser();
        p.run(args);
        return p.build();
    }

    private static final class Parser {
        String jump;
        final List<ForwardSpec> forwards = new ArrayList<>();
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
        String destination;

        void run(String[] args) throws UsageException {
            boolean flags = true;
            for (int i = 0; i < args.length; i++) {
                String a = Objects.requireNonNull(args[i], "argument");
                if (flags && a.equals("--")) {
                    flags = false;
                } else if (flags && a.startsWith("--")) {
                    i = longFlag(args, i);
                } else if (flags && a.startsWith("-") && a.length() > 1) {
                    i = shortFlags(args, i);
                } else {
                    positional(a);
                }
            }
        }

        private int longFlag(String[] args, int i) throws UsageException {
            String a = args[i];
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            String inline = eq < 0 ? null : a.substring(eq + 1);
            switch (name) {
                case "--help" -> {
                    if (inline != null) {
                        throw new UsageException("--help takes no value");
                    }
                    help = true;
                    return i;
                }
                case "--known-hosts", "--audit-file", "--audit-key", "--actor", "--connect-timeout" -> {
                    String v = inline;
                    if (v == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(name + " needs a value");
                        }
                        v = args[++i];
                    }
                    if (v.isEmpty()) {
                        throw new UsageException(name + " needs a non-empty value");
                    }
                    switch (name) {
                        case "--known-hosts" -> knownHosts.add(v);
                        case "--audit-file" -> auditDir = once(auditDir, v, name);
                        case "--audit-key" -> auditKey = once(auditKey, v, name);
                        case "--actor" -> {
                            if (v.isBlank() || v.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                                throw new UsageException("--actor must be printable and not blank");
                            }
                            actor = once(actor, v, name);
                        }
                        default -> {
                            if (connectTimeout != -1) {
                                throw new UsageException(name + " given twice");
                            }
                            connectTimeout = number(v, name, 1, 86_400);
                        }
                    }
                    return i;
                }
                default -> throw new UsageException("unknown flag " + name + " (see --help)");
            }
        }

        private int shortFlags(String[] args, int i) throws UsageException {
            String a = args[i];
            for (int k = 1; k < a.length(); k++) {
                char c = a.charAt(k);
                switch (c) {
                    case 'v' -> verbosity++;
                    case 'h' -> help = true;
                    case 'J', 'L', 'W', 'F', 'i', 'o', 'p', 'l' -> {
                        String v;
                        if (k + 1 < a.length()) {
                            v = a.substring(k + 1);
                        } else if (i + 1 < args.length) {
                            v = args[++i];
                        } else {
                            throw new UsageException("-" + c + " needs a value");
                        }
                        value(c, v);
                        return i;
                    }
                    default -> throw new UsageException("unknown flag -" + c + " (see --help)");
                }
            }
            return i;
        }

        private void value(char c, String v) throws UsageException {
            if (v.isEmpty()) {
                throw new UsageException("-" + c + " needs a non-empty value");
            }
            switch (c) {
                case 'J' -> jump = once(jump, v, "-J");
                case 'L' -> forwards.add(forward(v));
                case 'W' -> {
                    if (stdio != null) {
                        throw new UsageException("-W given twice");
                    }
                    stdio = hostPort(v, "-W");
                }
                case 'F' -> configFile = once(configFile, v, "-F");
                case 'i' -> identities.add(v);
                case 'o' -> options.add(option(v));
                case 'p' -> {
                    if (port != -1) {
                        throw new UsageException("-p given twice");
                    }
                    port = number(v, "-p", 1, 65535);
                }
                case 'l' -> login = once(login, v, "-l");
                default -> throw new IllegalStateException("flag -" + c);
            }
        }

        private void positional(String a) throws UsageException {
            if (destination != null) {
                throw new UsageException("unexpected argument \"" + a + "\": fumidai runs no remote command; "
                        + "give one destination");
            }
            if (a.isEmpty()) {
                throw new UsageException("empty destination");
            }
            destination = a;
        }

        CliOptions build() throws UsageException {
            if (!help) {
                if (stdio == null && forwards.isEmpty()) {
                    throw new UsageException("nothing to do: give -W host:port or at least one -L (see --help)");
                }
                if (stdio != null && !forwards.isEmpty()) {
                    throw new UsageException("-W and -L cannot be combined");
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
            return new CliOptions(jump, forwards, stdio, configFile, identities, options, port, login, verbosity,
                    knownHosts, auditDir, auditKey, actor, connectTimeout, help, destination);
        }

        private static String once(String old, String v, String flag) throws UsageException {
            if (old != null) {
                throw new UsageException(flag + " given twice");
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
        List<String> parts = split(v, "-L");
        if (parts.size() != 3 && parts.size() != 4) {
            throw new UsageException("-L \"" + printable(v) + "\": expected [bind_address:]port:host:hostport");
        }
        int o = parts.size() - 3;
        String bind = o == 1 ? parts.get(0) : null;
        if (bind != null && bind.isEmpty()) {
            throw new UsageException("-L \"" + printable(v) + "\": empty bind address");
        }
        if ("*".equals(bind)) {
            bind = "0.0.0.0";
        }
        int bindPort = number(parts.get(o), "-L bind port", 0, 65535);
        String host = parts.get(o + 1);
        if (host.isEmpty()) {
            throw new UsageException("-L \"" + printable(v) + "\": empty target host");
        }
        return new ForwardSpec(bind, bindPort, new HostPort(host, number(parts.get(o + 2), "-L host port", 1, 65535)));
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
