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
     * what comes back from the echo target behind the forward, and checks both directions by SHA-256.
     */
    public static void echoThrough(int port, int n, long seed) throws Exception {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            AtomicReference<Exception> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
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
            while ((r = in.read(buf)) >= 0) {
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
