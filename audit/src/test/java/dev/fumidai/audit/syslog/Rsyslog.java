// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.syslog;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real rsyslogd (installed at {@code /usr/sbin/rsyslogd}) in the foreground with its own configuration: an
 * imtcp input on a free 127.0.0.1 port and an omfile action writing one line per message with the RFC 5424 parts
 * rsyslog parsed, tab-separated: MSGID, STRUCTURED-DATA, APP-NAME, HOSTNAME, PROCID, TIMESTAMP, PRI, MSG.
 * With {@link Tls} the input speaks RFC 5425 through rsyslog's {@code ossl} network stream driver
 * ({@code lmnsd_ossl}, Debian package {@code rsyslog-openssl}).
 */
final class Rsyslog implements AutoCloseable {

    /**
     * The TLS side of the collector: PEM files for the CA that client certificates must chain to, the collector's
     * certificate and key, the rsyslog {@code StreamDriver.AuthMode} ({@code anon} takes any client,
     * {@code x509/name} requires a client certificate from the CA naming one of {@code permittedPeer}).
     */
    record Tls(Path caFile, Path certFile, Path keyFile, String authMode, String permittedPeer) {
    }

    static final String RSYSLOGD = "/usr/sbin/rsyslogd";

    private final Path dir;
    final int port;
    final Path output;
    private Process process;

    Rsyslog(Path dir) throws IOException {
        this(dir, null);
    }

    Rsyslog(Path dir, Tls tls) throws IOException {
        this.dir = dir;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
        this.output = dir.resolve("received.log");
        String global = "global(workDirectory=\"" + dir + "\" maxMessageSize=\"64k\"";
        String imtcp = "module(load=\"imtcp\")";
        if (tls != null) {
            global += " DefaultNetstreamDriver=\"ossl\" DefaultNetstreamDriverCAFile=\"" + tls.caFile()
                    + "\" DefaultNetstreamDriverCertFile=\"" + tls.certFile() + "\" DefaultNetstreamDriverKeyFile=\""
                    + tls.keyFile() + "\"";
            imtcp = "module(load=\"imtcp\" StreamDriver.Name=\"ossl\" StreamDriver.Mode=\"1\" StreamDriver.AuthMode=\""
                    + tls.authMode() + "\"" + (tls.permittedPeer() == null ? ""
                    : " PermittedPeer=[\"" + tls.permittedPeer() + "\"]") + ")";
        }
        Files.writeString(dir.resolve("rsyslog.conf"), String.join("\n",
                global + ")",
                imtcp,
                "input(type=\"imtcp\" port=\"" + port + "\" address=\"127.0.0.1\")",
                "template(name=\"parts\" type=\"list\") {",
                "  property(name=\"msgid\") constant(value=\"\\t\")",
                "  property(name=\"structured-data\") constant(value=\"\\t\")",
                "  property(name=\"app-name\") constant(value=\"\\t\")",
                "  property(name=\"hostname\") constant(value=\"\\t\")",
                "  property(name=\"procid\") constant(value=\"\\t\")",
                "  property(name=\"timereported\" dateFormat=\"rfc3339\") constant(value=\"\\t\")",
                "  property(name=\"pri\") constant(value=\"\\t\")",
                "  property(name=\"msg\") constant(value=\"\\n\")",
                "}",
                "*.* action(type=\"omfile\" file=\"" + output + "\" template=\"parts\")",
                ""));
    }

    /** Starts rsyslogd and waits until it accepts connections. */
    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(RSYSLOGD, "-n", "-f", dir.resolve("rsyslog.conf").toString(), "-i",
                dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("rsyslogd.out").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("rsyslogd exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("rsyslogd.out")));
            }
            String diagnostics = diagnostics();
            if (diagnostics.contains("could not load module") || diagnostics.contains("activation of module")) {
                // e.g. the ossl network stream driver (package rsyslog-openssl) is not installed
                throw new IOException("rsyslogd cannot start its input: " + diagnostics);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("rsyslogd does not listen on " + port + ": " + diagnostics);
                }
                Thread.sleep(20);
            }
        }
    }

    /** Stops rsyslogd with SIGTERM and waits for it to exit. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Returns what rsyslogd printed so far (its own error messages). */
    String diagnostics() throws IOException {
        Path out = dir.resolve("rsyslogd.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    /** Returns the lines written so far. */
    List<String> lines() throws IOException {
        if (!Files.exists(output)) {
            return new ArrayList<>();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1);
        return lines;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
