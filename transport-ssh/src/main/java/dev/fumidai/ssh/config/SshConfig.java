// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

import dev.fumidai.ssh.SshTransportConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses an OpenSSH client configuration ({@code ssh_config(5)}) and resolves host aliases against it.
 *
 * <p>Semantics follow OpenSSH: the first value of a keyword wins; {@code Host} takes white-space separated
 * patterns with {@code *}, {@code ?} and {@code !}; {@code Match} supports {@code all}, {@code host},
 * {@code originalhost}, {@code user}, {@code localuser}, {@code canonical} and {@code final} (a final pass is
 * made when {@code Match final} appears; {@code canonical} matches only in that pass, since this library does
 * not canonicalize host names). {@code Match exec} is refused with an {@link SshConfigException}, because
 * resolving a configuration must never run a command. {@code Include} paths are relative to {@code ~/.ssh}
 * (or the base directory given to {@link #parse(String, Path)}), may hold globs in their last component, and
 * nest at most {@value #MAX_INCLUDE_DEPTH} deep. Keywords are case-insensitive and may be separated from their
 * value by {@code =}; values may be quoted with {@code "} or {@code '}.
 *
 * <p>Keywords this class does not know are kept and reported in {@link ResolvedSshConfig#unknownKeywords()}
 * rather than failing, except those matched by an {@code IgnoreUnknown} pattern list in force when they are
 * read, which are dropped silently as OpenSSH drops them. {@link #openSshDefaults()} reads the files OpenSSH
 * reads by default. Host, user and jump names with shell metacharacters or a leading {@code -} are
 * refused (CVE-2023-51385 class).
 */
public final class SshConfig {

    /** Bounds {@code Include} nesting (OpenSSH's {@code READCONF_MAX_DEPTH}). */
    public static final int MAX_INCLUDE_DEPTH = 16;
    /** Bounds {@code ProxyJump} recursion: jump hosts of jump hosts. */
    public static final int MAX_JUMP_DEPTH = 16;
    /** Bounds the size of one configuration file. */
    public static final long MAX_FILE_BYTES = 1 << 20;
    /** Bounds the number of lines across a configuration and its includes. */
    public static final int MAX_TOTAL_LINES = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(SshConfig.class);

    private static final Set<String> KNOWN = Set.of("host", "match", "include", "hostname", "port", "user",
            "identityfile", "identitiesonly", "certificatefile", "identityagent", "proxyjump", "proxycommand",
            "userknownhostsfile", "globalknownhostsfile", "stricthostkeychecking", "hostkeyalias",
            "hashknownhosts", "connecttimeout", "serveraliveinterval", "serveralivecountmax", "kexalgorithms",
            "ciphers", "macs", "hostkeyalgorithms", "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes",
            "rekeylimit", "preferredauthentications", "numberofpasswordprompts", "localforward", "remoteforward", "dynamicforward",
            "ignoreunknown");
    private static final Set<String> ACCUMULATING = Set.of("identityfile", "certificatefile", "localforward",
            "remoteforward", "dynamicforward");

    /** One parsed line; {@code included} holds the parsed files of an {@code Include}. */
    private record Line(String file, int number, String keyword, List<String> args, List<List<Line>> included) {
        String where() {
            return file + ":" + number;
        }
    }

    private final List<Line> lines;
    private final Path home;

    private SshConfig(List<Line> lines, Path home) {
        this.lines = lines;
        this.home = home;
    }

    /** Parses a configuration file; relative {@code Include} paths resolve against {@code ~/.ssh}. */
    public static SshConfig parse(Path file) {
        Path home = Path.of(System.getProperty("user.home"));
        int[] budget = {MAX_TOTAL_LINES};
        return new SshConfig(readFile(file, home.resolve(".ssh"), home, 0, budget, false), home);
    }

    /**
     * Parses the files OpenSSH reads when not given {@code -F}: the user's {@code ~/.ssh/config}, then the
     * system-wide {@code /etc/ssh/ssh_config}, first value winning across both; a missing file counts as empty.
     * Each file starts with every line active, as in OpenSSH. Relative {@code Include} paths resolve against
     * {@code ~/.ssh} in the user file and {@code /etc/ssh} in the system file.
     *
     * @throws SshConfigException if the user file or a file it includes is writable by group or others or
     *         owned by someone other than the user or root (OpenSSH's "Bad owner or permissions": such a file
     *         could name a ProxyCommand for us to run), or if a file is malformed
     */
    public static SshConfig openSshDefaults() {
        Path home = Path.of(System.getProperty("user.home"));
        return of(home, home.resolve(".ssh").resolve("config"), Path.of("/etc/ssh/ssh_config"));
    }

    /** Parses a user file (permission-checked) and a system file as {@link #openSshDefaults()} does. */
    static SshConfig of(Path home, Path userFile, Path systemFile) {
        int[] budget = {MAX_TOTAL_LINES};
        List<Line> top = new ArrayList<>();
        if (Files.exists(userFile)) {
            top.add(new Line(userFile.toString(), 0, "include", List.of(userFile.toString()),
                    List.of(readFile(userFile, home.resolve(".ssh"), home, 0, budget, true))));
        }
        if (Files.exists(systemFile)) {
            Path base = systemFile.toAbsolutePath().getParent();
            top.add(new Line(systemFile.toString(), 0, "include", List.of(systemFile.toString()),
                    List.of(readFile(systemFile, base, home, 0, budget, false))));
        }
        return new SshConfig(top, home);
    }

    /** Parses configuration text; relative {@code Include} paths resolve against {@code baseDir}. */
    public static SshConfig parse(String text, Path baseDir) {
        Path home = Path.of(System.getProperty("user.home"));
        int[] budget = {MAX_TOTAL_LINES};
        return new SshConfig(parseText(text, "<config>", baseDir, home, 0, budget, false), home);
    }

    // ---------------------------------------------------------------- parsing

    private static List<Line> readFile(Path file, Path baseDir, Path home, int depth, int[] budget,
            boolean checkPermissions) {
        try {
            if (checkPermissions) {
                requireSafePermissions(file);
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new SshConfigException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
            }
            return parseText(Files.readString(file, StandardCharsets.UTF_8), file.toString(), baseDir, home,
                    depth, budget, checkPermissions);
        } catch (IOException e) {
            throw new SshConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a file that others may write, as OpenSSH's {@code secure_permissions} does for
     * {@code ~/.ssh/config} and its includes: owner the user or root, no group or other write bit. Skipped
     * where the file system has no POSIX permissions.
     */
    private static void requireSafePermissions(Path file) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (UnsupportedOperationException e) {
            return;
        }
        String owner = a.owner().getName();
        Set<PosixFilePermission> p = a.permissions();
        if (!(owner.equals(System.getProperty("user.name")) || owner.equals("root"))
                || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new SshConfigException(file + ": bad owner or permissions (owner " + owner + ", "
                    + PosixFilePermissions.toString(p) + "): only the user or root may write it");
        }
    }

    private static List<Line> parseText(String text, String name, Path baseDir, Path home, int depth,
            int[] budget, boolean checkPermissions) {
        List<Line> out = new ArrayList<>();
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            if (--budget[0] < 0) {
                throw new SshConfigException(name + ": more than " + MAX_TOTAL_LINES + " lines in all");
            }
            String where = name + ":" + (i + 1);
            String s = raw[i].strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            int k = 0;
            while (k < s.length() && !Character.isWhitespace(s.charAt(k)) && s.charAt(k) != '=') {
                k++;
            }
            String keyword = s.substring(0, k).toLowerCase(Locale.ROOT);
            String rest = s.substring(k).stripLeading();
            if (rest.startsWith("=")) {
                rest = rest.substring(1).stripLeading();
            }
            List<String> args = split(rest, where);
            if (keyword.isEmpty()) {
                throw new SshConfigException(where + ": missing keyword");
            }
            if (args.isEmpty()) {
                throw new SshConfigException(where + ": " + keyword + " needs an argument");
            }
            List<List<Line>> included = List.of();
            if (keyword.equals("include")) {
                if (depth + 1 > MAX_INCLUDE_DEPTH) {
                    throw new SshConfigException(where + ": Include nested deeper than " + MAX_INCLUDE_DEPTH);
                }
                included = new ArrayList<>();
                for (String pattern : args) {
                    for (Path p : expandInclude(pattern, baseDir, home, where)) {
                        included.add(readFile(p, baseDir, home, depth + 1, budget, checkPermissions));
                    }
                }
            }
            out.add(new Line(name, i + 1, keyword, args, included));
        }
        return out;
    }

    /** Splits arguments the way OpenSSH's {@code argv_split} does: quotes, backslash escapes, {@code #}. */
    static List<String> split(String s, String where) {
        List<String> args = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            if (s.charAt(i) == '#') {
                break;
            }
            StringBuilder arg = new StringBuilder();
            char quote = 0;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (quote == 0 && Character.isWhitespace(c)) {
                    break;
                }
                if (c == '\\' && i + 1 < n && "\\\"' ".indexOf(s.charAt(i + 1)) >= 0
                        && (quote == 0 || s.charAt(i + 1) == quote || s.charAt(i + 1) == '\\')) {
                    arg.append(s.charAt(++i));
                } else if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (c == quote) {
                    quote = 0;
                } else {
                    arg.append(c);
                }
            }
            if (quote != 0) {
                throw new SshConfigException(where + ": unterminated quote");
            }
            args.add(arg.toString());
        }
        return args;
    }

    private static List<Path> expandInclude(String pattern, Path baseDir, Path home, String where) {
        String p = pattern.startsWith("~/") ? home + pattern.substring(1) : pattern;
        Path path;
        try {
            path = Path.of(p);
        } catch (java.nio.file.InvalidPathException e) {
            throw new SshConfigException(where + ": bad Include path", e);
        }
        if (!path.isAbsolute()) {
            path = baseDir.resolve(path);
        }
        Path parent = path.getParent();
        if (path.getFileName() == null) {
            return List.of();
        }
        String last = path.getFileName().toString();
        if (parent != null && hasGlob(parent.toString())) {
            throw new SshConfigException(where + ": Include globs are supported in the last path component only");
        }
        if (!hasGlob(last)) {
            return Files.isRegularFile(path) ? List.of(path) : List.of();
        }
        TreeSet<Path> found = new TreeSet<>();
        if (parent == null || !Files.isDirectory(parent)) {
            return List.of();
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, last)) {
            for (Path f : ds) {
                if (Files.isRegularFile(f)) {
                    found.add(f);
                }
            }
        } catch (IOException e) {
            throw new SshConfigException(where + ": cannot list " + parent + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(found);
    }

    private static boolean hasGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    // ---------------------------------------------------------------- resolution

    /** Collects first values while the lines are walked for one host. */
    private final class Pass {
        final String alias;
        final String localUser;
        final Map<String, List<String>> first;
        final Map<String, List<List<String>>> accumulated;
        final Set<String> unknown;
        String hostForHostLines;
        boolean finalPass;
        boolean wantFinal;
        /** Set when a Host or Match block names this host by more than a catch-all ({@code *}, {@code all}). */
        boolean named;

        Pass(String alias, String localUser, Map<String, List<String>> first,
                Map<String, List<List<String>>> accumulated, Set<String> unknown) {
            this.alias = alias;
            this.localUser = localUser;
            this.first = first;
            this.accumulated = accumulated;
            this.unknown = unknown;
            this.hostForHostLines = alias;
        }

        /** Walks lines; returns nothing, but restores the active state after an Include like OpenSSH. */
        boolean walk(List<Line> ls, boolean active, boolean neverMatch) {
            for (Line l : ls) {
                switch (l.keyword()) {
                    case "host" -> {
                        active = !neverMatch && matchHost(l.args());
                        named |= active && l.args().stream().anyMatch(p -> !p.startsWith("!") && !p.equals("*")
                                && glob(p, hostForHostLines));
                    }
                    case "match" -> {
                        active = matchLine(l, neverMatch);
                        named |= active && l.args().stream().anyMatch(c -> c.equalsIgnoreCase("host")
                                || c.equalsIgnoreCase("originalhost"));
                    }
                    case "include" -> {
                        for (List<Line> inc : l.included()) {
                            walk(inc, active, neverMatch || !active);
                        }
                    }
                    default -> {
                        if (active) {
                            set(l);
                        }
                    }
                }
            }
            return active;
        }

        private boolean matchHost(List<String> patterns) {
            // Case-sensitive against the name as given, as OpenSSH 9.2 does ("ssh WEB" does not match "Host web").
            String host = hostForHostLines;
            boolean matched = false;
            for (String p : patterns) {
                boolean negated = p.startsWith("!");
                String pat = negated ? p.substring(1) : p;
                if (glob(pat, host)) {
                    if (negated) {
                        return false;
                    }
                    matched = true;
                }
            }
            return matched;
        }

        private boolean matchLine(Line l, boolean neverMatch) {
            List<String> a = l.args();
            boolean result = true;
            for (int i = 0; i < a.size(); i++) {
                String crit = a.get(i);
                boolean negate = crit.startsWith("!");
                String name = (negate ? crit.substring(1) : crit).toLowerCase(Locale.ROOT);
                boolean r;
                switch (name) {
                    case "all" -> {
                        r = true;
                    }
                    case "canonical" -> r = finalPass;
                    case "final" -> {
                        wantFinal = true;
                        r = finalPass;
                    }
                    case "exec" -> throw new SshConfigException(l.where() + ": Match exec is refused: resolving a"
                            + " configuration never runs commands");
                    case "host", "originalhost", "user", "localuser" -> {
                        if (i + 1 >= a.size()) {
                            throw new SshConfigException(l.where() + ": Match " + name + " needs an argument");
                        }
                        String list = a.get(++i);
                        String subject = switch (name) {
                            case "host" -> currentHostName();
                            case "originalhost" -> alias;
                            case "user" -> currentUser();
                            default -> localUser;
                        };
                        boolean lower = name.equals("host") || name.equals("originalhost");
                        r = matchList(subject, lower ? list.toLowerCase(Locale.ROOT) : list);
                    }
                    default -> throw new SshConfigException(l.where() + ": unsupported Match criterion \""
                            + crit + "\"");
                }
                if (negate) {
                    r = !r;
                }
                result &= r;
            }
            return !neverMatch && result;
        }

        String currentHostName() {
            List<String> hn = first.get("hostname");
            if (finalPass || hn == null) {
                return hostForHostLines;
            }
            return expandHostName(hn.get(0), alias);
        }

        String currentUser() {
            List<String> u = first.get("user");
            return u == null ? localUser : u.get(0);
        }

        private void set(Line l) {
            String k = l.keyword();
            if (k.equals("pubkeyacceptedkeytypes")) {
                k = "pubkeyacceptedalgorithms";
            }
            if (!KNOWN.contains(k)) {
                // IgnoreUnknown (a pattern list, first value wins) silences unknown keywords that come after it.
                List<String> ignored = first.get("ignoreunknown");
                if (ignored != null && matchList(k, String.join(",", ignored).toLowerCase(Locale.ROOT))) {
                    return;
                }
                unknown.add(l.where() + " " + k);
                return;
            }
            if (ACCUMULATING.contains(k)) {
                List<List<String>> list = accumulated.computeIfAbsent(k, x -> new ArrayList<>());
                if (!list.contains(l.args())) {
                    list.add(l.args());
                }
                return;
            }
            // ProxyJump and ProxyCommand exclude each other: whichever comes first wins (ssh_config(5)). As in
            // OpenSSH 9.2 (checked with ssh -G), "ProxyCommand none" blocks a later ProxyJump, while
            // "ProxyJump none" blocks only later ProxyJump lines and lets a ProxyCommand through.
            if ((k.equals("proxyjump") && first.containsKey("proxycommand"))
                    || (k.equals("proxycommand") && first.containsKey("proxyjump")
                            && !first.get("proxyjump").get(0).equalsIgnoreCase("none"))) {
                return;
            }
            first.putIfAbsent(k, l.args());
        }
    }

    /**
     * Says whether a {@code Host} or {@code Match host}/{@code originalhost} block names the alias by more than a
     * catch-all ({@code Host *}, {@code Match all}): whether the alias is one this configuration knows, rather than
     * a host name OpenSSH would merely connect to.
     */
    public boolean names(String hostAlias, String localUser) {
        SafeNames.requireSafeHost(hostAlias, "host alias");
        Pass pass = new Pass(hostAlias, localUser, new LinkedHashMap<>(), new HashMap<>(), new LinkedHashSet<>());
        pass.walk(lines, true, false);
        return pass.named;
    }

    /** Resolves the effective settings for a host alias, as {@code ssh -G alias} would, for a local user. */
    public ResolvedSshConfig resolve(String hostAlias, String localUser) {
        return resolve(hostAlias, localUser, Optional.empty(), -1, List.of());
    }

    /**
     * Resolves a host alias with command-line options first, as {@code ssh -o Keyword=value} (and {@code -p},
     * {@code -l}, {@code -i}, {@code -J} written as {@code Port}, {@code User}, {@code IdentityFile},
     * {@code ProxyJump}) gives them: their values win over every file.
     *
     * @param options lines {@code Keyword value} or {@code Keyword=value}
     * @throws SshConfigException if an option is malformed or is {@code Host}, {@code Match} or {@code Include}
     */
    public ResolvedSshConfig resolve(String hostAlias, String localUser, List<String> options) {
        return resolve(hostAlias, localUser, Optional.empty(), -1, options(options));
    }

    private List<Line> options(List<String> options) {
        if (options.isEmpty()) {
            return List.of();
        }
        for (String o : options) {
            if (o.indexOf('\n') >= 0 || o.indexOf('\r') >= 0) {
                throw new SshConfigException("command-line option holds a line break: \"" + o.strip() + "\"");
            }
        }
        int[] budget = {MAX_TOTAL_LINES};
        List<Line> parsed = parseText(String.join("\n", options), "<command line>", home.resolve(".ssh"), home, 0,
                budget, false);
        for (Line l : parsed) {
            if (l.keyword().equals("host") || l.keyword().equals("match") || l.keyword().equals("include")) {
                throw new SshConfigException(l.where() + ": " + l.keyword() + " is not allowed as a command-line"
                        + " option");
            }
        }
        return parsed;
    }

    private ResolvedSshConfig resolve(String alias, String localUser, Optional<String> userOverride,
            int portOverride, List<Line> commandLine) {
        SafeNames.requireSafeHost(alias, "host alias");
        SafeNames.requireSafe(localUser, "local user");
        Map<String, List<String>> first = new LinkedHashMap<>();
        userOverride.ifPresent(u -> first.put("user", List.of(u)));
        if (portOverride != -1) {
            first.put("port", List.of(Integer.toString(portOverride)));
        }
        Set<String> preset = new LinkedHashSet<>(first.keySet());
        Map<String, List<List<String>>> acc = new HashMap<>();
        Set<String> unknown = new LinkedHashSet<>();
        Pass pass = new Pass(alias, localUser, first, acc, unknown);
        pass.walk(commandLine, true, false);
        pass.walk(lines, true, false);
        if (pass.wantFinal) {
            String hostName = first.containsKey("hostname") ? pass.currentHostName()
                    : alias.toLowerCase(Locale.ROOT);
            pass.finalPass = true;
            pass.hostForHostLines = hostName;
            first.put("hostname", List.of(hostName));
            // OpenSSH keeps the first pass's values; lists gain what the final pass adds, without duplicates.
            pass.walk(commandLine, true, false);
            pass.walk(lines, true, false);
        }
        return build(alias, localUser, first, acc, unknown, preset);
    }

    private ResolvedSshConfig build(String alias, String localUser, Map<String, List<String>> first,
            Map<String, List<List<String>>> acc, Set<String> unknown, Set<String> preset) {
        Set<String> setKeywords = new LinkedHashSet<>(first.keySet());
        setKeywords.removeAll(preset);
        setKeywords.addAll(acc.keySet());
        // Without HostName, OpenSSH connects to the alias lower-cased.
        String hostName = first.containsKey("hostname") ? expandHostName(one(first, "hostname"), alias)
                : alias.toLowerCase(Locale.ROOT);
        SafeNames.requireSafeHost(hostName, "HostName");
        int port = first.containsKey("port") ? port(one(first, "port")) : 22;
        String user = first.containsKey("user") ? one(first, "user") : localUser;
        SafeNames.requireSafe(user, "User");
        Map<Character, String> t = new HashMap<>();
        t.put('h', hostName);
        t.put('p', Integer.toString(port));
        t.put('r', user);
        t.put('n', alias);
        t.put('u', localUser);
        t.put('d', home.toString());
        List<String> identityFiles = new ArrayList<>();
        for (List<String> a : acc.getOrDefault("identityfile", List.of())) {
            identityFiles.add(path(a.get(0), t, "IdentityFile"));
        }
        List<String> certificateFiles = new ArrayList<>();
        for (List<String> a : acc.getOrDefault("certificatefile", List.of())) {
            certificateFiles.add(path(a.get(0), t, "CertificateFile"));
        }
        List<String> localForwards = new ArrayList<>();
        for (List<String> a : acc.getOrDefault("localforward", List.of())) {
            localForwards.add(String.join(" ", a));
        }
        List<String> remoteForwards = new ArrayList<>();
        for (List<String> a : acc.getOrDefault("remoteforward", List.of())) {
            remoteForwards.add(String.join(" ", a));
        }
        List<String> dynamicForwards = new ArrayList<>();
        for (List<String> a : acc.getOrDefault("dynamicforward", List.of())) {
            dynamicForwards.add(String.join(" ", a));
        }
        Optional<String> agent = Optional.ofNullable(first.get("identityagent"))
                .map(a -> a.get(0).equals("none") || a.get(0).equals("SSH_AUTH_SOCK") ? a.get(0)
                        : path(a.get(0), t, "IdentityAgent"));
        List<JumpSpec> jumps = new ArrayList<>();
        if (first.containsKey("proxyjump") && !one(first, "proxyjump").equalsIgnoreCase("none")) {
            for (String spec : one(first, "proxyjump").split(",", -1)) {
                jumps.add(JumpSpec.parse(spec));
            }
        }
        Optional<String> proxyCommand = Optional.ofNullable(first.get("proxycommand"))
                .map(a -> String.join(" ", a))
                .filter(c -> !c.equals("none"))
                .map(c -> expand(c, t, "hnpr", "ProxyCommand"));
        List<String> userKnownHosts = files(first.get("userknownhostsfile"), t, "UserKnownHostsFile");
        List<String> globalKnownHosts = files(first.get("globalknownhostsfile"), t, "GlobalKnownHostsFile");
        Optional<StrictHostKeyChecking> strict = Optional.ofNullable(first.get("stricthostkeychecking"))
                .map(a -> strict(a.get(0)));
        Optional<String> hostKeyAlias = Optional.ofNullable(first.get("hostkeyalias")).map(a -> a.get(0));
        boolean hash = bool(first, "hashknownhosts");
        boolean identitiesOnly = bool(first, "identitiesonly");
        Optional<Duration> connectTimeout = Optional.ofNullable(first.get("connecttimeout"))
                .filter(a -> !a.get(0).equals("none"))
                .map(a -> time(a.get(0), "ConnectTimeout"));
        int aliveInterval = first.containsKey("serveraliveinterval")
                ? (int) time(one(first, "serveraliveinterval"), "ServerAliveInterval").toSeconds() : 0;
        int aliveCount = first.containsKey("serveralivecountmax")
                ? integer(one(first, "serveralivecountmax"), "ServerAliveCountMax") : 3;
        SshTransportConfig d = SshTransportConfig.defaults();
        List<String> kex = algorithms(first.get("kexalgorithms"), d.kexAlgorithms(), "KexAlgorithms");
        List<String> ciphers = algorithms(first.get("ciphers"), d.ciphers(), "Ciphers");
        List<String> macs = algorithms(first.get("macs"), d.macs(), "MACs");
        List<String> hka = algorithms(first.get("hostkeyalgorithms"), d.hostKeyAlgorithms(), "HostKeyAlgorithms");
        List<String> pka = algorithms(first.get("pubkeyacceptedalgorithms"),
                SshTransportConfig.DEFAULT_HOST_KEY_ALGORITHMS, "PubkeyAcceptedAlgorithms");
        Optional<Long> rekeyBytes = Optional.empty();
        Optional<Duration> rekeyTime = Optional.empty();
        List<String> rekey = first.get("rekeylimit");
        if (rekey != null) {
            if (!rekey.get(0).equals("default")) {
                rekeyBytes = Optional.of(bytes(rekey.get(0)));
            }
            if (rekey.size() > 1 && !rekey.get(1).equals("none") && !rekey.get(1).equals("default")) {
                rekeyTime = Optional.of(time(rekey.get(1), "RekeyLimit"));
            }
        }
        List<String> preferred = first.containsKey("preferredauthentications")
                ? List.of(one(first, "preferredauthentications").split(",")) : List.of();
        int passwordPrompts = first.containsKey("numberofpasswordprompts")
                ? integer(one(first, "numberofpasswordprompts"), "NumberOfPasswordPrompts") : 3;
        if (passwordPrompts < 0) {
            throw new SshConfigException("NumberOfPasswordPrompts: must not be negative: " + passwordPrompts);
        }
        if (!unknown.isEmpty()) {
            LOG.debug("ssh_config for {}: {} unknown keyword(s) ignored", alias, unknown.size());
        }
        return new ResolvedSshConfig(alias, hostName, port, user, identityFiles, identitiesOnly,
                certificateFiles, agent, jumps, proxyCommand, userKnownHosts, globalKnownHosts, strict,
                hostKeyAlias, hash, connectTimeout, aliveInterval, aliveCount, kex, ciphers, macs, hka, pka,
                rekeyBytes, rekeyTime, preferred, passwordPrompts, localForwards, remoteForwards, dynamicForwards, setKeywords, new ArrayList<>(unknown));
    }

    /**
     * Resolves the alias and, recursively, its {@code ProxyJump} hosts; returns the hops in connect order, the
     * alias last. Each jump host is resolved as an alias of its own, user and port from the jump spec winning;
     * the first jump of a list uses its own {@code ProxyJump}, later ones are reached through the earlier ones.
     * Refuses loops and chains deeper than {@value #MAX_JUMP_DEPTH}.
     */
    public List<ResolvedSshConfig> resolveChain(String hostAlias, String localUser) {
        return resolveChain(hostAlias, localUser, List.of());
    }

    /**
     * Resolves a chain as {@link #resolveChain(String, String)} does, with command-line options (see
     * {@link #resolve(String, String, List)}) applied to the alias only: as with OpenSSH, whose {@code -J} runs
     * the jump hosts' connections without the destination's {@code -o} options, they do not reach the jump hosts.
     * A {@code ProxyJump} option thus replaces the alias's own jump hosts, as {@code ssh -J} does.
     */
    public List<ResolvedSshConfig> resolveChain(String hostAlias, String localUser, List<String> options) {
        List<ResolvedSshConfig> out = new ArrayList<>();
        chain(hostAlias, localUser, Optional.empty(), -1, new ArrayList<>(), out, true, options(options));
        return List.copyOf(out);
    }

    private void chain(String alias, String localUser, Optional<String> user, int port, List<String> stack,
            List<ResolvedSshConfig> out, boolean followOwnJumps) {
        chain(alias, localUser, user, port, stack, out, followOwnJumps, List.of());
    }

    private void chain(String alias, String localUser, Optional<String> user, int port, List<String> stack,
            List<ResolvedSshConfig> out, boolean followOwnJumps, List<Line> commandLine) {
        if (stack.contains(alias.toLowerCase(Locale.ROOT))) {
            throw new SshConfigException("ProxyJump loop: " + String.join(" -> ", stack) + " -> " + alias);
        }
        if (stack.size() >= MAX_JUMP_DEPTH) {
            throw new SshConfigException("ProxyJump chain deeper than " + MAX_JUMP_DEPTH + ": "
                    + String.join(" -> ", stack));
        }
        ResolvedSshConfig r = resolve(alias, localUser, user, port, commandLine);
        stack.add(alias.toLowerCase(Locale.ROOT));
        List<JumpSpec> jumps = followOwnJumps ? r.proxyJump() : List.of();
        for (int i = 0; i < jumps.size(); i++) {
            JumpSpec j = jumps.get(i);
            chain(j.host(), localUser, j.user(), j.port(), stack, out, i == 0);
        }
        stack.remove(stack.size() - 1);
        out.add(r);
    }

    // ---------------------------------------------------------------- values

    private static String one(Map<String, List<String>> m, String k) {
        return m.get(k).get(0);
    }

    private static String expandHostName(String value, String alias) {
        return expand(value, Map.of('h', alias), "h", "HostName");
    }

    /** Expands {@code %%} and the allowed tokens; an unknown or disallowed token is an error, as in OpenSSH. */
    static String expand(String value, Map<Character, String> tokens, String allowed, String keyword) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i + 1 >= value.length()) {
                throw new SshConfigException(keyword + ": '%' at end of \"" + value + "\"");
            }
            char t = value.charAt(++i);
            if (t == '%') {
                sb.append('%');
            } else if (allowed.indexOf(t) >= 0 && tokens.containsKey(t)) {
                sb.append(tokens.get(t));
            } else {
                throw new SshConfigException(keyword + ": unsupported token %" + t + " in \"" + value + "\"");
            }
        }
        return sb.toString();
    }

    private String path(String value, Map<Character, String> t, String keyword) {
        String v = value.equals("~") ? home.toString()
                : value.startsWith("~/") ? home + value.substring(1) : value;
        return expand(v, t, "dhnpru", keyword);
    }

    private List<String> files(List<String> args, Map<Character, String> t, String keyword) {
        if (args == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String a : args) {
            out.add(a.equals("none") ? a : path(a, t, keyword));
        }
        return out;
    }

    private static int port(String v) {
        int p = integer(v, "Port");
        if (p < 1 || p > 65535) {
            throw new SshConfigException("Port out of range: " + v);
        }
        return p;
    }

    private static int integer(String v, String keyword) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new SshConfigException(keyword + ": not a number: \"" + v + "\"", e);
        }
    }

    private static boolean bool(Map<String, List<String>> m, String k) {
        List<String> a = m.get(k);
        if (a == null) {
            return false;
        }
        return switch (a.get(0).toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw new SshConfigException(k + ": expected yes or no, got \"" + a.get(0) + "\"");
        };
    }

    private static StrictHostKeyChecking strict(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> StrictHostKeyChecking.YES;
            case "no", "false", "off" -> StrictHostKeyChecking.NO;
            case "ask" -> StrictHostKeyChecking.ASK;
            case "accept-new" -> StrictHostKeyChecking.ACCEPT_NEW;
            default -> throw new SshConfigException("StrictHostKeyChecking: unknown value \"" + v + "\"");
        };
    }

    /** Parses an OpenSSH time value: seconds, or groups like {@code 1h30m} (s, m, h, d, w). */
    static Duration time(String v, String keyword) {
        long total = 0;
        long num = -1;
        for (int i = 0; i < v.length(); i++) {
            char c = Character.toLowerCase(v.charAt(i));
            if (c >= '0' && c <= '9') {
                num = (num < 0 ? 0 : num) * 10 + (c - '0');
                if (num > Integer.MAX_VALUE) {
                    throw new SshConfigException(keyword + ": time too large: \"" + v + "\"");
                }
                continue;
            }
            long mult = switch (c) {
                case 's' -> 1;
                case 'm' -> 60;
                case 'h' -> 3600;
                case 'd' -> 86400;
                case 'w' -> 604800;
                default -> -1;
            };
            if (mult < 0 || num < 0) {
                throw new SshConfigException(keyword + ": bad time \"" + v + "\"");
            }
            total += num * mult;
            num = -1;
        }
        if (num >= 0) {
            total += num;
        } else if (v.isEmpty()) {
            throw new SshConfigException(keyword + ": empty time");
        }
        return Duration.ofSeconds(total);
    }

    private static long bytes(String v) {
        if (v.isEmpty()) {
            throw new SshConfigException("RekeyLimit: empty size");
        }
        char last = Character.toUpperCase(v.charAt(v.length() - 1));
        long mult = switch (last) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = mult == 1 ? v : v.substring(0, v.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new SshConfigException("RekeyLimit: bad size \"" + v + "\"", e);
        }
    }

    /** Applies an algorithm list with OpenSSH's {@code +} (append), {@code -} (remove) and {@code ^} (prepend). */
    static List<String> algorithms(List<String> args, List<String> defaults, String keyword) {
        if (args == null) {
            return defaults;
        }
        String v = args.get(0);
        if (v.isEmpty()) {
            throw new SshConfigException(keyword + ": empty list");
        }
        char mod = v.charAt(0);
        String list = (mod == '+' || mod == '-' || mod == '^') ? v.substring(1) : v;
        List<String> named = new ArrayList<>();
        for (String s : list.split(",")) {
            if (s.isEmpty()) {
                throw new SshConfigException(keyword + ": empty name in \"" + v + "\"");
            }
            named.add(s);
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        switch (mod) {
            case '+' -> {
                out.addAll(defaults);
                out.addAll(named);
            }
            case '^' -> {
                out.addAll(named);
                out.addAll(defaults);
            }
            case '-' -> {
                for (String d : defaults) {
                    boolean removed = false;
                    for (String pat : named) {
                        removed |= glob(pat, d);
                    }
                    if (!removed) {
                        out.add(d);
                    }
                }
            }
            default -> out.addAll(named);
        }
        return List.copyOf(out);
    }

    /** Matches a comma-separated pattern list with negation, as OpenSSH's {@code match_pattern_list}. */
    static boolean matchList(String subject, String list) {
        boolean matched = false;
        for (String p : list.split(",")) {
            boolean negated = p.startsWith("!");
            if (glob(negated ? p.substring(1) : p, subject)) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    /** Matches {@code *} and {@code ?} wildcards. */
    static boolean glob(String pattern, String s) {
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < s.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == s.charAt(i))) {
                p++;
                i++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = i;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
