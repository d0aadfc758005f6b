// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks;

import dev.fumidai.audit.syslog.SyslogAuditSink;
import dev.fumidai.audit.syslog.SyslogTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Measures events per second that one thread sends through {@link SyslogAuditSink} (RFC 5424, RFC 6587 octet
 * counting) to a local receiver that reads and discards ({@link DiscardServer}), over plain TCP and over RFC 5425
 * TLS (a keytool-made P-256 certificate, pinned by fingerprint). One operation is one {@code forward.close} event
 * (about 2.3 KiB framed); {@code accept} returns when the frame is written to the socket.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SyslogSinkBenchmark {

    @Param({"tcp", "tls"})
    public String transport;

    private Path dir;
    private DiscardServer receiver;
    private SyslogAuditSink sink;
    private long seq;

    /** Starts the receiver and connects the sink with a first event. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Dirs.create("syslog");
        SyslogAuditSink.Builder b;
        if (transport.equals("tls")) {
            KeyStore ks = keytool(dir.resolve("collector.p12"));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            receiver = new DiscardServer(ctx);
            String pin = SyslogTls.sha256((X509Certificate) ks.getCertificate("collector"));
            b = SyslogAuditSink.builder("127.0.0.1", receiver.port()).tls(SyslogTls.pinSha256(pin));
        } else {
            receiver = new DiscardServer(null);
            b = SyslogAuditSink.builder("127.0.0.1", receiver.port());
        }
        sink = b.build();
        sink.accept(Events.forwardClose(++seq));
    }

    private static KeyStore keytool(Path store) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "collector", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=collector", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    /** Sends one event. */
    @Benchmark
    public void accept() throws IOException {
        sink.accept(Events.forwardClose(++seq));
    }

    /** Closes the sink and the receiver. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        sink.close();
        receiver.close();
        Dirs.delete(dir);
    }
}
