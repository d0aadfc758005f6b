// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the private service behind the bastions: a TCP server on 127.0.0.1 that reads each connection until
 * EOF and then answers with the SHA-256 of what it read and the byte count (40 bytes), and closes. A client
 * that sees the right digest knows that every byte arrived once, in order, and that its EOF reached the far
 * end. Thread per connection; for tests only.
 */
final class DigestServer implements AutoCloseable {

    /** The answer's size: 32 bytes of SHA-256, then the byte count as a big-endian long. */
    static final int ANSWER_BYTES = 40;

    private final ServerSocket socket;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger eofs = new AtomicInteger();

    private DigestServer(ServerSocket socket) {
        this.socket = socket;
    }

    static DigestServer start() throws IOException {
        DigestServer server = new DigestServer(new ServerSocket(0, 512, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(server::acceptLoop, "digest-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Returns how many connections reached EOF. */
    int eofs() {
        return eofs.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "digest-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            MessageDigest sha = sha256();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long count = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                sha.update(buf, 0, n);
                count += n;
            }
            eofs.incrementAndGet();
            OutputStream out = s.getOutputStream();
            out.write(ByteBuffer.allocate(ANSWER_BYTES).put(sha.digest()).putLong(count).array());
            out.flush();
        } catch (IOException e) {
            // The client went away; the test notices the missing answer.
        } finally {
            open.remove(s);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Returns the answer a server gives for {@code bytes} bytes of {@link #fill} data from {@code seed}. */
    static byte[] expectedAnswer(long seed, long bytes) {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[64 * 1024];
        for (long done = 0; done < bytes; ) {
            int n = (int) Math.min(chunk.length, bytes - done);
            fill(random, chunk, n);
            sha.update(chunk, 0, n);
            done += n;
        }
        return ByteBuffer.allocate(ANSWER_BYTES).put(sha.digest()).putLong(bytes).array();
    }

    /** Fills the first {@code n} bytes of {@code chunk} with pseudo-random bytes, 8 at a time. */
    static void fill(SplittableRandom random, byte[] chunk, int n) {
        for (int i = 0; i < n; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                chunk[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }

    /**
     * Sends {@code bytes} bytes of {@link #fill} data from {@code seed} to {@code out}, computing the answer the
     * server should give on the way.
     */
    static byte[] send(OutputStream out, long seed, long bytes) throws IOException {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[64 * 1024];
        for (long done = 0; done < bytes; ) {
            int n = (int) Math.min(chunk.length, bytes - done);
            fill(random, chunk, n);
            sha.update(chunk, 0, n);
            out.write(chunk, 0, n);
            done += n;
        }
        out.flush();
        return ByteBuffer.allocate(ANSWER_BYTES).put(sha.digest()).putLong(bytes).array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
