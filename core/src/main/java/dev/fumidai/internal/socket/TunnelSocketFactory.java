// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.socket;

import dev.fumidai.Target;
import dev.fumidai.internal.stream.TunnelConnectionImpl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.net.SocketFactory;

/**
 * Makes {@link TunnelSocket}s. The forms that take a local address refuse a non-null one: a tunnel socket has no
 * local binding.
 */
public final class TunnelSocketFactory extends SocketFactory {

    private final Function<Target, CompletableFuture<TunnelConnectionImpl>> opener;

    /** Creates a factory over a stream-opening function. */
    public TunnelSocketFactory(Function<Target, CompletableFuture<TunnelConnectionImpl>> opener) {
        this.opener = opener;
    }

    @Override
    public Socket createSocket() {
        return new TunnelSocket(opener);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(InetSocketAddress.createUnresolved(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        refuseLocal(localHost, localPort);
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(host.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        refuseLocal(localAddress, localPort);
        return createSocket(address, port);
    }

    private static void refuseLocal(InetAddress local, int port) throws IOException {
        if (local != null || port != 0) {
            throw new java.net.SocketException("a tunnel socket cannot be bound to a local address");
        }
    }
}
