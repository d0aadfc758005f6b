// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names the {@link JumpHost}s that socket factories instantiated by a JDBC driver use: the driver gets a class name
 * and a string, never an object, so the string finds the JumpHost here.
 *
 * <p>A name is either one the application {@linkplain #register registered}, or a route that this class builds once
 * and shares: a route string with schemes ({@code ssh://ops@bastion,ssh://ops@10.0.1.5}, {@code ssm://i-0abc}),
 * parsed by {@link Route#parse} with the transports found on the class path, or an ssh_config alias
 * ({@link Route#fromSshConfig(String, Path)}). A built route gets one JumpHost per distinct string, closed by
 * {@link #closeAll()} or at JVM shutdown; its audit actor is the system property {@value #ACTOR_PROPERTY}, else
 * {@code os:} and the OS user.
 *
 * <h2>System properties</h2>
 * <ul>
 * <li>{@value #ACTOR_PROPERTY}: the actor of JumpHosts built here (e.g. {@code ci:job-1234});</li>
 * <li>{@value #SSH_CONFIG_PROPERTY}: the ssh_config file for aliases (default: OpenSSH's own files);</li>
 * <li>{@value #DEFAULT_ROUTE_PROPERTY}: the name a factory uses when the driver gives none (MariaDB).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Thread-safe.
 */
public final class JumpHosts {

    /** The system property holding the audit actor of JumpHosts built from a route string. */
    public static final String ACTOR_PROPERTY = "fumidai.actor";

    /** The system property naming the ssh_config file that aliases are read from. */
    public static final String SSH_CONFIG_PROPERTY = "fumidai.ssh.config";

    /** The system property naming the JumpHost or route used when the driver passes no argument. */
    public static final String DEFAULT_ROUTE_PROPERTY = "fumidai.jdbc.route";

    private static final Logger LOG = LoggerFactory.getLogger(JumpHosts.class);
    private static final Map<String, JumpHost> REGISTERED = new ConcurrentHashMap<>();
    private static final Map<String, JumpHost> BUILT = new ConcurrentHashMap<>();
    private static final Object SHUTDOWN_LOCK = new Object();
    private static Thread shutdownHook;

    private JumpHosts() {
    }

    /**
     * Registers a JumpHost under a name for socket factories; the application keeps owning it (closes it).
     *
     * @throws IllegalArgumentException if the name is blank, looks like a route ({@code ://}) or is taken
     */
    public static void register(String name, JumpHost jumpHost) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jumpHost, "jumpHost");
        if (name.isBlank() || name.contains("://") || name.contains(",")) {
            throw new IllegalArgumentException("a JumpHost name must be non-blank and not look like a route: \""
                    + name + "\"");
        }
        if (REGISTERED.putIfAbsent(name, jumpHost) != null) {
            throw new IllegalArgumentException("a JumpHost is already registered as \"" + name + "\"");
        }
    }

    /** Removes a registered name; the JumpHost is not closed. Returns whether the name was registered. */
    public static boolean unregister(String name) {
        return REGISTERED.remove(Objects.requireNonNull(name, "name")) != null;
    }

    /** Returns the registered names, sorted. */
    public static List<String> registeredNames() {
        return List.copyOf(new TreeSet<>(REGISTERED.keySet()));
    }

    /**
     * Returns the JumpHost a name stands for: a registered one, else the shared one built from the route string or
     * ssh_config alias.
     *
     * @throws IllegalArgumentException if the name is neither registered, nor a route, nor a known alias; the
     *     message lists the registered names
     */
    public static JumpHost resolve(String name) {
        Objects.requireNonNull(name, "name");
        String key = name.trim();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("no JumpHost name or route given; registered: " + registeredNames()
                    + " (or set the system property " + DEFAULT_ROUTE_PROPERTY + ")");
        }
        JumpHost registered = REGISTERED.get(key);
        if (registered != null) {
            return registered;
        }
        JumpHost built = BUILT.get(key);
        if (built != null) {
            return built;
        }
        synchronized (BUILT) {
            built = BUILT.get(key);
            if (built != null) {
                return built;
            }
            Route route = route(key);
            built = JumpHost.builder().route(route).actor(actor()).processName("fumidai-jdbc").build();
            BUILT.put(key, built);
            installShutdownHook();
            LOG.debug("built a shared JumpHost for route {}", route);
            return built;
        }
    }

    /** Returns the default name: the system property {@value #DEFAULT_ROUTE_PROPERTY}, else the only registered one. */
    static String defaultName() {
        String p = System.getProperty(DEFAULT_ROUTE_PROPERTY);
        if (p != null && !p.isBlank()) {
            return p.trim();
        }
        List<String> names = registeredNames();
        if (names.size() == 1) {
            return names.get(0);
        }
        throw new IllegalArgumentException("the driver passed no JumpHost name or route, the system property "
                + DEFAULT_ROUTE_PROPERTY + " is not set, and " + (names.isEmpty() ? "no JumpHost is registered"
                : "more than one JumpHost is registered: " + names));
    }

    private static Route route(String key) {
        if (key.contains("://")) {
            return Route.parse(key);
        }
        String cfg = System.getProperty(SSH_CONFIG_PROPERTY);
        try {
            return Route.fromSshConfig(key, cfg == null || cfg.isBlank() ? null : Path.of(cfg));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("unknown JumpHost \"" + key + "\": not registered (registered: "
                    + registeredNames() + "), not a route (ssh://, ssm://), and not an ssh_config alias ("
                    + e.getMessage() + ")", e);
        }
    }

    private static String actor() {
        String a = System.getProperty(ACTOR_PROPERTY);
        return a != null && !a.isBlank() ? a.trim() : "os:" + System.getProperty("user.name", "unknown");
    }

    /**
     * Closes every JumpHost built from a route string (their sessions, streams and audit sinks) and forgets them;
     * the next use builds them again. Registered JumpHosts are the application's to close.
     */
    public static void closeAll() {
        List<JumpHost> toClose;
        synchronized (BUILT) {
            toClose = new ArrayList<>(BUILT.values());
            BUILT.clear();
        }
        for (JumpHost jh : toClose) {
            jh.close();
        }
    }

    private static void installShutdownHook() {
        synchronized (SHUTDOWN_LOCK) {
            if (shutdownHook == null) {
                shutdownHook = new Thread(JumpHosts::closeAll, "fumidai-jdbc-shutdown");
                try {
                    Runtime.getRuntime().addShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // Already shutting down: nothing more will be built.
                }
            }
        }
    }
}
