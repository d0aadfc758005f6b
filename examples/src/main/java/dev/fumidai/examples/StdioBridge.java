package dev.fumidai.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Joins stdin and stdout to a TCP connection, like {@code nc host port}: the demo's stand-in for a bastion's
 * ProxyCommand (the demo runs it through {@code CommandHop}).
 *
 * <p>Usage: {@code java -cp <classpath> dev.fumidai.examples.StdioBridge host port}
 */
public final class StdioBridge {

    private StdioBridge() {
    }

    /** Copies both ways until both directions end; exit status 2 on a connection error. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: StdioBridge host port");
            System.exit(64);
        }
        try (Socket s = new Socket(args[0], Integer.parseInt(args[1]))) {
            Thread up = new Thread(() -> {
                try {
                    copy(System.in, s.getOutputStream());
                    s.shutdownOutput();
                } catch (IOException e) {
                    System.err.println("StdioBridge: " + e.getMessage());
                }
            }, "stdin-to-socket");
            up.setDaemon(true);
            up.start();
            copy(s.getInputStream(), System.out);
            up.join(1000);
        } catch (IOException e) {
            System.err.println("StdioBridge: cannot reach " + args[0] + ":" + args[1] + ": " + e.getMessage());
            System.exit(2);
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            out.flush();
        }
    }
}
