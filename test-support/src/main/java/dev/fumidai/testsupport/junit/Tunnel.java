// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testsupport.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects a ready tunnel into a test class's fields: a {@code dev.fumidai.JumpHost}, a {@code dev.fumidai.LocalForward}
 * to the target, or a {@code String} JDBC URL (from {@link #jdbcUrl()}) that points at such a forward.
 *
 * <p>On the class, it sets the defaults for every annotated field; on a field, each non-empty attribute overrides
 * the class's. The route comes from exactly one of {@link #route()}, {@link #routeProperty()}, {@link #routeEnv()}
 * or {@link #sshConfig()}; the target from {@link #target()} or {@link #targetProperty()}.
 *
 * <pre>{@code
 * @Tunnel(routeEnv = "DB_ROUTE", target = "db.internal:5432")
 * class OrdersIT {
 *     @Tunnel(jdbcUrl = "jdbc:postgresql://{host}:{port}/orders")
 *     static String url;
 * }
 * }</pre>
 *
 * <p>Hops connect before the first test; a route that cannot connect fails the class with the hop named (never a
 * skip). Every JumpHost and forward closes after the class. See {@link FumidaiExtension}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD})
@ExtendWith(FumidaiExtension.class)
public @interface Tunnel {

    /** Returns a literal route, e.g. {@code ssh://ops@bastion,ssh://ops@10.0.1.5} (as {@code Route.parse}). */
    String route() default "";

    /** Returns the name of a system property holding the route (a route string or an ssh_config alias). */
    String routeProperty() default "";

    /** Returns the name of an environment variable holding the route (a route string or an ssh_config alias). */
    String routeEnv() default "";

    /** Returns an ssh_config alias whose hops make the route (as {@code ssh -J}/{@code ProxyJump} would). */
    String sshConfig() default "";

    /**
     * Returns the ssh_config file for aliases (default: the system property {@code fumidai.ssh.config}, else
     * OpenSSH's own files).
     */
    String sshConfigFile() default "";

    /** Returns the target as {@code host:port}, resolved by the last hop. */
    String target() default "";

    /** Returns the name of a system property holding the target as {@code host:port}. */
    String targetProperty() default "";

    /**
     * Returns the JDBC URL template for a {@code String} field: {@code {host}} and {@code {port}} become the local
     * forward's address, e.g. {@code jdbc:postgresql://{host}:{port}/app}.
     */
    String jdbcUrl() default "";

    /** Returns the audit actor (default: the system property {@code fumidai.actor}, else {@code test:<OS user>}). */
    String actor() default "";

    /** Returns how long the hops may take to connect, in seconds (default 30). */
    int connectTimeoutSeconds() default 0;
}
