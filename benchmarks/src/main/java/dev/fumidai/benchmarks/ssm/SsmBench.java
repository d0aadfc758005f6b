// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssm;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;

/** Shares what the SSM throughput benchmark and its TLS websocket reference need: sizes, a certificate, a peer. */
final class SsmBench {

    /** Is the bytes moved per operation. */
    static final int BYTES = 8 << 20;
    /** Is the payload of one data-channel message, as the agent and plugin send (SSM spec §9). */
    static final int MESSAGE = 1024;
    /** Is the keystore password of the throwaway certificate. */
    static final char[] PASSWORD = "changeit".toCharArray();

    private SsmBench() {
    }

    /** Makes a P-256 certificate for 127.0.0.1 with keytool into a PKCS#12 file and loads it. */
    static KeyStore keytool(Path store) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "fake", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=fake-ssm", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** Deletes a temporary directory and its files. */
    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static SslContext server(KeyStore ks) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        return SslContextBuilder.forServer(kmf).build();
    }

    static SslContext client(KeyStore ks) throws Exception {
        return SslContextBuilder.forClient().trustManager((X509Certificate) ks.getCertificate("fake")).build();
    }

    /** Returns a JDK TLS context that trusts the fake's certificate, as {@code SsmHop.Builder.sslContext} takes. */
    static javax.net.ssl.SSLContext clientJdk(KeyStore ks) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("fake", ks.getCertificate("fake"));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Is the destination behind the tunnel, one thread per connection: a request is a mode byte and a length;
     * {@code 'U'} reads that many bytes and answers one byte, {@code 'D'} writes that many bytes.
     */
    static final class BulkServer implements AutoCloseable {
        private final ServerSocket server;

        BulkServer() throws IOException {
            server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "bulk-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> serve(s), "bulk-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void serve(Socket s) {
            try (s) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                int mode = in.readByte();
                long n = in.readLong();
                byte[] buf = new byte[64 * 1024];
                if (mode == 'U') {
                    long got = 0;
                    while (got < n) {
                        int r = in.read(buf, 0, (int) Math.min(buf.length, n - got));
                        if (r < 0) {
                            return;
                        }
                        got += r;
                    }
                    out.write('K');
                    out.flush();
                } else {
                    long sent = 0;
                    while (sent < n) {
                        int w = (int) Math.min(buf.length, n - sent);
                        out.write(buf, 0, w);
                        sent += w;
                    }
                    out.flush();
                }
                in.read(); // wait for the client to close
            } catch (IOException e) {
                // the benchmark closed the connection
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** Runs one transfer over a connected stream pair; returns the bytes moved. */
    static long transfer(String direction, InputStream in, OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeByte(direction.equals("upload") ? 'U' : 'D');
        d.writeLong(BYTES);
        byte[] buf = new byte[64 * 1024];
        if (direction.equals("upload")) {
            for (long sent = 0; sent < BYTES; sent += buf.length) {
                d.write(buf, 0, (int) Math.min(buf.length, BYTES - sent));
            }
            d.flush();
            if (in.read() != 'K') {
                throw new IOException("no completion byte");
            }
        } else {
            d.flush();
            long got = 0;
            while (got < BYTES) {
                int r = in.read(buf);
                if (r < 0) {
                    throw new IOException("stream ended after " + got + " bytes");
                }
                got += r;
            }
        }
        return BYTES;
    }
}
