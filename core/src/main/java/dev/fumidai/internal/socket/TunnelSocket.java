// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.socket;

import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.internal.stream.TunnelConnectionImpl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Is a {@link Socket} whose {@code connect} opens a tunnel stream through the route instead of a TCP
 * connection, so that drivers given a {@code SocketFactory} (JDBC, HTTP clients) work unchanged.
 *
 * <p>It honours what drivers use: the connect timeout, {@code SO_TIMEOUT} on reads, half-close both ways,
 * {@code close}, the streams, and the state queries. Socket options that have no meaning for a tunnel stream
 * (buffer sizes, TCP_NODELAY, keep-alive, linger) are remembered and returned, not applied. Host names are not
 * resolved locally: the last hop resolves them.
 */
public final class TunnelSocket extends Socket {

    private final Function<Target, CompletableFuture<TunnelConnectionImpl>> opener;
    private volatile TunnelConnectionImpl conn;
    private volatile boolean closed;
    private volatile boolean inputShut;
    private volatile boolean outputShut;
    private volatile int soTimeout;
    private volatile boolean tcpNoDelay = true;
    private volatile boolean keepAlive;
    private volatile int sendBufferSize = 64 * 1024;
    private volatile int receiveBufferSize = 64 * 1024;
    private volatile int soLinger = -1;
    private Target target;

    /** Creates an unconnected socket that will open streams with the given function. */
    public TunnelSocket(Function<Target, CompletableFuture<TunnelConnectionImpl>> opener) {
        this.opener = opener;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public synchronized void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (conn != null) {
            throw new SocketException("already connected");
        }
        if (!(endpoint instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("unsupported address type: " + endpoint);
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout can't be negative");
        }
        InetSocketAddress a = (InetSocketAddress) endpoint;
        Target t = Target.of(a.getHostString(), a.getPort());
        CompletableFuture<TunnelConnectionImpl> f = opener.apply(t);
        try {
            TunnelConnectionImpl c = timeout > 0 ? f.get(timeout, TimeUnit.MILLISECONDS) : f.get();
            c.setReadTimeout(Duration.ofMillis(soTimeout));
            this.target = t;
            this.conn = c;
        } catch (TimeoutException e) {
            f.thenAccept(TunnelConnection::close);
            SocketTimeoutException ste = new SocketTimeoutException("connect to " + t + " through the tunnel timed out after "
                    + timeout + " ms");
            ste.initCause(new TunnelTimeoutException(t.toString(), "connect timed out", e));
            throw ste;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException) {
                throw (IOException) c;
            }
            throw new IOException(c.getMessage(), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.thenAccept(TunnelConnection::close);
            throw new java.io.InterruptedIOException("interrupted while connecting to " + t);
        }
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        if (bindpoint != null) {
            throw new SocketException("a tunnel socket cannot be bound to a local address");
        }
    }

    private TunnelConnectionImpl connected() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        TunnelConnectionImpl c = conn;
        if (c == null) {
            throw new SocketException("Socket is not connected");
        }
        return c;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        TunnelConnectionImpl c = connected();
        if (inputShut) {
            throw new SocketException("Socket input is shutdown");
        }
        return c.inputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        TunnelConnectionImpl c = connected();
        if (outputShut) {
            throw new SocketException("Socket output is shutdown");
        }
        return c.outputStream();
    }

    @Override
    public void shutdownOutput() throws IOException {
        connected().shutdownOutput();
        outputShut = true;
    }

    @Override
    public void shutdownInput() throws IOException {
        connected().shutdownInput();
        inputShut = true;
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout can't be negative");
        }
        soTimeout = timeout;
        if (conn != null) {
            conn.setReadTimeout(Duration.ofMillis(timeout));
        }
    }

    @Override
    public int getSoTimeout() {
        return soTimeout;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (conn != null) {
            conn.close();
        }
    }

    @Override
    public boolean isConnected() {
        return conn != null;
    }

    @Override
    public boolean isBound() {
        return conn != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public InetAddress getInetAddress() {
        if (target == null) {
            return null;
        }
        try {
            // A literal is parsed without a lookup; a name gets a placeholder address: it resolves at the last hop.
            return InetAddress.getByAddress(target.host(), literalOrZero(target.host()));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] literalOrZero(String host) {
        String[] p = host.split("\\.");
        if (p.length == 4) {
            byte[] b = new byte[4];
            try {
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(p[i]);
                    if (v < 0 || v > 255) {
                        return new byte[4];
                    }
                    b[i] = (byte) v;
                }
                return b;
            } catch (NumberFormatException e) {
                return new byte[4];
            }
        }
        return new byte[4];
    }

    @Override
    public int getPort() {
        return target == null ? 0 : target.port();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return target == null ? null : InetSocketAddress.createUnresolved(target.host(), target.port());
    }

    @Override
    public InetAddress getLocalAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getLocalPort() {
        return conn == null ? -1 : 0;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return null;
    }

    @Override
    public java.nio.channels.SocketChannel getChannel() {
        return null;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
        tcpNoDelay = on;
    }

    @Override
    public boolean getTcpNoDelay() {
        return tcpNoDelay;
    }

    @Override
    public void setKeepAlive(boolean on) {
        keepAlive = on;
    }

    @Override
    public boolean getKeepAlive() {
        return keepAlive;
    }

    @Override
    public void setSendBufferSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("negative send size");
        }
        sendBufferSize = size;
    }

    @Override
    public int getSendBufferSize() {
        return sendBufferSize;
    }

    @Override
    public void setReceiveBufferSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("invalid receive size");
        }
        receiveBufferSize = size;
    }

    @Override
    public int getReceiveBufferSize() {
        return receiveBufferSize;
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
        soLinger = on ? linger : -1;
    }

    @Override
    public int getSoLinger() {
        return soLinger;
    }

    @Override
    public void setReuseAddress(boolean on) {
        // No local address is bound: nothing to reuse.
    }

    @Override
    public boolean getReuseAddress() {
        return false;
    }

    @Override
    public void setOOBInline(boolean on) {
        // Urgent data does not cross a tunnel.
    }

    @Override
    public boolean getOOBInline() {
        return false;
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data is not supported through a tunnel");
    }

    @Override
    public void setTrafficClass(int tc) {
        // Not applicable: the far side's socket belongs to the last hop.
    }

    @Override
    public int getTrafficClass() {
        return 0;
    }

    @Override
    public String toString() {
        return "TunnelSocket[" + (target == null ? "unconnected" : target.toString()) + (closed ? ", closed" : "") + "]";
    }
}
