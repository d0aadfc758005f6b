// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Connects stdin and stdout to a TCP port, like {@code socat - TCP:host:port}: a stdio tool that every machine
 * with a JDK has, for testing the command transport without extra packages.
 *
 * <p>Usage: {@code java -cp <test classpath> dev.fumidai.testing.TcpPipe host port}
 */
public final class TcpPipe {

    private TcpPipe() {
    }

    /** Runs the pipe until both directions end. */
    public static void main(String[] args) throws Exception {
        try (Socket s = new Socket(args[0], Integer.parseInt(args[1]))) {
            Thread up = new Thread(() -> {
                try {
                    copy(System.in, s.getOutputStream());
                    s.shutdownOutput();
                } catch (IOException e) {
                    System.exit(3);
                }
            });
            up.start();
            copy(s.getInputStream(), System.out);
            System.out.flush();
            up.join();
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[32 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            out.flush();
        }
    }
}
