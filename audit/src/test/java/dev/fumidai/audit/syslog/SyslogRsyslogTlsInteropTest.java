// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.syslog;

import static dev.fumidai.audit.syslog.SyslogRsyslogInteropTest.assertSampleStreamArrived;
import static dev.fumidai.audit.syslog.SyslogRsyslogInteropTest.await;
import static dev.fumidai.audit.syslog.SyslogRsyslogInteropTest.count;
import static dev.fumidai.audit.syslog.SyslogRsyslogInteropTest.eventIdCounts;
import static dev.fumidai.audit.syslog.SyslogRsyslogInteropTest.forward;
import static dev.fumidai.audit.syslog.SyslogRsyslogInteropTest.received;
import static dev.fumidai.audit.syslog.SyslogRsyslogInteropTest.sampleStream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.spool.SpoolingAuditSink;
import dev.fumidai.audit.syslog.SyslogRsyslogInteropTest.Received;
import dev.fumidai.audit.testing.SampleEvents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends events to a real rsyslogd over RFC 5425 TLS (rsyslog's {@code ossl} network stream driver, package
 * {@code rsyslog-openssl}), with the collector's certificate pinned by SHA-256 fingerprint and verified against a CA
 * with a client certificate (mutual authentication), refuses a collector whose fingerprint or CA does not match, and
 * stops and restarts the collector mid-stream to check the policies' promises over TLS.
 *
 * <p>The certificates (a test CA, the collector's with subjectAltName IP 127.0.0.1, a client's naming
 * {@code fumidai-client}, and a second CA nobody uses) are made for each test by the {@code openssl} command-line
 * tool, because rsyslog reads PEM keys, which the JDK's keytool cannot write. When rsyslogd, its ossl driver or
 * openssl is missing the test fails: rsyslogd then does not listen, or the openssl run fails.
 */
@Tag("interop")
class SyslogRsyslogTlsInteropTest {

    @TempDir
    Path tmp;

