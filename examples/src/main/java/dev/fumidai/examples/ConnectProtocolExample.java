// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopHostKeyException;
import dev.fumidai.JumpHost;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.TunnelException;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.examples.cli.ExitCode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * Speaks a small framed protocol to a private service through two bastions over {@code JumpHost.connect()}: an
 * in-process byte stream, no local port. Each frame is a 4-byte big-endian length and UTF-8 text; the service
 * answers {@code SUM a b ...} with the sum and {@code ECHO text} with the text, until the client sends EOF.
 *
 * <p>Self-contained like the demo: the service and the bastions run in this JVM on 127.0.0.1. Run it with
 * {@code java -cp examples/target/fumidai-demo.jar dev.fumidai.examples.ConnectProtocolExample}.
 */
public final class ConnectProtocolExample {

    private ConnectProtocolExample() {
    }

    /** Runs the example; exit status 0 when every request was answered through the tunnel. */
    public static void main(String[] args) throws Exception {
        try (ServerSocket service = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> serve(service), "frame-service");
            server.setDaemon(true);
            server.start();
            Target target = Target.of("127.0.0.1", service.getLocalPort());
            System.out.println("frame service on " + target + ", which only bastion-2 may open");
            try (ExampleBastions bastions = new ExampleBastions(Set.of(target.toString()));
                    JumpHost jh = JumpHost.builder().route(bastions.route()).actor("example:connect")
                            .auditSink(InMemoryAuditSink.create()).build();
                    TunnelConnection c = jh.connect(target, Duration.ofSeconds(30))) {
                System.out.println("in-process stream to " + target + " through " + jh.route());
                DataOutputStream out = new DataOutputStream(c.outputStream());
                DataInputStream in = new DataInputStream(c.inputStream());
                for (String request : new String[] {"SUM 1 2 3 4", "ECHO through two bastions", "SUM 40 2"}) {
                    writeFrame(out, request);
                    System.out.println("  > " + request + "   < " + readFrame(in));
                }
                c.shutdownOutput();
                System.out.println("sent EOF; the service closed: " + (in.read() == -1));
                System.out.println("bytes sent " + c.bytesSent() + ", received " + c.bytesReceived());
            } catch (HopHostKeyException e) {
                // The hop's key is unknown, changed or revoked: stop, and show what an operator must check.
                System.err.println("hop " + e.hopIndex() + " \"" + e.hopName() + "\": host key " + e.verdict() + ", "
                        + e.keyAlgorithm() + " " + e.fingerprint());
                System.exit(ExitCode.HOST_KEY.status());
            } catch (HopAuthenticationException e) {
                System.err.println("hop \"" + e.hopName() + "\" refused every credential: " + e.getMessage());
                System.exit(ExitCode.AUTH.status());
            } catch (TunnelException e) {
                // Any other tunnel failure names where it happened: no cause chain to walk.
                System.err.println("tunnel to " + e.target() + " failed at hop " + e.hopIndex() + " \"" + e.hopName()
                        + "\": " + e.getMessage());
                System.exit(ExitCode.of(e).status());
            }
        }
    }

    static void writeFrame(DataOutputStream out, String text) throws IOException {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
        out.flush();
    }

    /** Reads one frame; a frame longer than 64 KiB is refused, as a protocol should bound what a peer sends. */
    static String readFrame(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 65536) {
            throw new IOException("frame length " + n + " out of bounds");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                while (true) {
                    String request;
                    try {
                        request = readFrame(in);
                    } catch (EOFException eof) {
                        break;
                    }
                    writeFrame(out, answer(request));
                }
            } catch (IOException e) {
                // The listener closed, or a client broke off; serve the next one.
            }
        }
    }

    private static String answer(String request) {
        if (request.startsWith("SUM ")) {
            return Long.toString(Arrays.stream(request.substring(4).trim().split(" +")).mapToLong(Long::parseLong)
                    .sum());
        }
        if (request.startsWith("ECHO ")) {
            return request.substring(5);
        }
        return "ERROR unknown request";
    }
}
