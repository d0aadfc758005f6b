// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Is the target of the end-to-end benchmark's tunnels: a plain TCP server on 127.0.0.1, one thread per
 * connection, whose first byte chooses what it does.
 *
 * <ul>
 *   <li>{@code 'U'} (upload): reads to end of stream, then answers the byte count and the CRC-32C of what it
 *       read (8 + 4 bytes) and closes.</li>
 *   <li>{@code 'D'} + 8-byte count (download): sends that many bytes of the {@link #BLOCK} pattern, then
 *       closes.</li>
 *   <li>{@code 'T'} + 8-byte duration in nanoseconds (timed download): sends the {@link #BLOCK} pattern for that
 *       long from the request's arrival, then closes.</li>
 *   <li>{@code 'P'} (probe): answers one byte and keeps the connection open, idle, until the client closes.</li>
 * </ul>
 *
 * <p>The data are a 1 MiB random block repeated, so that neither side spends time making bytes; CRC-32C has a
 * CPU intrinsic and costs little beside the tunnel.
 */
final class ByteServer implements AutoCloseable {

    /** The pattern both directions carry, repeated. */
    static final byte[] BLOCK = new byte[1 << 20];

    static {
        new Random(4).nextBytes(BLOCK);
    }

    private final ServerSocket server;

    ByteServer() throws IOException {
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "byte-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Returns the CRC-32C of {@code count} bytes of the repeated pattern. */
    static int expectedCrc(long count) {
        CRC32C crc = new CRC32C();
        long left = count;
        while (left > 0) {
            int n = (int) Math.min(left, BLOCK.length);
            crc.update(BLOCK, 0, n);
            left -= n;
        }
        return (int) crc.getValue();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "byte-server");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            int mode = in.read();
            switch (mode) {
                case 'U' -> {
                    byte[] buf = new byte[256 * 1024];
                    CRC32C crc = new CRC32C();
                    long count = 0;
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        crc.update(buf, 0, n);
                        count += n;
                    }
                    out.writeLong(count);
                    out.writeInt((int) crc.getValue());
                    out.flush();
                }
                case 'D' -> {
                    long left = in.readLong();
                    while (left > 0) {
                        int n = (int) Math.min(left, BLOCK.length);
                        out.write(BLOCK, 0, n);
                        left -= n;
                    }
                    out.flush();
                }
                case 'T' -> {
                    long until = System.nanoTime() + in.readLong();
                    int at = 0;
                    while (System.nanoTime() - until < 0) {
                        int n = Math.min(64 * 1024, BLOCK.length - at);
                        out.write(BLOCK, at, n);
                        at = (at + n) % BLOCK.length;
                    }
                    out.flush();
                }
                case 'P' -> {
                    out.write('p');
                    out.flush();
                    while (in.read() >= 0) {
                        // Idle until the client closes.
                    }
                }
                default -> {
                    // Unknown or empty request: close.
                }
            }
        } catch (IOException ignored) {
            // The client went away; the benchmark notices on its side.
        }
    }

    /**
     * Pushes {@code count} bytes through a connection to {@code port} and checks the server's count and CRC
     * against {@code expectedCrc} ({@link #expectedCrc}, computed once outside the timing).
     */
    static void upload(int port, long count, int expectedCrc) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write('U');
            long left = count;
            while (left > 0) {
                int n = (int) Math.min(left, 64 * 1024);
                int at = (int) ((count - left) % BLOCK.length);
                n = Math.min(n, BLOCK.length - at);
                out.write(BLOCK, at, n);
                left -= n;
            }
            out.flush();
            s.shutdownOutput();
            DataInputStream in = new DataInputStream(s.getInputStream());
            long got = in.readLong();
            int crc = in.readInt();
            if (got != count || crc != expectedCrc) {
                throw new IOException("upload check failed: the server read " + got + " of " + count
                        + " bytes, CRC-32C " + Integer.toHexString(crc) + " expected "
                        + Integer.toHexString(expectedCrc));
            }
        }
    }

    /** Asks for {@code count} bytes through a connection to {@code port} and checks their count and CRC. */
    static void download(int port, long count, int expectedCrc) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.write('D');
            out.writeLong(count);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256 * 1024];
            CRC32C crc = new CRC32C();
            long got = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                crc.update(buf, 0, n);
                got += n;
            }
            if (got != count || (int) crc.getValue() != expectedCrc) {
                throw new IOException("download check failed: read " + got + " of " + count + " bytes");
            }
        }
    }

    /**
     * Pushes the pattern through a connection to {@code port} for {@code nanos}, then half-closes, checks the
     * server's count and CRC and returns the bytes sent: a transfer sized by time (the benchmark's warm-up, which
     * sizes the measured transfers from the rate it finds).
     */
    static long uploadFor(int port, long nanos) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write('U');
            long until = System.nanoTime() + nanos;
            long count = 0;
            while (System.nanoTime() - until < 0) {
                int at = (int) (count % BLOCK.length);
                int n = Math.min(64 * 1024, BLOCK.length - at);
                out.write(BLOCK, at, n);
                count += n;
            }
            out.flush();
            s.shutdownOutput();
            DataInputStream in = new DataInputStream(s.getInputStream());
            long got = in.readLong();
            int crc = in.readInt();
            if (got != count || crc != expectedCrc(count)) {
                throw new IOException("timed upload check failed: the server read " + got + " of " + count + " bytes");
            }
            return count;
        }
    }

    /**
     * Asks for {@code nanos} of the pattern through a connection to {@code port}, reads to end of stream, checks
     * that what arrived is the pattern's first bytes and returns their count.
     */
    static long downloadFor(int port, long nanos) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.write('T');
            out.writeLong(nanos);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256 * 1024];
            CRC32C crc = new CRC32C();
            long got = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                crc.update(buf, 0, n);
                got += n;
            }
            if ((int) crc.getValue() != expectedCrc(got)) {
                throw new IOException("timed download check failed: " + got + " bytes differ from the pattern");
            }
            return got;
        }
    }

    /** Opens a connection to {@code port} and waits for the probe's answer: the tunnel reaches the target. */
    static Socket probe(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        try {
            s.setSoTimeout(30_000);
            s.getOutputStream().write('P');
            s.getOutputStream().flush();
            if (s.getInputStream().read() != 'p') {
                throw new IOException("the probe got no answer through the tunnel");
            }
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
