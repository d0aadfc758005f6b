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
 */
final class Rsyslog implements AutoCloseable {

    static final String RSYSLOGD = "/usr/sbin/rsyslogd";

    private final Path dir;
    final int port;
    final Path output;
    private Process process;

    Rsyslog(Path dir) throws IOException {
        this.dir = dir;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
        this.output = dir.resolve("received.log");
        Files.writeString(dir.resolve("rsyslog.conf"), String.join("\n",
                "global(workDirectory=\"" + dir + "\" maxMessageSize=\"64k\")",
                "module(load=\"imtcp\")",
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
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("rsyslogd does not listen on " + port);
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
