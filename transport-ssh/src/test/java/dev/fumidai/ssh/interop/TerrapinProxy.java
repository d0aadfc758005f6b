// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * Plays the Terrapin man in the middle (CVE-2023-48795; Bäumer, Brinkmann, Schwenk 2023) between one client
 * connection and a real server on 127.0.0.1: in the server-to-client direction it adds one SSH_MSG_IGNORE just
 * before the server's NEWKEYS, which moves the client's receive sequence number one ahead, and then drops the
 * server's first encrypted packet (the EXT_INFO of RFC 8308), which brings the numbers back in step. Without
 * strict kex (OpenSSH {@code PROTOCOL} §1.10) a cipher whose packets do not chain (chacha20-poly1305) lets the
 * client go on without noticing.
 *
 * <p>The encrypted length of EXT_INFO is not visible to the proxy, so it drops whatever the server sends after
 * its NEWKEYS until the client's first encrypted packet (its SERVICE_REQUEST) arrives, and forwards that only
 * once something was dropped. The server sends nothing else in that window: SERVICE_ACCEPT answers the request.
 *
 * <p>Threading: one blocking thread per direction; {@link #close()} closes both sockets and joins them.
 */
final class TerrapinProxy implements AutoCloseable {

    /** RFC 4253 §6.1 packet lengths beyond this are not plausible before encryption starts. */
    static final int MAX_PLAIN_PACKET = 256 * 1024;
    static final int NEWKEYS = 21;

    private final ServerSocket listener;
    private final int targetPort;
    private final Object lock = new Object();
    private volatile Socket client;
    private volatile Socket server;
    private volatile Thread clientToServer;
    private volatile Thread serverToClient;
    private boolean injected;
    private boolean dropping = true;
    private long droppedBytes;
    private volatile Throwable failure;

    TerrapinProxy(int targetPort) throws IOException {
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        Thread acceptor = new Thread(this::accept, "terrapin-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Says whether the IGNORE was added before the server's NEWKEYS. */
    boolean injected() {
        synchronized (lock) {
            return injected;
        }
    }

    /** Returns how many bytes of the server's first encrypted output were dropped. */
    long droppedBytes() {
        synchronized (lock) {
            return droppedBytes;
        }
    }

    Throwable failure() {
        return failure;
    }

    private void accept() {
        try {
            client = listener.accept();
            server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            clientToServer = new Thread(() -> run(this::pumpClientToServer), "terrapin-c2s");
            serverToClient = new Thread(() -> run(this::pumpServerToClient), "terrapin-s2c");
            clientToServer.setDaemon(true);
            serverToClient.setDaemon(true);
            clientToServer.start();
            serverToClient.start();
        } catch (IOException e) {
            failure = e;
        }
    }

    interface Pump {
        void run() throws Exception;
    }

    private void run(Pump pump) {
        try {
            pump.run();
        } catch (Exception e) {
            if (!listener.isClosed()) {
                failure = e;
            }
        } finally {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private void pumpClientToServer() throws Exception {
        DataInputStream in = new DataInputStream(client.getInputStream());
        OutputStream out = server.getOutputStream();
        copyVersionLine(in, out);
        // Forward the client's unencrypted packets up to and including its NEWKEYS.
        while (true) {
            byte[] packet = readPlainPacket(in);
            out.write(packet);
            out.flush();
            if (packet[5] == NEWKEYS) {
                break;
            }
        }
        byte[] buf = new byte[65536];
        int n = in.read(buf);
        if (n < 0) {
            return;
        }
        synchronized (lock) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (droppedBytes == 0 && System.nanoTime() < deadline) {
                lock.wait(100);
            }
            dropping = false;
        }
        out.write(buf, 0, n);
        out.flush();
        in.transferTo(out);
    }

    private void pumpServerToClient() throws Exception {
        DataInputStream in = new DataInputStream(server.getInputStream());
        OutputStream out = client.getOutputStream();
        copyVersionLine(in, out);
        while (true) {
            byte[] packet = readPlainPacket(in);
            if (packet[5] == NEWKEYS) {
                // The flag is set before the IGNORE leaves: the client may fail on it, and the test may ask,
                // before this thread runs again (CI saw injected() answer false after the client had failed).
                synchronized (lock) {
                    injected = true;
                }
                // SSH_MSG_IGNORE with an empty string, in the unencrypted packet format (RFC 4253 §6, §11.2).
                out.write(new byte[] {0, 0, 0, 12, 6, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
                out.write(packet);
                out.flush();
                break;
            }
            out.write(packet);
            out.flush();
        }
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) >= 0) {
            synchronized (lock) {
                if (dropping) {
                    droppedBytes += n;
                    lock.notifyAll();
                    continue;
                }
            }
            out.write(buf, 0, n);
            out.flush();
        }
    }

    private static void copyVersionLine(InputStream in, OutputStream out) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("EOF before the version line");
            }
            out.write(c);
            if (c == '\n') {
                if (line.toString().startsWith("SSH-")) {
                    out.flush();
                    return;
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
    }

    /** Reads one unencrypted packet whole (length field included). */
    private static byte[] readPlainPacket(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 5 || length > MAX_PLAIN_PACKET) {
            throw new IOException("implausible plain packet length " + length);
        }
        byte[] packet = new byte[4 + length];
        packet[0] = (byte) (length >>> 24);
        packet[1] = (byte) (length >>> 16);
        packet[2] = (byte) (length >>> 8);
        packet[3] = (byte) length;
        in.readFully(packet, 4, length);
        return packet;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() throws Exception {
        listener.close();
        closeQuietly(client);
        closeQuietly(server);
        for (Thread t : new Thread[] {clientToServer, serverToClient}) {
            if (t != null) {
                t.join(10_000);
            }
        }
    }
}
