// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc;

import dev.fumidai.JumpHost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.SocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Is the {@link SocketFactory} that JDBC drivers instantiate by class name, whose sockets reach the database
 * through a {@link JumpHost} named in the URL: the target is the URL's own {@code host:port}, resolved by the last
 * hop, and no local port is opened.
 *
 * <pre>
 * PostgreSQL (pgjdbc):
 *   jdbc:postgresql://db.internal:5432/app?socketFactory=dev.fumidai.jdbc.FumidaiSocketFactory&amp;socketFactoryArg=prod
 * MariaDB Connector/J (it passes no argument: the system property fumidai.jdbc.route, else the only registered name):
 *   jdbc:mariadb://db.internal:3306/app?socketFactory=dev.fumidai.jdbc.FumidaiSocketFactory
 * </pre>
 *
 * <p>The argument is a name {@linkplain JumpHosts#register registered} by the application, a route string
 * ({@code ssh://ops@bastion,ssh://ops@10.0.1.5}) or an ssh_config alias; see {@link JumpHosts}. pgjdbc calls the
 * {@link Properties} constructor, which reads {@value #ROUTE_PROPERTY} and then {@code socketFactoryArg} from the
 * connection properties.
 *
 * <h2>Pools</h2>
 * Every socket is one stream over the JumpHost's shared hop sessions, audited as {@code forward.open} and
 * {@code forward.close} (with bytes and duration) by the JumpHost; closing the socket closes the stream.
 *
 * <h2>Failure</h2>
 * An unknown name fails the constructor with an {@link IllegalArgumentException} that lists the registered names;
 * the driver reports it as a connection error. A hop or target failure surfaces from {@code connect} as the
 * {@code TunnelException} (an {@link IOException}) that names the hop.
 */
public class FumidaiSocketFactory extends SocketFactory {

    /** The connection property (URL parameter) that names the JumpHost or route for pgjdbc. */
    public static final String ROUTE_PROPERTY = "fumidaiRoute";

    private final String name;

    /** Uses the default name: the system property {@value JumpHosts#DEFAULT_ROUTE_PROPERTY}, else the only registered one. */
    public FumidaiSocketFactory() {
        this(JumpHosts.defaultName());
    }

    /** Uses the JumpHost registered under {@code name}, or the shared one for the route string or alias. */
    public FumidaiSocketFactory(@Nullable String name) {
        this.name = name == null || name.isBlank() ? JumpHosts.defaultName() : name.trim();
        JumpHosts.resolve(this.name);
    }

    /** Uses the name in the connection property {@value #ROUTE_PROPERTY}, else {@code socketFactoryArg}. */
    public FumidaiSocketFactory(@Nullable Properties info) {
        this(info == null ? null : info.getProperty(ROUTE_PROPERTY, info.getProperty("socketFactoryArg")));
    }

    /** Returns the name or route this factory resolves. */
    public final String name() {
        return name;
    }

    /** Returns the JumpHost the name stands for now (a registration may have changed since construction). */
    protected final JumpHost jumpHost() {
        return JumpHosts.resolve(name);
    }

    /** Returns an unconnected socket; {@code connect(host:port)} opens a stream through the route. */
    @Override
    public Socket createSocket() throws IOException {
        return jumpHost().socketFactory().createSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        connect(s, InetSocketAddress.createUnresolved(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        connect(s, new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return createSocket(address, port);
    }

    private static void connect(Socket s, InetSocketAddress a) throws IOException {
        try {
            s.connect(a);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "FumidaiSocketFactory[" + name + "]";
    }
}
