// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.testing.SampleEvents;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the sink against an RFC 5425 collector on Netty in this JVM (TLS with a keytool-made certificate, RFC 6587
 * octet-counted frames), to check certificate trust with host-name checking and SHA-256 pinning without an external
 * process; {@link SyslogRsyslogTlsInteropTest} does the same against a real rsyslog with its ossl driver.
 */
class SyslogTlsTest {

    @TempDir
    Path tmp;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<String> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** A certificate and its key, made by the JDK's keytool. */
    record Identity(PrivateKey key, X509Certificate cert) {
    }

    private Identity keytool(String name, String san) throws Exception {
        Path store = tmp.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "san=" + san, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        return new Identity((PrivateKey) ks.getKey(name, "changeit".toCharArray()),
                (X509Certificate) ks.getCertificate(name));
    }

    private int collector(Identity id) throws Exception {
        return collector(SslContextBuilder.forServer(id.key(), id.cert()).protocols("TLSv1.3", "TLSv1.2").build());
    }

    private int collector(SslContext ssl) throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new OctetCountingDecoder());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Splits RFC 6587 §3.4.1 frames ({@code MSG-LEN SP SYSLOG-MSG}), at most 64 KiB each. */
    private final class OctetCountingDecoder extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            int sp = in.indexOf(in.readerIndex(), Math.min(in.writerIndex(), in.readerIndex() + 7), (byte) ' ');
            if (sp < 0) {
                if (in.readableBytes() >= 7) {
                    throw new TooLongFrameException("no MSG-LEN");
                }
                return;
            }
            int len = Integer.parseInt(in.toString(in.readerIndex(), sp - in.readerIndex(), StandardCharsets.US_ASCII));
            if (len > 65536) {
                throw new TooLongFrameException("frame of " + len);
            }
            if (in.writerIndex() - sp - 1 < len) {
                return;
            }
            received.add(in.toString(sp + 1, len, StandardCharsets.UTF_8));
            in.readerIndex(sp + 1 + len);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the refused handshakes of the negative tests end here
        }
    }

    private void awaitReceived(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (received.size() < n) {
            assertTrue(System.nanoTime() < deadline, "received " + received.size() + " of " + n);
            Thread.sleep(5);
        }
    }

    @Test
    void pinnedFingerprintIsTrustedAndFramesArrive() throws Exception {
        Identity id = keytool("collector", "ip:127.0.0.1");
        int port = collector(id);
        String hex = SyslogTls.sha256(id.cert());
        StringBuilder colons = new StringBuilder("SHA-256:");
        for (int i = 0; i < hex.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(hex.substring(i, i + 2).toUpperCase(java.util.Locale.ROOT));
        }
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", port)
                .tls(SyslogTls.pinSha256(colons.toString())).build()) {
            for (long i = 1; i <= 30; i++) {
                sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", i)));
            }
            awaitReceived(30);
        }
        assertTrue(received.get(0).startsWith("<109>1 "), received.get(0));
        assertTrue(received.get(29).contains("\"seq\":30"), received.get(29));
    }

    @Test
    void aCollectorThatRequiresAClientCertificateRefusesEachEventLoudlyOverTls13() throws Exception {
        Identity server = keytool("collector", "ip:127.0.0.1");
        Identity expectedClient = keytool("client", "dns:client");
        int port = collector(SslContextBuilder.forServer(server.key(), server.cert()).protocols("TLSv1.3")
                .trustManager(expectedClient.cert()).clientAuth(ClientAuth.REQUIRE).build());
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", port)
                .tls(SyslogTls.pinSha256(SyslogTls.sha256(server.cert()))).build()) {
            for (int i = 1; i <= 3; i++) {
                int n = i;
                IOException e = assertThrows(IOException.class,
                        () -> sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", n))));
                assertTrue(e.getMessage().contains("refused this client") || e.getMessage().contains("write failed"),
                        e.getMessage());
            }
        }
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", port)
                .tls(SyslogTls.pinSha256(SyslogTls.sha256(server.cert()))
                        .withClientCertificate(expectedClient.key(), expectedClient.cert())).build()) {
            sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", 4)));
            awaitReceived(1);
        }
        assertEquals(1, received.size());
    }

    @Test
    void otherFingerprintIsRefused() throws Exception {
        int port = collector(keytool("collector", "ip:127.0.0.1"));
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", port)
                .tls(SyslogTls.pinSha256("ab".repeat(32))).build()) {
            IOException e = assertThrows(IOException.class,
                    () -> sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", 1))));
            assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
        }
        assertEquals(0, received.size());
    }

    @Test
    void trustedCertificateMustNameTheHost() throws Exception {
        Identity right = keytool("collector", "ip:127.0.0.1");
        int port = collector(right);
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", port)
                .tls(SyslogTls.trustCertificates(right.cert())).build()) {
            sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", 1)));
            awaitReceived(1);
        }
        Identity wrongName = keytool("elsewhere", "dns:elsewhere.example");
        int port2 = collector(wrongName);
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", port2)
                .tls(SyslogTls.trustCertificates(wrongName.cert())).build()) {
            IOException e = assertThrows(IOException.class,
                    () -> sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", 2))));
            assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
        }
        Identity untrusted = keytool("stranger", "ip:127.0.0.1");
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", collector(untrusted))
                .tls(SyslogTls.trustCertificates(right.cert())).build()) {
            assertThrows(IOException.class,
                    () -> sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", 3))));
        }
        assertEquals(1, received.size());
    }

    /** Returns a JDK TLS context that trusts exactly {@code cert}, as an application builds from its keystore. */
    private static javax.net.ssl.SSLContext trusting(X509Certificate cert) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("collector", cert);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void aJdkSslContextDecidesTrustAndTheHostNameIsStillChecked() throws Exception {
        Identity right = keytool("collector", "ip:127.0.0.1");
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", collector(right))
                .tls(SyslogTls.sslContext(trusting(right.cert()))).build()) {
            sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", 1)));
            awaitReceived(1);
        }
        Identity wrongName = keytool("elsewhere", "dns:elsewhere.example");
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", collector(wrongName))
                .tls(SyslogTls.sslContext(trusting(wrongName.cert()))).build()) {
            IOException e = assertThrows(IOException.class,
                    () -> sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", 2))));
            assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
        }
        Identity untrusted = keytool("stranger", "ip:127.0.0.1");
        try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", collector(untrusted))
                .tls(SyslogTls.sslContext(trusting(right.cert()))).build()) {
            assertThrows(IOException.class,
                    () -> sink.accept(SampleEvents.forwardClose(SampleEvents.header("jh-01", 3))));
        }
        assertEquals(1, received.size());
        assertThrows(IllegalStateException.class, () -> SyslogTls.sslContext(trusting(right.cert()))
                .withClientCertificate(right.key(), right.cert()));
    }
}
