// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/** Checks shared by the remote forward tests against MINA and OpenSSH. */
public final class RemoteForwardChecks {

    private RemoteForwardChecks() {
    }

    /**
     * Connects to {@code 127.0.0.1:port} (the server's listener), sends {@code n} random bytes while reading
     * what comes back from the echo target behind the forward, and checks both directions by SHA-256; ends its
     * output with a half-close (EOF) and reads to the end.
     */
    public static void echoThrough(int port, int n, long seed) throws Exception {
        echoThrough(port, n, seed, true);
    }

    /**
     * Sends and checks as {@link #echoThrough(int, int, long)} does; without {@code halfClose} it reads exactly
     * {@code n} bytes back and then closes, for servers that end a forwarded connection at the client's EOF.
     */
    public static void echoThrough(int port, int n, long seed, boolean halfClose) throws Exception {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            AtomicReference<Exception> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(data);
                    if (halfClose) {
                        s.shutdownOutput();
                    }
                } catch (IOException e) {
                    writeFailure.set(e);
                }
            }, "remote-forward-writer");
            writer.start();
            MessageDigest back = MessageDigest.getInstance("SHA-256");
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int r;
            while ((halfClose || total < n) && (r = in.read(buf, 0, halfClose ? buf.length
                    : (int) Math.min(buf.length, n - total))) >= 0) {
                back.update(buf, 0, r);
                total += r;
            }
            writer.join(60_000);
            if (writeFailure.get() != null) {
                throw writeFailure.get();
            }
            assertEquals(n, total, "bytes that came back");
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
                    HexFormat.of().formatHex(back.digest()), "SHA-256 of what came back");
        }
    }

    /** Waits (bounded) until nothing listens on {@code 127.0.0.1:port} any more: a connect is refused. */
    public static void assertNotListening(int port) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("something still listens on 127.0.0.1:" + port);
                }
            } catch (ConnectException e) {
                assertTrue(e.getMessage() == null || e.getMessage().contains("refused"), e.toString());
                return;
            }
            Thread.sleep(20);
        }
    }
}
