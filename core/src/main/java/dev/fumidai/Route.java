// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import dev.fumidai.internal.SshConfigLookup;
import dev.fumidai.spi.ConfiguredHost;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopFactory;
import dev.fumidai.spi.Hops;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Lists the hops a tunnel crosses, first to last. The first hop is reached by direct TCP; each later hop through
 * the one before; the target through the last. An empty route connects directly.
 *
 * <p>Immutable and thread-safe.
 */
public final class Route {

    /** Most hops a route may have; OpenSSH has no limit, but a longer chain is almost surely a loop or a mistake. */
    public static final int MAX_HOPS = 16;

    private static final Route DIRECT = new Route(List.of());

    private final List<Hop> hops;

    private Route(List<Hop> hops) {
        this.hops = hops;
    }

    /** Returns the route with no hop: the target is connected directly. */
    public static Route direct() {
        return DIRECT;
    }

    /**
     * Returns a route through the given hops, first to last.
     *
     * @throws IllegalArgumentException if there are more than {@link #MAX_HOPS} or the same hop appears twice
     */
    public static Route of(Hop... hops) {
        return of(List.of(hops));
    }

    /** Returns a route through the given hops; see {@link #of(Hop...)}. */
    public static Route of(List<? extends Hop> hops) {
        List<Hop> copy = List.copyOf(hops);
        if (copy.size() > MAX_HOPS) {
            throw new IllegalArgumentException("a route has at most " + MAX_HOPS + " hops, got " + copy.size());
        }
        Set<String> seen = new HashSet<>();
        for (Hop h : copy) {
            String key = Hops.describe(h);
            if (!seen.add(key)) {
                throw new IllegalArgumentException("route loops: " + key + " appears twice");
            }
        }
        return copy.isEmpty() ? DIRECT : new Route(copy);
    }

    /**
     * Parses a comma-separated list of hop URIs, e.g. {@code ssm://i-0abc?region=eu-west-1,ssh://ops@10.0.1.5}.
     * Each scheme is resolved through the {@link HopFactory} services on the class or module path.
     *
     * @throws IllegalArgumentException if a URI is malformed, its scheme unknown, or the route too long or looping
     */
    public static Route parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String trimmed = spec.trim();
        if (trimmed.isEmpty()) {
            return DIRECT;
        }
        List<HopFactory> factories = new ArrayList<>();
        ServiceLoader.load(HopFactory.class, Route.class.getClassLoader()).forEach(factories::add);
        if (factories.isEmpty()) {
            ServiceLoader.load(HopFactory.class).forEach(factories::add);
        }
        // Check every part's syntax first, so the error names the malformed part rather than a missing transport.
        List<URI> uris = new ArrayList<>();
        for (String part : trimmed.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("empty hop in route \"" + spec + "\"");
            }
            URI uri;
            try {
                uri = new URI(p);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("hop \"" + p + "\" is not a URI: " + e.getMessage(), e);
            }
            if (uri.getScheme() == null) {
                throw new IllegalArgumentException("hop \"" + p + "\" has no scheme (ssh://, ssm://)");
            }
            uris.add(uri);
        }
        List<Hop> hops = new ArrayList<>();
        for (URI uri : uris) {
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            HopFactory factory = null;
            for (HopFactory f : factories) {
                if (f.schemes().contains(scheme)) {
                    factory = f;
                    break;
                }
            }
            if (factory == null) {
                Set<String> known = new HashSet<>();
                factories.forEach(f -> known.addAll(f.schemes()));
                throw new IllegalArgumentException("no transport for scheme \"" + scheme + "\" in hop \"" + uri
                        + "\"; transports found: " + known + " (add fumidai-transport-ssh or -ssm to the classpath)");
            }
            hops.add(factory.create(uri));
        }
        return of(hops);
    }

    /**
     * Returns the route through an OpenSSH config host alias, the alias's own host being the last hop, so that
     * {@code jumpHost.connect(target)} and {@code forward(target)} reach targets <em>behind</em> that host, as
     * {@code ssh -W target alias} and {@code ssh -L ...:target alias} do. The hops before it are the alias's
     * {@code ProxyCommand} (run as a {@link CommandHop}) or {@code ProxyJump} chain. Reads
     * {@code ~/.ssh/config} (refused if others may write it, as OpenSSH refuses it) and then
     * {@code /etc/ssh/ssh_config}, first value winning.
     *
     * <p>Needs an {@link dev.fumidai.spi.SshConfigResolver} service: {@code fumidai-transport-ssh} on the class
     * or module path. Reads files: call it off any event loop.
     *
     * @throws IllegalStateException if no resolver is on the class or module path
     * @throws IllegalArgumentException if no {@code Host} or {@code Match} block names the alias, or the
     *         configuration is malformed or unsafe (CVE-2023-51385 class names, a bad ProxyJump chain)
     */
    public static Route fromSshConfig(String alias) {
        return fromSshConfig(alias, null);
    }

    /**
     * Returns the route through an alias of the given configuration file only, as {@code ssh -F file alias}
     * reads it; see {@link #fromSshConfig(String)}. {@code null} means OpenSSH's default files.
     */
    public static Route fromSshConfig(String alias, @Nullable Path configFile) {
        ConfiguredHost h = SshConfigLookup.resolve(alias, configFile);
        List<Hop> all = new ArrayList<>(h.via());
        all.add(h.hop());
        return of(all);
    }

    /**
     * Returns the route that reaches an alias's {@code HostName} and {@code Port} without logging in there:
     * its {@code ProxyCommand} or {@code ProxyJump} hops only, direct when it has none. With
     * {@link Target#fromSshConfig(String)} it tunnels to a configured host that is not an SSH server of ours,
     * e.g. a database whose {@code Host} block only names its bastion.
     *
     * @throws IllegalStateException if no resolver is on the class or module path
     * @throws IllegalArgumentException as {@link #fromSshConfig(String)}
     */
    public static Route toSshConfigHost(String alias) {
        return toSshConfigHost(alias, null);
    }

    /** Returns the route to an alias of the given configuration file; see {@link #toSshConfigHost(String)}. */
    public static Route toSshConfigHost(String alias, @Nullable Path configFile) {
        return of(SshConfigLookup.resolve(alias, configFile).via());
    }

    /** Returns the hops, first to last. */
    public List<Hop> hops() {
        return Collections.unmodifiableList(hops);
    }

    /** Returns whether the route has no hop. */
    public boolean isDirect() {
        return hops.isEmpty();
    }

    /** Returns a new route with a hop appended. */
    public Route then(Hop hop) {
        List<Hop> l = new ArrayList<>(hops);
        l.add(hop);
        return of(l);
    }

    @Override
    public String toString() {
        if (hops.isEmpty()) {
            return "direct";
        }
        StringBuilder sb = new StringBuilder();
        for (Hop h : hops) {
            if (sb.length() > 0) {
                sb.append(" -> ");
            }
            sb.append(Hops.describe(h));
        }
        return sb.toString();
    }
}
