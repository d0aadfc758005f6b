// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import dev.fumidai.HopHostKeyException;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.testsupport.EmbeddedBastions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows fumidai end to end on this machine: a private service, two embedded SSH bastions (bastion-2 reachable
 * only through bastion-1), a two-hop route with known_hosts verification and public-key authentication, a local
 * forward and an in-process stream through it, two failures caught by their type (a target the last bastion may
 * not open, a bastion whose host key is not in known_hosts), and the audit records they produce.
 *
 * <p>Everything listens on 127.0.0.1 and stops when the demo ends.
 */
public final class Demo {

    private Demo() {
    }

    /** Runs the demo; exit status 0 when every step worked. */
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("fumidai-demo");
        try (ServerSocket service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread serviceThread = new Thread(() -> serve(service), "private-service");
            serviceThread.setDaemon(true);
            serviceThread.start();
            Target target = Target.of("127.0.0.1", service.getLocalPort());
            System.out.println("private service (upper-cases lines) on " + target);

            // bastion-2 may reach only the private service; bastion-1 only bastion-2 (PermitOpen-style filters). The
            // operator's key (PKCS#8 PEM, as many tools write it) is authorized on both; their host keys go to a
            // known_hosts file. The test-support artifact's EmbeddedBastions builds all of it.
            try (EmbeddedBastions bastions = EmbeddedBastions.builder().directory(work).bastion("bastion-1")
                    .bastion("bastion-2", target.toString()).start()) {
                EmbeddedBastions.Bastion b1 = bastions.bastion("bastion-1");
                EmbeddedBastions.Bastion b2 = bastions.bastion("bastion-2");
                System.out.println("bastion-1 on 127.0.0.1:" + b1.port() + " (may open only bastion-2)");
                System.out.println("bastion-2 on 127.0.0.1:" + b2.port() + " (may open only the service)");
                System.out.println("known_hosts:");
                for (EmbeddedBastions.Bastion b : bastions.bastions()) {
                    System.out.println("  " + b.knownHostsLine().substring(0, 60) + "...");
                }

                InMemoryAuditSink audit = InMemoryAuditSink.create();

                try (JumpHost jh = JumpHost.builder().route(bastions.route())
                        .actor("demo:" + System.getProperty("user.name")).auditSink(audit).processName("fumidai-demo")
                        .build()) {
                    System.out.println("route: " + jh.route());

                    try (LocalForward fwd = jh.forward(target);
                            Socket s = new Socket("127.0.0.1", fwd.localPort())) {
                        System.out.println("1. local forward 127.0.0.1:" + fwd.localPort() + " -> " + target
                                + " through both bastions");
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

                    // bastion-2 may open only the service: asking for anything else fails with the type that says
                    // so, naming the hop that refused.
                    Target forbidden = Target.of("127.0.0.1", b1.port());
                    try (TunnelConnection c = jh.connect(forbidden, Duration.ofSeconds(10))) {
                        throw new IllegalStateException("bastion-2 opened " + forbidden + " against its filter");
                    } catch (TargetUnreachableException e) {
                        System.out.println("3. " + forbidden + " refused by hop " + e.hopIndex() + " \"" + e.hopName()
                                + "\" (TargetUnreachableException)");
                    }
                }

                // A route whose known_hosts lacks bastion-1's key: the first connect fails before any credential
                // is offered, with the key's fingerprint and the verdict for an operator to check.
                Path emptyKnownHosts = Files.createFile(work.resolve("empty_known_hosts"));
                SshHop untrusted = SshHop.builder().address(Target.of("127.0.0.1", b1.port()))
                        .hostKeyVerifier(KnownHostsVerifier.of(emptyKnownHosts)).name(b1.name())
                        .user(bastions.user()).identity(bastions.clientKey()).build();
                try (JumpHost strict = JumpHost.builder().route(Route.of(untrusted))
                        .actor("demo:" + System.getProperty("user.name")).auditSink(InMemoryAuditSink.create())
                        .build()) {
                    strict.connectHops(Duration.ofSeconds(10));
                    throw new IllegalStateException("bastion-1 was trusted without its key in known_hosts");
                } catch (HopHostKeyException e) {
                    System.out.println("4. hop " + e.hopIndex() + " \"" + e.hopName() + "\" not trusted: "
                            + e.verdict() + " " + e.keyAlgorithm() + " " + e.fingerprint() + " (HopHostKeyException)");
                }
                System.out.println();
                System.out.println("audit records:");
                for (AuditEvent e : audit.events()) {
                    System.out.println("  " + describe(e));
                }
            }
        } finally {
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(work);
        }
    }

    private static String describe(AuditEvent e) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-4d %-17s %-8s actor=%s",
                e.header().emitterSeq(), e.type().wireName(), e.outcome().wireName(), e.header().actor().id()));
        if (e instanceof HopConnected) {
            HopConnected h = (HopConnected) e;
            sb.append(" hop=").append(h.hop().transport()).append(':').append(h.hop().name());
            if (h.hop().crypto() != null) {
                sb.append(" kex=").append(h.hop().crypto().kex()).append(" cipher=").append(h.hop().crypto().cipher());
            }
        } else if (e instanceof HostKeyChecked) {
            HostKeyChecked h = (HostKeyChecked) e;
            sb.append(" hop=").append(h.hop().name()).append(" key=").append(h.hostKey().fingerprint())
                    .append(" verified_by=").append(h.hostKey().verifiedBy() == null ? "-"
                            : h.hostKey().verifiedBy().wireName());
        } else if (e instanceof AuthAttempted) {
            AuthAttempted a = (AuthAttempted) e;
            sb.append(" hop=").append(a.hop().name()).append(" credential=").append(a.credential().type().wireName());
            if (a.credential().fingerprint() != null) {
                sb.append(' ').append(a.credential().fingerprint());
            }
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