    private Path ca;
    private Path otherCa;
    private Path serverCert;
    private Path serverKey;
    private Path clientCert;
    private Path clientKey;

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish: " + cmd);
        assertEquals(0, p.exitValue(), "openssl " + String.join(" ", args) + ":\n" + out);
    }

    /** Makes a P-256 key and a certificate for {@code cn} signed by {@code caName}, with the given extensions. */
    private void issue(String name, String cn, String caName, String extensions) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + cn);
        Files.writeString(tmp.resolve(name + ".ext"), extensions);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", caName + ".pem", "-CAkey", caName + ".key",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    @BeforeEach
    void certificates() throws Exception {
        for (String name : List.of("ca", "other-ca")) {
            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                    name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=fumidai test " + name);
        }
        issue("server", "collector", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "extendedKeyUsage=serverAuth\n");
        issue("client", "fumidai-client", "ca", "subjectAltName=DNS:fumidai-client\nextendedKeyUsage=clientAuth\n");
        ca = tmp.resolve("ca.pem");
        otherCa = tmp.resolve("other-ca.pem");
        serverCert = tmp.resolve("server.pem");
        serverKey = tmp.resolve("server.key");
        clientCert = tmp.resolve("client.pem");
        clientKey = tmp.resolve("client.key");
    }

    private static X509Certificate cert(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Reads the unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) that OpenSSL 3 writes for {@code -nodes}. */
    private static PrivateKey key(Path pem) throws Exception {
        String text = Files.readString(pem);
        assertTrue(text.contains("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM expected in " + pem);
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    /** A collector taking any client (RFC 5425 §5.2 allows the server to skip client authentication). */
    private Rsyslog anonymousCollector(String dir) throws IOException {
        return new Rsyslog(Files.createDirectories(tmp.resolve(dir)),
                new Rsyslog.Tls(ca, serverCert, serverKey, "anon", null));
    }

    /** A collector requiring a client certificate from the test CA that names {@code fumidai-client}. */
    private Rsyslog mutualCollector(String dir) throws IOException {
        return new Rsyslog(Files.createDirectories(tmp.resolve(dir)),
                new Rsyslog.Tls(ca, serverCert, serverKey, "x509/name", "fumidai-client"));
    }

    private SyslogTls pinned() throws Exception {
        return SyslogTls.pinSha256("sha-256:" + SyslogTls.sha256(cert(serverCert)));
    }

    private static void sendAll(SyslogAuditSink sink, List<AuditEvent> events) throws IOException {
        for (AuditEvent e : events) {
            sink.accept(e);
        }
    }

    @Test
    void everyEventArrivesOnceIntactWithThePinnedFingerprint() throws Exception {
        try (Rsyslog rsyslog = anonymousCollector("pinned")) {
            rsyslog.start();
            List<AuditEvent> sent = sampleStream();
            try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).tls(pinned()).build()) {
                sendAll(sink, sent);
                await(() -> count(rsyslog, sent.size()), sent.size() + " messages");
            }
            assertSampleStreamArrived(sent, received(rsyslog));
        }
    }

    @Test
    void everyEventArrivesOnceIntactWithCaVerificationAndAClientCertificate() throws Exception {
        try (Rsyslog rsyslog = mutualCollector("mutual")) {
            rsyslog.start();
            List<AuditEvent> sent = sampleStream();
            SyslogTls tls = SyslogTls.trustCertificates(cert(ca)).withClientCertificate(key(clientKey),
                    cert(clientCert), cert(ca));
            try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).tls(tls).build()) {
                sendAll(sink, sent);
                await(() -> count(rsyslog, sent.size()), sent.size() + " messages");
            }
            assertSampleStreamArrived(sent, received(rsyslog));
        }
    }

    @Test
    void aClientWithoutTheRequiredCertificateIsRefusedOnEveryEventNotSilentlyDropped() throws Exception {
        // TLS 1.3: the client's handshake completes before rsyslog checks the (missing) client certificate, so
        // without the sink's post-handshake confirmation every write would "succeed" and be thrown away.
        try (Rsyslog rsyslog = mutualCollector("no-client-cert")) {
            rsyslog.start();
            try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port)
                    .tls(SyslogTls.trustCertificates(cert(ca))).build()) {
                for (long i = 1; i <= 5; i++) {
                    long n = i;
                    IOException refused = assertThrows(IOException.class, () -> sink.accept(forward(n)),
                            "event " + i + " must not be reported as sent");
                    assertTrue(refused.getMessage().contains("refused this client")
                            || refused.getMessage().contains("TLS handshake failed")
                            || refused.getMessage().contains("write failed"), refused.getMessage());
                }
            }
            assertEquals(0, rsyslog.lines().size());
            assertTrue(rsyslog.diagnostics().contains("SSL"), rsyslog.diagnostics());
        }
    }

    @Test
    void aWrongPinIsRefusedAndNothingIsSent() throws Exception {
        try (Rsyslog rsyslog = anonymousCollector("wrong-pin")) {
            rsyslog.start();
            // the fingerprint of another certificate from the same CA: a collector impersonated with a valid chain
            SyslogTls wrong = SyslogTls.pinSha256(SyslogTls.sha256(cert(clientCert)));
            try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).tls(wrong).build()) {
                IOException refused = assertThrows(IOException.class, () -> sink.accept(forward(1)));
                assertTrue(refused.getMessage().contains("TLS handshake failed"), refused.getMessage());
                assertTrue(refused.getMessage().contains("is not pinned"), refused.getMessage());
                assertTrue(!sink.isConnected());
            }
            // the right pin on the same collector works, and only its event arrived
            try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).tls(pinned()).build()) {
                sink.accept(forward(2));
                await(() -> count(rsyslog, 1), "the event sent with the right pin");
            }
            assertEquals(List.of(forward(2).header().eventId()),
                    received(rsyslog).stream().map(r -> r.json().get("event_id")).toList());
        }
    }

    @Test
    void aCollectorFromAnotherCaIsRefused() throws Exception {
        try (Rsyslog rsyslog = anonymousCollector("other-ca")) {
            rsyslog.start();
            SyslogTls tls = SyslogTls.trustCertificates(cert(otherCa));
            try (SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).tls(tls).build()) {
                IOException refused = assertThrows(IOException.class, () -> sink.accept(forward(1)));
                assertTrue(refused.getMessage().contains("TLS handshake failed"), refused.getMessage());
            }
            assertEquals(0, rsyslog.lines().size(), rsyslog.diagnostics());
        }
    }

    @Test
    void failClosedSinkRefusesWhileTheTlsCollectorIsDownAndWorksAfterRestart() throws Exception {
        try (Rsyslog rsyslog = mutualCollector("fail-closed");
                SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port)
                        .tls(SyslogTls.trustCertificates(cert(ca)).withClientCertificate(key(clientKey),
                                cert(clientCert)))
                        .policy(AuditPolicy.FAIL_CLOSED).connectTimeout(Duration.ofSeconds(2)).build()) {
            rsyslog.start();
            for (long i = 1; i <= 5; i++) {
                sink.accept(forward(i));
            }
            await(() -> count(rsyslog, 5), "first 5");
            rsyslog.stop();
            await(() -> !sink.isConnected(), "the sink to notice the close");
            // FAIL_CLOSED: accept throws, so the dispatcher refuses the opening this event stands for
            IOException refused = assertThrows(IOException.class, () -> sink.accept(forward(6)));
            assertTrue(refused.getMessage().contains("unreachable"), refused.getMessage());
            rsyslog.start();
            sink.accept(forward(7));
            await(() -> count(rsyslog, 6), "after restart");
            List<Object> ids = received(rsyslog).stream().map(r -> r.json().get("event_id")).toList();
            List<Object> expected = new ArrayList<>();
            for (long i : new long[] {1, 2, 3, 4, 5, 7}) {
                expected.add(forward(i).header().eventId());
            }
            assertEquals(expected, ids);
        }
    }

    @Test
    void spooledSinkLosesNothingAcrossATlsCollectorRestart() throws Exception {
        try (Rsyslog rsyslog = anonymousCollector("spool")) {
            rsyslog.start();
            SyslogAuditSink syslog = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).tls(pinned())
                    .policy(AuditPolicy.SPOOL).connectTimeout(Duration.ofSeconds(1)).build();
            try (SpoolingAuditSink spool = SpoolingAuditSink.builder(tmp.resolve("spool-dir"), syslog)
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build()) {
                for (long i = 1; i <= 20; i++) {
                    spool.accept(forward(i));
                }
                await(() -> count(rsyslog, 20), "first 20");
                rsyslog.stop();
                await(() -> !syslog.isConnected(), "the sink to notice the close");
                for (long i = 21; i <= 40; i++) {
                    spool.accept(forward(i)); // never refused: the spool absorbs the outage
                }
                await(() -> spool.pendingBytes() > 0, "the spool to hold the outage's events");
                Thread.sleep(300); // let the spool fail and back off at least once
                rsyslog.start();
                await(() -> spool.pendingBytes() == 0, "the spool to drain");
                await(() -> count(rsyslog, 42), "40 events plus degraded and recovered");
            }
            List<Received> got = received(rsyslog);
            Map<String, Integer> counts = eventIdCounts(got);
            for (long i = 1; i <= 40; i++) {
                assertEquals(1, counts.get(forward(i).header().eventId()), "event " + i + " exactly once");
            }
            List<String> types = got.stream().map(Received::msgId).toList();
            assertEquals(40, types.stream().filter("forward.close"::equals).count());
            assertEquals(1, types.stream().filter("audit.degraded"::equals).count(), types.toString());
            assertEquals(1, types.stream().filter("audit.recovered"::equals).count(), types.toString());
        }
    }

    @Test
    void bestEffortSinkReportsEachLossOverTlsSoTheGapCanBeDeclared() throws Exception {
        try (Rsyslog rsyslog = anonymousCollector("best-effort");
                SyslogAuditSink sink = SyslogAuditSink.builder("127.0.0.1", rsyslog.port).tls(pinned())
                        .policy(AuditPolicy.BEST_EFFORT).connectTimeout(Duration.ofSeconds(1)).build()) {
            rsyslog.start();
            for (long i = 1; i <= 10; i++) {
                sink.accept(forward(i));
            }
            await(() -> count(rsyslog, 10), "first 10");
            rsyslog.stop();
            await(() -> !sink.isConnected(), "the sink to notice the close");
            int dropped = 0;
            for (long i = 11; i <= 15; i++) {
                try {
                    sink.accept(forward(i));
                } catch (IOException lost) {
                    dropped++; // what the dispatcher does for BEST_EFFORT: count the drop
                }
            }
            assertEquals(5, dropped, "every event sent while the collector is down is reported as lost");
            rsyslog.start();
            sink.accept(new AuditGap(SampleEvents.header("jh-01", 16), sink.name(), dropped, 11, 15));
            sink.accept(forward(17));
            await(() -> count(rsyslog, 12), "gap and next event");
            List<Received> got = received(rsyslog);
            assertEquals("audit.gap", got.get(10).msgId());
            assertTrue(got.get(10).structuredData().contains(" dropped_count=\"5\" from_seq=\"11\" to_seq=\"15\""),
                    got.get(10).structuredData());
            assertEquals(forward(17).header().eventId(), got.get(11).json().get("event_id"));
        }
    }
}
