// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * Listens on 127.0.0.1 and reads and discards (or echoes) whatever each connection sends, one thread per connection:
 * the cheapest possible syslog collector, so that the syslog benchmark measures the sink, not a collector, and the
 * target of the forward-open benchmark.
 */
final class DiscardServer implements AutoCloseable {

    /**
     * Is the listen backlog: large, because a full backlog drops SYNs and the client retries after the 1 s initial
     * retransmission timeout, which would show up as 1 s outliers of the forward-open benchmark.
     */
    private static final int BACKLOG = 4096;

    private final ServerSocket server;
    private final AtomicLong bytes = new AtomicLong();
    private final boolean echo;

    /** Starts a plain TCP receiver, or a TLS one when {@code tls} is not null. */
    DiscardServer(SSLContext tls) throws IOException {
        this(tls, false);
    }

    /** Starts a plain TCP or TLS receiver that sends back what it reads when {@code echo} is set. */
    DiscardServer(SSLContext tls, boolean echo) throws IOException {
        this.echo = echo;
        server = tls == null ? new ServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress())
                : tls.getServerSocketFactory().createServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "discard-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    long bytes() {
        return bytes.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread reader = new Thread(() -> discard(s), "discard-read");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void discard(Socket s) {
        byte[] buf = new byte[64 * 1024];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                bytes.addAndGet(n);
                if (echo) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the sink closed the connection
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
