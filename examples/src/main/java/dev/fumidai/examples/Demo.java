package dev.fumidai.examples;

import dev.fumidai.CommandHop;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.InMemoryAuditSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows fumidai end to end on this machine: a private service, a route to it through a hop, a local forward
 * and an in-process stream through that route, and the audit records they produce.
 *
 * <p>The hop is a {@link CommandHop} running {@link StdioBridge}, the way OpenSSH's {@code ProxyCommand} runs a
 * relay on a bastion. Everything listens on 127.0.0.1 and stops when the demo ends.
 */
public final class Demo {

    private Demo() {
    }

    /** Runs the demo; exit status 0 when every step worked. */
    public static void main(String[] args) throws Exception {
        try (ServerSocket service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread serviceThread = new Thread(() -> serve(service), "private-service");
            serviceThread.setDaemon(true);
            serviceThread.start();
            System.out.println("private service (upper-cases lines) on 127.0.0.1:" + service.getLocalPort());

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            CommandHop bastion = CommandHop.of(java, "-cp", System.getProperty("java.class.path"),
                    StdioBridge.class.getName(), "%h", "%p").named("demo-bastion");
            InMemoryAuditSink audit = InMemoryAuditSink.create();
            Target target = Target.of("127.0.0.1", service.getLocalPort());

            try (JumpHost jh = JumpHost.builder().route(Route.of(bastion)).actor("demo:" + System.getProperty("user.name"))
                    .auditSink(audit).processName("fumidai-demo").build()) {
                System.out.println("route: " + jh.route());

                try (LocalForward fwd = jh.forward(target);
                        Socket s = new Socket("127.0.0.1", fwd.localPort())) {
                    System.out.println("1. local forward 127.0.0.1:" + fwd.localPort() + " -> " + target);
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                    out.println("hello through a forward");
                    System.out.println("   sent 'hello through a forward', got '" + in.readLine() + "'");
                }
                audit.await(ForwardClosed.class, Duration.ofSeconds(10));

                try (TunnelConnection c = jh.connect(target, Duration.ofSeconds(10))) {
                    System.out.println("2. in-process stream to " + target + " (no local port)");
                    Writer w = new java.io.OutputStreamWriter(c.outputStream(), StandardCharsets.UTF_8);
                    w.write("hello in process\n");
                    w.flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(c.inputStream(),
                            StandardCharsets.UTF_8));
                    System.out.println("   sent 'hello in process', got '" + in.readLine() + "'");
                }
            }
            System.out.println();
            System.out.println("audit records:");
            for (AuditEvent e : audit.events()) {
                System.out.println("  " + describe(e));
            }
        }
    }

    private static String describe(AuditEvent e) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-4d %-17s %-8s actor=%s",
                e.header().emitterSeq(), e.type().wireName(), e.outcome().wireName(), e.header().actor().id()));
        if (e instanceof HopConnected) {
            HopConnected h = (HopConnected) e;
            sb.append(" hop=").append(h.hop().transport()).append(':').append(h.hop().name());
        } else if (e instanceof ForwardOpened) {
            ForwardOpened f = (ForwardOpened) e;
            sb.append(" source=").append(f.source().listener().kind().wireName());
            if (f.source().address() != null) {
                sb.append(' ').append(f.source().address()).append(':').append(f.source().port());
            }
            sb.append(" target=").append(f.target().host()).append(':').append(f.target().port());
        } else if (e instanceof ForwardClosed) {
            ForwardClosed f = (ForwardClosed) e;
            sb.append(" up=").append(f.bytesUp()).append(" down=").append(f.bytesDown()).append(" reason=")
                    .append(f.reason().code().wireName()).append(" duration_ms=").append(f.durationMs());
        }
        return sb.toString();
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> upperCase(s), "private-service-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void upperCase(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line.toUpperCase(Locale.ROOT));
            }
        } catch (IOException e) {
            // The client went away; nothing to clean up beyond the socket.
        }
    }
}
