// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testsupport.junit;

import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the tunnels a test class asks for with {@link Tunnel} before its first test, injects them into its
 * fields, and closes them after the class.
 *
 * <p>One {@link JumpHost} serves every field with the same route; each {@link LocalForward} or JDBC URL field
 * gets its own forward. Static fields are set before {@code @BeforeAll} methods run; instance fields when each
 * test instance is created.
 *
 * <h2>Failure</h2>
 * The hops of every route are connected up front ({@link JumpHost#connectHops(Duration)}): a hop that cannot be
 * reached, fails its handshake or refuses the client fails the whole class with the {@code TunnelException} that
 * names the hop. The class is never skipped. A field of an unsupported type, or a route or target that is
 * missing, fails the class with an {@link ExtensionConfigurationException} naming the field.
 *
 * <h2>Configuration</h2>
 * The actor written into audit records is {@link Tunnel#actor()}, else the system property {@value #ACTOR_PROPERTY},
 * else {@code test:} and the OS user. ssh_config aliases are read from {@link Tunnel#sshConfigFile()}, else the
 * file named by the system property {@value #SSH_CONFIG_PROPERTY}, else OpenSSH's own files.
 */
public final class FumidaiExtension implements BeforeAllCallback, AfterAllCallback, TestInstancePostProcessor {

    /** The system property that names the audit actor when {@link Tunnel#actor()} is empty. */
    public static final String ACTOR_PROPERTY = "fumidai.actor";

    /** The system property that names the ssh_config file for aliases when {@link Tunnel#sshConfigFile()} is empty. */
    public static final String SSH_CONFIG_PROPERTY = "fumidai.ssh.config";

    private static final Logger LOG = LoggerFactory.getLogger(FumidaiExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            FumidaiExtension.class);
    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Creates the extension; JUnit does, through {@link Tunnel}'s {@code @ExtendWith}. */
    public FumidaiExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (store.get(testClass, Resources.class) != null) {
            return;
        }
        Resources resources = new Resources();
        store.put(testClass, resources);
        Optional<Tunnel> onClass = AnnotationSupport.findAnnotation(testClass, Tunnel.class);
        List<Field> fields = AnnotationSupport.findAnnotatedFields(testClass, Tunnel.class);
        try {
            if (fields.isEmpty() && onClass.isPresent()) {
                resources.jumpHost(Settings.of(onClass.get(), null, "class " + testClass.getName()));
            }
            for (Field f : fields) {
                String where = "field " + testClass.getSimpleName() + "." + f.getName();
                Settings s = Settings.of(onClass.orElse(null), f.getAnnotation(Tunnel.class), where);
                Object value = resources.valueFor(f, s, where);
                if (Modifier.isStatic(f.getModifiers())) {
                    set(f, null, value);
                } else {
                    resources.instanceValues.put(f, value);
                }
            }
        } catch (Exception | Error e) {
            resources.close();
            throw e;
        }
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws Exception {
        Resources resources = context.getStore(NAMESPACE).get(testInstance.getClass(), Resources.class);
        if (resources == null) {
            return;
        }
        for (Map.Entry<Field, Object> e : resources.instanceValues.entrySet()) {
            set(e.getKey(), testInstance, e.getValue());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Resources resources = context.getStore(NAMESPACE).remove(context.getRequiredTestClass(), Resources.class);
        if (resources != null) {
            resources.close();
        }
    }

    private static void set(Field f, Object instance, Object value) throws IllegalAccessException {
        f.setAccessible(true);
        f.set(instance, value);
    }

    /** The merged settings of a field: its own non-empty attributes over the class's. */
    private record Settings(String route, String routeProperty, String routeEnv, String sshConfig,
            String sshConfigFile, String target, String targetProperty, String jdbcUrl, String actor,
            int connectTimeoutSeconds, String where) {

        static Settings of(@Nullable Tunnel cls, @Nullable Tunnel field, String where) {
            return new Settings(pick(cls, field, Tunnel::route), pick(cls, field, Tunnel::routeProperty),
                    pick(cls, field, Tunnel::routeEnv), pick(cls, field, Tunnel::sshConfig),
                    pick(cls, field, Tunnel::sshConfigFile), pick(cls, field, Tunnel::target),
                    pick(cls, field, Tunnel::targetProperty), pick(cls, field, Tunnel::jdbcUrl),
                    pick(cls, field, Tunnel::actor),
                    field != null && field.connectTimeoutSeconds() > 0 ? field.connectTimeoutSeconds()
                            : cls != null ? cls.connectTimeoutSeconds() : 0, where);
        }

        private static String pick(Tunnel cls, Tunnel field, java.util.function.Function<Tunnel, String> attr) {
            if (field != null && !attr.apply(field).isEmpty()) {
                return attr.apply(field);
            }
            return cls == null ? "" : attr.apply(cls);
        }

        /** Returns the route text (a route string or an ssh_config alias) and whether it is an alias. */
        String[] routeText() {
            List<String> given = new ArrayList<>();
            String text = null;
            boolean alias = false;
            if (!route.isEmpty()) {
                given.add("route");
                text = route;
            }
            if (!routeProperty.isEmpty()) {
                given.add("routeProperty");
                text = System.getProperty(routeProperty);
                if (text == null || text.isBlank()) {
                    throw new ExtensionConfigurationException(where + ": system property \"" + routeProperty
                            + "\" (the route) is not set");
                }
            }
            if (!routeEnv.isEmpty()) {
                given.add("routeEnv");
                text = System.getenv(routeEnv);
                if (text == null || text.isBlank()) {
                    throw new ExtensionConfigurationException(where + ": environment variable \"" + routeEnv
                            + "\" (the route) is not set");
                }
            }
            if (!sshConfig.isEmpty()) {
                given.add("sshConfig");
                text = sshConfig;
                alias = true;
            }
            if (given.size() != 1) {
                throw new ExtensionConfigurationException(where + ": @Tunnel needs exactly one of route, "
                        + "routeProperty, routeEnv, sshConfig; got " + given);
            }
            text = text.trim();
            // A property or variable may hold either form: a route has a scheme, an alias does not.
            return new String[] {text, Boolean.toString(alias || !text.contains("://"))};
        }

        Target parsedTarget() {
            String text = target;
            if (!targetProperty.isEmpty()) {
                text = System.getProperty(targetProperty);
                if (text == null || text.isBlank()) {
                    throw new ExtensionConfigurationException(where + ": system property \"" + targetProperty
                            + "\" (the target) is not set");
                }
            }
            if (text == null || text.isEmpty()) {
                throw new ExtensionConfigurationException(where + ": @Tunnel needs a target or targetProperty");
            }
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new ExtensionConfigurationException(where + ": target \"" + text + "\" is not host:port");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                return Target.of(host, Integer.parseInt(text.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException(where + ": target \"" + text + "\": " + e.getMessage(), e);
            }
        }

        String actorId() {
            if (!actor.isEmpty()) {
                return actor;
            }
            String p = System.getProperty(ACTOR_PROPERTY);
            return p != null && !p.isBlank() ? p : "test:" + System.getProperty("user.name", "unknown");
        }

        Duration timeout() {
            return connectTimeoutSeconds > 0 ? Duration.ofSeconds(connectTimeoutSeconds) : DEFAULT_CONNECT_TIMEOUT;
        }

        @Nullable Path configFile() {
            if (!sshConfigFile.isEmpty()) {
                return Path.of(sshConfigFile);
            }
            String p = System.getProperty(SSH_CONFIG_PROPERTY);
            return p != null && !p.isBlank() ? Path.of(p) : null;
        }
    }

    /** What one test class opened, closed in reverse order after it. */
    private static final class Resources {
        private final Map<String, JumpHost> jumpHosts = new LinkedHashMap<>();
        private final List<AutoCloseable> closeables = new ArrayList<>();
        private final Map<Field, Object> instanceValues = new LinkedHashMap<>();

        JumpHost jumpHost(Settings s) throws IOException {
            String[] text = s.routeText();
            boolean alias = Boolean.parseBoolean(text[1]);
            Path config = alias ? s.configFile() : null;
            String key = (alias ? "alias:" + text[0] + "@" + config : text[0]) + "|" + s.actorId();
            JumpHost existing = jumpHosts.get(key);
            if (existing != null) {
                return existing;
            }
            Route route;
            try {
                route = alias ? Route.fromSshConfig(text[0], config) : Route.parse(text[0]);
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException(s.where() + ": route \"" + text[0] + "\": "
                        + e.getMessage(), e);
            }
            JumpHost jh = JumpHost.builder().route(route).actor(s.actorId()).build();
            jumpHosts.put(key, jh);
            closeables.add(jh);
            // Fails the class with the TunnelException that names the hop.
            jh.connectHops(s.timeout());
            return jh;
        }

        Object valueFor(Field f, Settings s, String where) throws IOException {
            Class<?> type = f.getType();
            JumpHost jh = jumpHost(s);
            if (type == JumpHost.class) {
                return jh;
            }
            if (type == LocalForward.class) {
                LocalForward fwd = jh.forward(s.parsedTarget());
                closeables.add(fwd);
                return fwd;
            }
            if (type == String.class) {
                if (s.jdbcUrl().isEmpty()) {
                    throw new ExtensionConfigurationException(where + ": a String field needs @Tunnel(jdbcUrl = "
                            + "\"jdbc:...://{host}:{port}/...\")");
                }
                LocalForward fwd = jh.forward(s.parsedTarget());
                closeables.add(fwd);
                return s.jdbcUrl().replace("{host}", fwd.localAddress().getHostString())
                        .replace("{port}", Integer.toString(fwd.localPort()));
            }
            throw new ExtensionConfigurationException(where + ": @Tunnel cannot inject a " + type.getName()
                    + "; use JumpHost, LocalForward or String (a JDBC URL)");
        }

        void close() {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                try {
                    closeables.get(i).close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed: {}", closeables.get(i), e.toString());
                }
            }
            closeables.clear();
            jumpHosts.clear();
        }
    }
}
