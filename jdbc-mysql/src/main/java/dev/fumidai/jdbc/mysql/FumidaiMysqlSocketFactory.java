// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc.mysql;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.StandardSocketFactory;
import dev.fumidai.jdbc.FumidaiSocketFactory;
import dev.fumidai.jdbc.JumpHosts;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Properties;

/**
 * Is MySQL Connector/J's {@code com.mysql.cj.protocol.SocketFactory} whose sockets reach the database through a
 * {@code JumpHost}: the target is the URL's own {@code host:port}, resolved by the last hop (never locally).
 *
 * <pre>
 * jdbc:mysql://db.internal:3306/app?socketFactory=dev.fumidai.jdbc.mysql.FumidaiMysqlSocketFactory&amp;fumidaiRoute=prod
 * </pre>
 *
 * <p>The URL property {@value FumidaiSocketFactory#ROUTE_PROPERTY} names a JumpHost registered with
 * {@link JumpHosts#register}, a route string or an ssh_config alias (see {@link JumpHosts}); without it, the system
 * property {@value JumpHosts#DEFAULT_ROUTE_PROPERTY}, else the only registered JumpHost. TLS ({@code sslMode}),
 * login and socket timeouts work as with the driver's own factory, which this class extends: only the connect step
 * differs.
 *
 * <h2>Failure</h2>
 * An unknown name fails the connection with an {@link IllegalArgumentException} listing the registered names; a hop
 * failure with the {@code TunnelException} that names the hop.
 */
public class FumidaiMysqlSocketFactory extends StandardSocketFactory {

    /** Creates the factory; Connector/J does, by class name, once per connection. */
    public FumidaiMysqlSocketFactory() {
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Closeable> T connect(String hostname, int portNumber, PropertySet props, int loginTimeout)
            throws IOException {
        this.loginTimeoutCountdown = loginTimeout;
        this.host = hostname;
        this.port = portNumber;
        Properties exposed = props.exposeAsProperties();
        String name = exposed.getProperty(FumidaiSocketFactory.ROUTE_PROPERTY);
        FumidaiSocketFactory factory = new FumidaiSocketFactory(name);
        Socket socket = factory.createSocket();
        Integer connectTimeout = props.getIntegerProperty(PropertyKey.connectTimeout).getValue();
        try {
            socket.connect(InetSocketAddress.createUnresolved(hostname, portNumber),
                    getRealTimeout(connectTimeout == null ? 0 : connectTimeout));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        Integer soTimeout = props.getIntegerProperty(PropertyKey.socketTimeout).getValue();
        if (soTimeout != null && soTimeout > 0) {
            socket.setSoTimeout(soTimeout);
        }
        this.rawSocket = socket;
        resetLoginTimeCountdown();
        this.sslSocket = socket;
        return (T) socket;
    }
}
