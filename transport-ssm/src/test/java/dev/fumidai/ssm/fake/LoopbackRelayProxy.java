// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Is an HTTP proxy on 127.0.0.1 for tests: it reads the request head, connects to the loopback target, answers 200
 * to {@code CONNECT} or forwards the absolute-form request, then relays. It relays only to {@code 127.*}: a request
 * for any other destination is refused with 403 and recorded in {@link #refused()}, so a test that points a JVM's
 * proxy settings at it both counts the connections it relays and sees every request that would have left the
 * machine (and fails on it), instead of letting it reach the internet.
 *
 * <h2>Threading</h2>
 * One thread per connection; the accessors are thread-safe.
 */
public final class LoopbackRelayProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> relayed = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Integer> upstreamPorts = new CopyOnWriteArrayList<>();
    private volatile int accepted;

    /** Starts the proxy on an ephemeral port of 127.0.0.1. */
    public LoopbackRelayProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "test-proxy");
        t.setDaemon(true);
        t.start();
    }

    /** Returns the port the proxy listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** Returns {@code CONNECT host:port} or {@code METHOD host:port} per relayed connection. */
    public List<String> relayed() {
        return List.copyOf(relayed);
    }

    /** Returns the request lines refused because they named a non-loopback destination. */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    /** Returns the local port of each connection the proxy made to a destination. */
    public List<Integer> upstreamPorts() {
        return List.copyOf(upstreamPorts);
    }

    /** Returns how many connections the proxy accepted. */
    public int accepted() {
        return accepted;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted++;
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "test-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (head.size() < 16_384) {
                int b = in.read();
                if (b < 0) {
                    client.close();
                    return;
                }
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            String[] line = text.substring(0, text.indexOf("\r\n")).split(" ");
            String authority;
            boolean connect = line[0].equals("CONNECT");
            if (connect) {
                authority = line[1];
            } else {
                java.net.URI u = java.net.URI.create(line[1]);
                authority = u.getHost() + ":" + u.getPort();
            }
            int colon = authority.lastIndexOf(':');
            String host = authority.substring(0, colon);
            int port = Integer.parseInt(authority.substring(colon + 1));
            if (!host.startsWith("127.")) {
                refused.add(line[0] + " " + authority);
                client.getOutputStream().write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            Socket upstream = new Socket(host, port);
            sockets.add(upstream);
            upstreamPorts.add(upstream.getLocalPort());
            relayed.add(line[0] + " " + host + ":" + port);
            if (connect) {
                client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            } else {
                // As a proxy does towards an origin server, the request line goes on in origin form (RFC 9112
                // §3.2.1), so that the fakes see the path they would see without a proxy and signatures check out.
                java.net.URI u = java.net.URI.create(line[1]);
                String origin = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
                upstream.getOutputStream().write((line[0] + " " + origin + " " + line[2]
                        + text.substring(text.indexOf("\r\n"))).getBytes(StandardCharsets.ISO_8859_1));
            }
            Thread up = new Thread(() -> pump(in, upstream), "test-proxy-up");
            up.setDaemon(true);
            up.start();
            pump(upstream.getInputStream(), client);
        } catch (IOException | RuntimeException e) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void pump(InputStream from, Socket to) {
        byte[] buf = new byte[8192];
        try {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = from.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
